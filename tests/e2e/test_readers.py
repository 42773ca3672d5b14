"""Issue 14 §4, "written for who reads it", typed as the testers typed it, in English and
German: caregivers read what is theirs to do (the missed-dose alert, /patients, /schedule);
/taken for a date already recorded says so; /pen asks first and can be undone; support staff
see a first name only when the operator chose it (and the consent says so); tapping through the
menu is answered every time, a flood once."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from bot import texts
from bot.texts import language
from tests.e2e.conftest import Start
from tests.support.database import SQLITE_ONLY, rows
from tests.support.fakebotapi import ChatMessage, FakeBotApi, FakeUser
from tests.support.harness import BotProcess
from tests.support.people import say
from tests.support.wording import rendered, shown

pytestmark = SQLITE_ONLY

LANGUAGES = ["en", "de"]
INVITE_LINK = re.compile(r"https://t\.me/kesimpta_test_bot\?start=([A-Za-z0-9_-]+)")


def opening(code: str, text: Callable[[], str]) -> str:
    return shown(rendered(code, text))[:25]


def sign_up(user: FakeUser, code: str, zone: str = "UTC", at: str = "09:00") -> None:
    """Typed from /start to the plan, first injection today."""
    say(user, "/start", opening(code, lambda: texts.enrolment.consent(False)))
    say(user, "yes", opening(code, texts.enrolment.ask_time_zone))
    say(user, zone, opening(code, lambda: texts.enrolment.ask_first_injection(date.today())))
    say(user, "today", opening(code, texts.enrolment.ask_reminder_time))
    say(user, at, opening(code, texts.enrolment.enrolled))


def recorded(day: date, following: date) -> str:
    """What /taken answers for dose 1."""
    return texts.reminders.recorded(1, day, 2, following)


def link(patient: FakeUser, caregiver: FakeUser, code: str) -> None:
    """/invite, the caregiver opens the link, the patient taps ✅."""
    message = say(patient, "/invite", opening(code, lambda: texts.caregivers.invite_link("", 48)))
    match = INVITE_LINK.search(message.body)
    assert match is not None, message.body
    say(
        caregiver,
        f"/start {match.group(1)}",
        opening(code, lambda: texts.caregivers.waiting_for_approval(patient.first_name)),
    )
    request = patient.wait_for(
        contains=opening(code, lambda: texts.caregivers.approve_request(caregiver.first_name))
    )
    patient.tap(request, shown(rendered(code, texts.caregivers.approve_button)))
    patient.wait_for_edit(request)
    caregiver.wait_for(
        contains=opening(code, lambda: texts.caregivers.approved_for_caregiver(patient.first_name))
    )


def chat_menu(api: FakeBotApi, user: FakeUser, code: str, has: str) -> set[str]:
    """The commands of the user's own menu (in their app's language) once it has `has`."""
    scope = {"type": "chat", "chat_id": user.chat_id}
    variant = "" if code == "en" else code
    deadline = time.monotonic() + 10
    while True:
        commands = {entry["command"] for entry in api.commands(scope, variant)}
        if has in commands or time.monotonic() > deadline:
            return commands
        time.sleep(0.1)


def help_of(user: FakeUser, code: str) -> str:
    heading = shown(
        rendered(code, lambda: texts.account.help(patient=False, caregiver=False, staff=False))
    )
    return say(user, "/help", heading.splitlines()[0]).body


# --- /help and the menu for each role ---------------------------------------------------------


@pytest.mark.parametrize("code", LANGUAGES)
def test_help_and_menu_list_what_each_role_can_do(
    api: FakeBotApi, bot: BotProcess, code: str
) -> None:
    newcomer = api.user(8101, "Nora", language_code=code)
    patient = api.user(8102, "Paul", language_code=code)
    caregiver = api.user(8103, "Cara", language_code=code)
    both = api.user(8104, "Bea", language_code=code)
    staff = api.user(9001, "Sam", language_code=code)

    text = help_of(newcomer, code)
    assert "/start" in text and "/sideeffects" in text and "/support" in text
    assert not {"/taken", "/leave", "/stats", "/invite"} & set(text.split())
    everyone = {c["command"] for c in api.commands({"type": "all_private_chats"})}
    assert "start" in everyone and not {"taken", "patients", "stats"} & everyone

    sign_up(patient, code)
    text = help_of(patient, code)
    assert {"/schedule", "/taken", "/pen", "/pens", "/invite"} <= set(text.split())
    assert not {"/leave", "/stats"} & set(text.split())
    menu = chat_menu(api, patient, code, has="taken")
    assert {"taken", "schedule", "invite", "pen", "pens"} <= menu
    assert not {"patients", "stats"} & menu

    link(patient, caregiver, code)
    text = help_of(caregiver, code)
    assert {"/patients", "/leave", "/settings"} <= set(text.split())
    assert not {"/taken", "/schedule", "/pen", "/invite", "/stats"} & set(text.split())
    menu = chat_menu(api, caregiver, code, has="patients")
    assert {"patients", "leave", "settings"} <= menu
    assert not {"taken", "schedule", "pen", "pens", "stats"} & menu

    sign_up(both, code)
    link(patient, both, code)
    text = help_of(both, code)
    assert {"/taken", "/schedule", "/patients", "/leave"} <= set(text.split())
    assert "/stats" not in text
    menu = chat_menu(api, both, code, has="patients")
    assert {"taken", "patients", "leave"} <= menu and "stats" not in menu

    text = help_of(staff, code)
    assert {"/broadcast", "/stats"} <= set(text.split())
    assert "stats" in chat_menu(api, staff, code, has="stats")


# --- caregivers ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_caregiver_reads_what_is_theirs_to_do(
    api: FakeBotApi, start_at: Start, code: str
) -> None:
    """/schedule from a caregiver without a plan, /patients, and the missed-dose alert."""
    start_at("2027-01-04 07:00:00")
    fay = api.user(8201, "Fay", language_code=code)
    gus = api.user(8202, "Gus", language_code=code)
    sign_up(fay, code)
    link(fay, gus, code)

    where = shown(rendered(code, lambda: texts.caregivers.no_plan_of_your_own(["Fay"])))
    assert say(gus, "/schedule", where[:25]).body == where
    assert say(gus, "/next", where[:25]).body == where

    say(fay, "/taken", opening(code, lambda: recorded(date(2027, 1, 4), date(2027, 1, 11))))
    overview = say(gus, "/patients", opening(code, texts.caregivers.patients_header)).body
    next_line = shown(
        rendered(
            code,
            lambda: texts.caregivers.patient_summary("x", (2, date(1, 1, 1), False), None, ""),
        )
    )
    next_words = next_line.splitlines()[1].split(":")[0]
    assert overview.count(next_words + ":") == 1, overview
    assert shown(rendered(code, lambda: texts.caregivers.adherence_in_words(1, 0, 0))) in overview

    start_at("2027-01-12 09:00:30")  # 24 h after dose 2's reminder (2027-01-11 09:00 UTC)
    alert = gus.wait_for(lambda m: "❗" in m.body, timeout=30)
    assert alert.body == shown(
        rendered(
            code, lambda: texts.caregivers.caregiver_missed("Fay", 2, date(2027, 1, 11), False)
        )
    )
    assert "pause" not in alert.body.lower() and "pausier" not in alert.body.lower()
    assert alert.buttons == []


# --- /taken for a date already recorded -----------------------------------------------------


@pytest.mark.parametrize("code", LANGUAGES)
def test_taken_for_a_date_already_recorded_says_so(
    api: FakeBotApi, start_at: Start, tmp_path: Path, code: str
) -> None:
    start_at("2027-01-11 07:00:00")
    ida = api.user(8301, "Ida", language_code=code)
    sign_up(ida, code)
    say(ida, "/taken", opening(code, lambda: recorded(date(2027, 1, 11), date(2027, 1, 18))))
    expected = shown(
        rendered(code, lambda: texts.reminders.already_recorded_on(1, date(2027, 1, 11)))
    )
    assert say(ida, "/taken 2027-01-11", expected[:20]).body == expected
    before_previous = shown(
        rendered(code, lambda: texts.reminders.taken_problems()["before_previous_dose"])
    )
    assert before_previous not in [m.body for m in ida.messages()]
    assert rows(tmp_path, "SELECT number FROM dose_records WHERE patient_id = 8301") == [(1,)]


# --- /pen ----------------------------------------------------------------------------------


@pytest.mark.parametrize("code", LANGUAGES)
def test_pen_asks_first_and_can_be_undone(
    api: FakeBotApi, bot: BotProcess, tmp_path: Path, code: str
) -> None:
    jo = api.user(8401, "Jo", language_code=code)
    sign_up(jo, code)
    yes, no = (
        shown(rendered(code, texts.care.pen_yes_button)),
        shown(rendered(code, texts.care.pen_no_button)),
    )
    question = say(jo, "/pen", opening(code, texts.care.pen_question))
    assert question.body == shown(rendered(code, texts.care.pen_question))
    assert question.buttons == [yes, no]
    assert rows(tmp_path, "SELECT id FROM pen_periods") == [], "nothing noted before the answer"

    jo.tap(question, no)
    answered = jo.wait_for_edit(question)
    assert answered.body == shown(rendered(code, texts.care.pen_not_noted))
    assert rows(tmp_path, "SELECT id FROM pen_periods") == []

    question = say(jo, "/pen", opening(code, texts.care.pen_question))
    jo.tap(question, yes)
    noted = jo.wait_for_edit(question)
    undo = shown(rendered(code, texts.care.pen_undo_button))
    assert undo in noted.buttons
    [(period,)] = rows(tmp_path, "SELECT id FROM pen_periods WHERE closed_at IS NULL")
    assert len(rows(tmp_path, "SELECT id FROM outbox WHERE kind LIKE 'pen_%'")) == 2
    undo_data = noted.button(undo)["callback_data"]
    assert undo_data == f"pen:undo:{period}"

    stranger = api.user(8402, "Kai", language_code=code)
    elsewhere = say(stranger, "/pen", opening(code, texts.common.not_enrolled))
    nothing = shown(rendered(code, texts.care.pen_nothing_to_undo))
    assert api.wait_for_callback_answer(stranger.tap_data(elsewhere, undo_data)).text == nothing
    assert api.wait_for_callback_answer(jo.tap_data(noted, "pen:undo:99999")).text == nothing
    assert rows(tmp_path, "SELECT id FROM pen_periods") == [(period,)], "forged: nothing changed"

    jo.tap(noted, undo)
    undone = jo.wait_for_edit(noted)
    assert undone.body == shown(rendered(code, texts.care.pen_undone))
    assert rows(tmp_path, "SELECT id FROM pen_periods") == []
    assert (
        rows(tmp_path, "SELECT id FROM outbox WHERE kind LIKE 'pen_%' AND finished_at IS NULL")
        == []
    )
    assert api.wait_for_callback_answer(jo.tap_data(undone, undo_data)).text == nothing, "stale"


# --- support: the first name, if the operator chose it -------------------------------------


@pytest.fixture
def launch(api: FakeBotApi, tmp_path: Path) -> Iterator[Callable[..., BotProcess]]:
    started: list[BotProcess] = []

    def start(**env: str) -> BotProcess:
        bot = BotProcess(api, tmp_path, {"ADMIN_IDS": "9001", **env}).start()
        started.append(bot)
        return bot

    yield start
    for bot in started:
        bot.stop()


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("shows", [False, True])
def test_support_shows_a_first_name_only_when_chosen_and_says_so(
    api: FakeBotApi, launch: Callable[..., BotProcess], code: str, shows: bool
) -> None:
    launch(SUPPORT_SHOWS_FIRST_NAME="true" if shows else "false")
    staff = api.user(9001, "Sam")  # staff read it in their own language, English here
    lou = api.user(8501, "Lou<3", language_code=code)
    consent = say(lou, "/start", opening(code, lambda: texts.enrolment.consent(shows)))
    assert consent.body == shown(rendered(code, lambda: texts.enrolment.consent(shows)))
    say(lou, "/support My reminders stopped", opening(code, texts.support.support_sent))
    request = staff.wait_for(contains="#1")
    assert ("Lou<3" in request.body) is shows
    heading = texts.support.support_request(1, "", "Lou<3" if shows else None)
    assert request.body.splitlines()[0] == shown(heading.splitlines()[0])


# --- tapping through the menu ------------------------------------------------------------


EXPLORING = [
    "/start", "/help", "/sideeffects", "/precautions", "/howto", "/storage", "/missed", "/faq",
    "/about", "/myid", "/schedule", "/next", "/taken", "/history", "/pen", "/export",
    "/settings", "/invite", "/caregivers", "/patients",
]  # fmt: skip


def settled(user: FakeUser, seconds: float = 2.0) -> list[ChatMessage]:
    seen, last_change = -1, time.monotonic()
    while time.monotonic() - last_change < seconds:
        count = len(user.messages())
        if count != seen:
            seen, last_change = count, time.monotonic()
        time.sleep(0.1)
    return user.messages()


@pytest.mark.parametrize("code", LANGUAGES)
def test_exploring_the_menu_is_answered_and_a_flood_once(
    api: FakeBotApi, bot: BotProcess, code: str
) -> None:
    eve = api.user(8601, "Eve", language_code=code)
    calm = shown(rendered(code, texts.limits.flood_pause))
    for command in EXPLORING:  # twenty commands within a second or two, far faster than a tester
        eve.send(command)
    answers = settled(eve)
    assert calm not in [m.body for m in answers], "no one exploring is told to slow down"
    assert len(answers) >= len(EXPLORING), "every command got its answer"

    for _ in range(100):
        eve.send("/help")
    flood = settled(eve)[len(answers) :]
    assert [m.body for m in flood].count(calm) == 1, "one answer for the whole flood"
    assert len(flood) == 21, "twenty more commands read (forty a minute), then only silence"


# --- the broadcast report -------------------------------------------------------------------


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_broadcast_report_reads_naturally_at_zero_and_one(
    api: FakeBotApi, bot: BotProcess, code: str
) -> None:
    staff = api.user(9001, "Sam", language_code=code)
    say(staff, "/help", "/stats")  # the staff member's language is known from here on
    mia, ned = api.user(8701, "Mia", language_code=code), api.user(8702, "Ned")
    sign_up(mia, code)
    sign_up(ned, "en")
    for number, blocked in ((1, 0), (2, 1)):
        if blocked:
            api.fail_chat(ned.chat_id, 403, "Forbidden: bot was blocked by the user")
        notice = f"Notice {number}"
        staff.send(f"/broadcast {notice}")
        preview = staff.wait_for(lambda m, notice=notice: bool(m.buttons) and notice in m.body)
        staff.tap(preview, next(label for label in preview.buttons if label.startswith("✅")))
        finished = shown(
            rendered(
                code,
                lambda n=number: language._("📣 <b>Broadcast #{number} finished</b>").format(
                    number=n
                ),
            )
        )
        report = staff.wait_for(lambda m, title=finished: m.body.startswith(title), timeout=30)
        line = shown(rendered(code, lambda count=blocked: texts.staff.blocked_line(count)))
        assert line in report.body.splitlines(), report.body
        assert "(now marked inactive)" not in report.body
