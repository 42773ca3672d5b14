"""Broadcasts in every language, sent at the right time, end to end: staff in an English and in
a German chat write a notice, add its German version with the button and a typed message, and
each recipient gets the text in their language (the default language's when they have none);
the report counts by language. A notice scheduled for a typed time arrives then (libfaketime
moves the bot's clock) and not before, is listed in /broadcasts and can be cancelled until it
starts; a time in the past or gibberish, a non-staff user and forged buttons change nothing.
Paid broadcasts pass `allow_paid_broadcast` only when the operator turned them on."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import texts
from bot.db import make_engine, transaction
from bot.store import languages
from tests.e2e.conftest import Start
from tests.e2e.test_broadcast import (
    NOT_YOURS,
    STAFF,
    STAFF_ENV,
    STAFF_ONLY,
    Launch,
    compose,
    current,
    eventually,
    received,
    report,
    send,
    users,
)
from tests.support.database import database_url, value
from tests.support.fakebotapi import ChatMessage, FakeBotApi, FakeUser
from tests.support.harness import BotProcess
from tests.support.seed import seed
from tests.support.wording import GERMAN_TWIN, german, shown

ENGLISH_NOTICE = "<b>Clinic closed</b> on Friday"
GERMAN_NOTICE = "<b>Praxis geschlossen</b> am Freitag"


@pytest.fixture
def bot_env() -> dict[str, str]:
    """The bot `start_at` starts: both staff members, no cap on the broadcast rate."""
    return {**STAFF_ENV, "BROADCAST_RATE": "0"}


@pytest.fixture
def launch(api: FakeBotApi, tmp_path: Path) -> Iterator[Launch]:
    """Start the bot on the seeded working directory with both staff members and extra
    settings (the real clock); every process started is stopped at the end."""
    started: list[BotProcess] = []

    def start(**env: str) -> BotProcess:
        bot = BotProcess(api, tmp_path, {**STAFF_ENV, **env}).start()
        started.append(bot)
        return bot

    yield start
    for bot in started:
        bot.stop()


@pytest.fixture
def staff(api: FakeBotApi) -> FakeUser:
    return api.user(STAFF, "Sam", last_name="<Ops>")


@pytest.fixture
def other_staff(api: FakeBotApi) -> FakeUser:
    return api.user(9002, "Kim")


@pytest.fixture
def german_staff(api: FakeBotApi) -> FakeUser:
    return api.user(STAFF, "Sam", language_code="de")


def speak(workdir: Path, codes: dict[int, str]) -> None:
    """Store the languages of seeded people, as the bot keeps them for patients."""
    engine = make_engine(database_url(workdir))
    try:
        with transaction(engine) as session:
            for user_id, code in codes.items():
                languages.remember(session, user_id, code, datetime.now(UTC))
    finally:
        engine.dispose()


def paid_flags(api: FakeBotApi, chats: set[int]) -> list[object]:
    return [
        call.params.get("allow_paid_broadcast")
        for call in api.calls_to("sendMessage", ok=True)
        if int(call.chat_id) in chats
    ]


# --------------------------------------------------------------------------------------------
# each reader in their language
# --------------------------------------------------------------------------------------------


def test_a_two_language_notice_reaches_each_reader_in_theirs(
    api: FakeBotApi, tmp_path: Path, launch: Launch, staff: FakeUser
) -> None:
    english, german_reader, unknown = 50_000, 50_001, 50_002
    seed(tmp_path, patients=[english, german_reader, unknown])
    speak(tmp_path, {english: "en", german_reader: "de"})
    users(api, [english, german_reader, unknown])
    launch(BROADCAST_RATE="0")

    preview = compose(staff, ENGLISH_NOTICE)
    warning = staff.wait_for(contains="No German version yet", after=preview)
    assert warning.body.startswith(
        "⚠️ No German version yet: 1 recipient who reads German will get the English text."
    ), warning.body
    assert preview.buttons[-3:] == ["🇩🇪 Add German version", "⏰ Send later…", "✖️ Cancel"]

    staff.tap(preview, "🇩🇪 Add German version")
    prompt = staff.wait_for(contains="Write the German version of broadcast #1")
    staff.send("<b>unclosed")  # refused like the notice itself; still waiting for the text
    staff.wait_for(contains="⚠️ I can't send that: <b> is never closed", after=prompt)
    staff.send(GERMAN_NOTICE)
    intro = staff.wait_for(contains="The German version, exactly as people who read German")
    german_preview = staff.wait_for(lambda m: bool(m.buttons), after=intro)
    assert german_preview.body == "Praxis geschlossen am Freitag"
    assert "🇩🇪 Replace German version" in german_preview.buttons
    eventually(lambda: current(staff, preview).buttons == [], "the first preview's buttons to go")

    send(api, staff, german_preview)
    message = staff.wait_for(lambda m: m.body.startswith("📣 Broadcast #1 "), after=german_preview)
    figures = report(staff, 1, after=german_preview)
    assert (figures["delivered"], figures["total"]) == (3, 3)
    assert message.body.endswith("Delivered by language: English 2 · German 1"), message.body

    assert received(api, ENGLISH_NOTICE) == Counter({english: 1, unknown: 1, STAFF: 1})
    assert received(api, GERMAN_NOTICE) == Counter({german_reader: 1, STAFF: 1})
    flags = paid_flags(api, {english, german_reader, unknown})
    assert flags == [None] * 3, "allow_paid_broadcast is not sent unless configured"


@GERMAN_TWIN
def test_in_a_german_staff_chat_the_same_in_german(
    api: FakeBotApi, tmp_path: Path, launch: Launch, german_staff: FakeUser
) -> None:
    staff = german_staff
    reader, other = 50_100, 50_101
    seed(tmp_path, patients=[reader, other])
    speak(tmp_path, {reader: "de"})
    users(api, [reader, other])
    launch(BROADCAST_RATE="0")

    staff.send(f"/broadcast {ENGLISH_NOTICE}")
    preview = staff.wait_for(lambda m: bool(m.buttons))
    warning = german(lambda: texts.staff.missing_versions_warning({"de": 1}, "en"))
    staff.wait_for(contains=shown(warning).split("\n")[0], after=preview)
    assert "⚠️ Noch keine Fassung auf Deutsch" in warning
    add = german(lambda: texts.staff.add_version_button("de", False))
    assert add == "🇩🇪 Fassung auf Deutsch hinzufügen"
    staff.tap(preview, add)
    staff.wait_for(contains="Schreiben Sie die Fassung auf Deutsch von Rundnachricht #1")
    staff.send("abbrechen")  # a change of mind: nothing kept
    staff.wait_for(contains=german(texts.staff.nothing_changed))
    staff.tap(preview, add)
    prompt = staff.wait_for(contains="Schreiben Sie die Fassung auf Deutsch")
    staff.send(GERMAN_NOTICE)
    german_preview = staff.wait_for(lambda m: bool(m.buttons), after=prompt)
    assert german_preview.body == "Praxis geschlossen am Freitag"

    send_button = next(b for b in german_preview.buttons if b.startswith("✅"))
    answer = api.wait_for_callback_answer(staff.tap(german_preview, send_button))
    assert answer.text == german(lambda: texts.staff.broadcast_started(2))
    done = staff.wait_for(lambda m: m.body.startswith("📣 "), after=german_preview, timeout=30)
    assert done.body.endswith("Zugestellt nach Sprache: Englisch 1 · Deutsch 1"), done.body
    assert received(api, GERMAN_NOTICE)[reader] == 1
    assert received(api, ENGLISH_NOTICE)[other] == 1


# --------------------------------------------------------------------------------------------
# at the right time
# --------------------------------------------------------------------------------------------


def schedule(staff: FakeUser, preview: ChatMessage, typed: str) -> ChatMessage:
    staff.tap(preview, "⏰ Send later…")
    prompt = staff.wait_for(contains="When should broadcast #")
    staff.send(typed)
    return staff.wait_for(after=prompt)


def test_a_scheduled_notice_arrives_at_its_time_and_not_before(
    api: FakeBotApi, tmp_path: Path, start_at: Start, staff: FakeUser
) -> None:
    readers = [51_000, 51_001]
    seed(tmp_path, patients=readers)
    speak(tmp_path, {51_000: "de"})
    users(api, readers)
    start_at("2026-03-02 09:00:00")

    notice = "Scheduled for <b>09:30</b>"
    preview = compose(staff, notice)
    staff.tap(preview, "⏰ Send later…")
    prompt = staff.wait_for(contains="When should broadcast #1 go out?")
    assert "Type a date and time in UTC" in prompt.body
    assert "You have no time zone in the bot" in prompt.body, "said: times are in UTC"
    assert "It is now Mon 2026-03-02 09:00" in prompt.body

    for typed, expected in [
        ("2026-03-02 08:00", "That time has already passed (it is now Mon 2026-03-02 09:0"),
        ("yesterday 9:00", "I couldn't read that as a date and time."),
        ("soonish", "I couldn't read that as a date and time."),
        ("2026-13-40 09:00", "I couldn't read that as a date and time."),
        ("2028-03-02 09:00", "That is more than a year ahead."),
    ]:
        staff.send(typed)
        answer = staff.wait_for()
        assert answer.body.startswith(expected), (typed, answer.body)
        assert value(tmp_path, "SELECT status FROM broadcasts WHERE id = 1") == "draft"

    staff.send("2026-03-02 09:30")
    confirmed = staff.wait_for(contains="will go out at")
    assert confirmed.body.startswith(
        "⏰ Broadcast #1 will go out at Mon 2026-03-02 09:30 (UTC)."
    ), confirmed.body
    eventually(lambda: current(staff, preview).buttons == ["✖️ Cancel #1"], "the cancel button")
    staff.send("/broadcasts")
    listing = staff.wait_for(contains="Scheduled broadcasts")
    assert "#1 · Mon 2026-03-02 09:30 (UTC) · by Sam <Ops> · to everyone · English" in (
        listing.body
    ), listing.body
    assert listing.buttons == ["✖️ Cancel #1"]
    staff.wait_for(contains="scheduled, not started yet", after=listing)

    time.sleep(3)  # the worker looks for work every 2 s: it is not due yet
    assert received(api, notice) == Counter({STAFF: 1})

    start_at("2026-03-02 09:29:57")  # the bot's clock reaches 09:30 a few seconds later
    eventually(lambda: received(api, notice)[51_001] == 1, "the notice at its time", 30)
    figures = report(staff, 1, after=preview, timeout=30)
    assert (figures["delivered"], figures["total"]) == (2, 2)
    started = str(value(tmp_path, "SELECT started_at FROM broadcasts WHERE id = 1"))
    started = started[:19].replace("T", " ")
    assert "2026-03-02 09:30:00" <= started < "2026-03-02 09:31:00", "not before its time"

    # a cancel now comes too late, and says so
    answer = api.wait_for_callback_answer(staff.tap_data(preview, "bc:cancel:1"))
    assert (
        answer.text
        == "It has already started, so it can't be cancelled: ⏹ on its preview stops it."
    )


def test_a_cancelled_scheduled_notice_never_goes_out_and_forgeries_change_nothing(
    api: FakeBotApi, tmp_path: Path, start_at: Start, staff: FakeUser, other_staff: FakeUser
) -> None:
    readers = [52_000, 52_001]
    seed(tmp_path, patients=readers)
    users(api, readers)
    stranger = api.user(52_900, "Eve")
    start_at("2026-03-02 09:00:00")

    notice = "Never to go out"
    preview = compose(staff, notice)
    assert schedule(staff, preview, "2026-03-02 09:05").body.startswith("⏰ Broadcast #1 will")

    stranger.send("/broadcasts")
    assert stranger.wait_for().body == STAFF_ONLY
    stranger.send("/myid")
    mine = stranger.wait_for(contains="Telegram id")
    for data in ("bc:cancel:1", "bc:later:1", "bv:1:de"):
        answer = api.wait_for_callback_answer(stranger.tap_data(mine, data))
        assert (answer.text, answer.show_alert) == (STAFF_ONLY, True), data
    other_staff.send("/broadcasts")
    listing = other_staff.wait_for(contains="Scheduled broadcasts")
    answer = api.wait_for_callback_answer(other_staff.tap(listing, "✖️ Cancel #1"))
    assert answer.text == NOT_YOURS
    for forged in ("bv:1:fr", "bv:1:en", "bc:later:x"):
        answer = api.wait_for_callback_answer(staff.tap_data(preview, forged))
        assert answer.text == texts.common.button_expired(), forged
    assert value(tmp_path, "SELECT status FROM broadcasts WHERE id = 1") == "scheduled"

    staff.send("/broadcasts")
    listing = staff.wait_for(contains="Scheduled broadcasts")
    answer = api.wait_for_callback_answer(staff.tap(listing, "✖️ Cancel #1"))
    assert answer.text == "Broadcast cancelled: nothing was sent."
    eventually(lambda: current(staff, preview).buttons == [], "the preview's cancel button to go")
    stale = api.wait_for_callback_answer(staff.tap(listing, "✖️ Cancel #1"))
    assert stale.text == "This broadcast is cancelled, nothing sent."
    assert value(tmp_path, "SELECT status FROM broadcasts WHERE id = 1") == "cancelled"

    start_at("2026-03-02 09:06:00")
    time.sleep(4)  # two of the worker's looks for work, well after its time
    assert received(api, notice) == Counter({STAFF: 1})
    assert value(tmp_path, "SELECT count(*) FROM broadcast_deliveries") == 0


@GERMAN_TWIN
def test_scheduling_in_a_german_staff_chat_uses_the_staff_time_zone(
    api: FakeBotApi, tmp_path: Path, start_at: Start, german_staff: FakeUser
) -> None:
    """A staff member who is also a patient in Berlin types Berlin time, German style."""
    staff = german_staff
    seed(tmp_path, patients=[STAFF, 53_000])
    users(api, [53_000])
    start_at("2026-03-02 09:00:00")  # 10:00 in Berlin

    staff.send("/broadcast Wartung heute Abend")
    preview = staff.wait_for(lambda m: bool(m.buttons))
    staff.tap(preview, german(texts.staff.schedule_button))
    prompt = staff.wait_for(contains="Wann soll Rundnachricht #1 versendet werden?")
    assert "in Europe/Berlin" in prompt.body and "Mo., 02.03.2026, 10:00" in prompt.body
    staff.send("heute 9:30")
    past = staff.wait_for()
    assert past.body.startswith("Dieser Zeitpunkt ist schon vorbei"), past.body
    staff.send("02.03.2026 10:30 Uhr")
    confirmed = staff.wait_for(contains="wird am")
    assert "Mo., 02.03.2026, 10:30 (Europe/Berlin)" in confirmed.body, confirmed.body
    assert value(tmp_path, "SELECT scheduled_for FROM broadcasts WHERE id = 1") is not None
    scheduled_for = str(value(tmp_path, "SELECT scheduled_for FROM broadcasts WHERE id = 1"))
    assert scheduled_for.replace("T", " ").startswith("2026-03-02 09:30"), scheduled_for


# --------------------------------------------------------------------------------------------
# paid broadcasts
# --------------------------------------------------------------------------------------------


def test_paid_broadcasts_pass_allow_paid_broadcast_only_when_configured(
    api: FakeBotApi, tmp_path: Path, launch: Launch, staff: FakeUser
) -> None:
    readers = [54_000, 54_001, 54_002]
    seed(tmp_path, patients=readers)
    users(api, readers)
    launch(PAID_BROADCAST="on", PAID_BROADCAST_RATE="500")
    notice = "Paid for speed"
    preview = compose(staff, notice)
    send(api, staff, preview)
    report(staff, 1, after=preview)
    assert paid_flags(api, set(readers)) == [True] * 3
    others = [
        call.params.get("allow_paid_broadcast")
        for call in api.calls_to("sendMessage", ok=True)
        if int(call.chat_id) == STAFF
    ]
    assert set(others) == {None}, "the staff's own messages are never paid"
