"""Issue 14 §3, fewer and better-timed messages, as the testers met them: "⏰ Tomorrow" means
the patient's own reminder time and the missed alert waits for the snoozed reminder; the old
"Who gave the injection?" buttons after ↩️ Undo; a correction tells the caregiver once, as a
correction; the checklist is one message that keeps itself up to date; a dose already overdue
at sign-up says how late it is. In English and in German."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from bot import texts
from tests.e2e.conftest import Start
from tests.e2e.test_caregivers import INVITE_LINK, link, settle
from tests.support.database import SQLITE_ONLY, rows
from tests.support.fakebotapi import ChatMessage, FakeBotApi, FakeUser
from tests.support.people import enrol, say
from tests.support.wording import german, shown

pytestmark = SQLITE_ONLY


def enrol_in_german(
    user: FakeUser, *, zone: str, first: str, at: str, last: str | None = None
) -> ChatMessage:
    """Sign up typing German answers; returns the "all set" message."""
    user.send("/start")
    agree = german(lambda: texts.enrolment.consent_agree_button())
    user.wait_for(lambda message: agree in message.buttons)
    user.send("ja")
    user.wait_for(contains=shown(german(lambda: texts.enrolment.ask_time_zone()))[:25])
    user.send(zone)
    user.wait_for(
        contains=shown(german(lambda: texts.enrolment.ask_first_injection(date.today())))[:25]
    )
    user.send(first)
    if last is not None:
        asked = german(
            lambda: texts.enrolment.ask_last_injection(date.fromisoformat(first), date.today())
        )
        user.wait_for(contains=shown(asked)[:20])
        user.send(last)
    user.wait_for(contains=shown(german(lambda: texts.enrolment.ask_reminder_time()))[:25])
    user.send(at)
    return user.wait_for(contains=shown(german(lambda: texts.enrolment.enrolled()))[:25])


def outbox_due(workdir: Path, user_id: int, kind: str) -> list[datetime]:
    """When the patient's pending rows of one kind are due (UTC, naive)."""
    found = rows(
        workdir,
        "SELECT due_at FROM outbox WHERE chat_id = ? AND kind = ? AND finished_at IS NULL",
        user_id,
        kind,
    )
    return [due.replace(tzinfo=None) for (due,) in found]


# --- 2. "⏰ Tomorrow" -------------------------------------------------------------------------


def test_tomorrow_is_the_reminder_time_and_the_missed_alert_waits(
    api: FakeBotApi, start_at: Start, tmp_path: Path
) -> None:
    """09:00 in Paris is 07:00 UTC. The tester tapped "⏰ Tomorrow" and got 08:00 and, the next
    morning, the missed alarm anyway."""
    start_at("2026-04-06 05:00:00")
    zoe = api.user(8101, "Zoe")
    enrol(zoe, zone="Europe/Paris", first="today", at="09:00")
    start_at("2026-04-06 07:00:30")
    reminder = zoe.wait_for(contains="It's time for dose 1", timeout=30)
    assert "⏰ Tomorrow 09:00" in reminder.buttons
    zoe.tap(reminder, "⏰ Tomorrow")
    zoe.wait_for(contains="Snoozed until tomorrow 09:00")
    assert outbox_due(tmp_path, 8101, "snoozed") == [datetime(2026, 4, 7, 7, 0)]
    assert outbox_due(tmp_path, 8101, "missed") == [datetime(2026, 4, 7, 9, 0)]

    start_at("2026-04-07 07:00:30")
    again = zoe.wait_for(contains="as you asked", timeout=30)
    assert "2026-04-06" in again.body
    settle(zoe)
    assert not [m for m in zoe.messages() if "looks missed" in m.body]
    start_at("2026-04-07 09:00:30")
    missed = zoe.wait_for(contains="looks missed", timeout=30, after=again)
    assert missed.seq > again.seq


def test_tomorrow_in_german_names_the_reminder_time(
    api: FakeBotApi, start_at: Start, tmp_path: Path
) -> None:
    start_at("2026-04-06 05:00:00")
    lena = api.user(8102, "Lena", language_code="de")
    done = enrol_in_german(lena, zone="Europe/Berlin", first="heute", at="9:00")
    start_at("2026-04-06 07:00:30")
    tomorrow = german(lambda: dict(texts.reminders.snooze_buttons(time(9, 0)))["tomorrow"])
    assert "09:00" in tomorrow and tomorrow != "⏰ Tomorrow 09:00"
    reminder = lena.wait_for(lambda m: tomorrow in m.buttons, timeout=30, after=done)
    lena.tap(reminder, tomorrow)
    local = datetime(2026, 4, 7, 9, 0)
    expected = german(lambda: texts.reminders.snoozed_until(local, date(2026, 4, 6)))
    lena.wait_for(contains=shown(expected))
    assert outbox_due(tmp_path, 8102, "snoozed") == [datetime(2026, 4, 7, 7, 0)]
    assert outbox_due(tmp_path, 8102, "missed") == [datetime(2026, 4, 7, 9, 0)]


# --- 4. "Who gave the injection?" after ↩️ Undo ------------------------------------------------


def who_after_undo(user: FakeUser, api: FakeBotApi, start_at: Start, who: str) -> str | None:
    """Confirm dose 1 from its reminder, undo it, then tap the old "who" button: the bot's
    answer to that tap."""
    start_at("2026-04-06 07:00:30")
    confirm = user.wait_for(lambda m: any(b.startswith("✅") for b in m.buttons), timeout=30)
    user.tap(confirm, "✅")
    confirmed = user.wait_for_edit(confirm)
    asked = user.wait_for(lambda m: len(m.buttons) == 3 and "?" in m.body)
    user.tap(confirmed, "↩️")
    user.wait_for_edit(confirmed, predicate=lambda m: "↩️" in m.body)
    return api.wait_for_callback_answer(user.tap(asked, who)).text


def test_the_old_who_buttons_after_undo_say_the_dose_is_not_recorded(
    api: FakeBotApi, start_at: Start, tmp_path: Path
) -> None:
    start_at("2026-04-06 05:00:00")
    bea = api.user(8103, "Bea")
    enrol(bea, zone="Europe/Paris", first="today", at="09:00")
    answer = who_after_undo(bea, api, start_at, "🙋")
    assert answer == texts.reminders.not_recorded_any_more(1)
    assert "no longer recorded" in (answer or "")
    assert rows(tmp_path, "SELECT count(*) FROM dose_records WHERE patient_id = 8103") == [(0,)]
    say(bea, "/next", "Next: dose 1")


def test_the_old_who_buttons_after_undo_in_german(
    api: FakeBotApi, start_at: Start, tmp_path: Path
) -> None:
    start_at("2026-04-06 05:00:00")
    lena = api.user(8104, "Lena", language_code="de")
    enrol_in_german(lena, zone="Europe/Paris", first="heute", at="9:00")
    self_button = german(lambda: dict(texts.reminders.who_buttons())["self"])
    answer = who_after_undo(lena, api, start_at, self_button)
    assert answer == german(lambda: texts.reminders.not_recorded_any_more(1))
    assert rows(tmp_path, "SELECT count(*) FROM dose_records WHERE patient_id = 8104") == [(0,)]


# --- 1. One checklist message ------------------------------------------------------------------

OVERVIEW = "Before your first injection"


def checklist_kinds(workdir: Path, user_id: int, *, pending_only: bool = False) -> list[str]:
    found = rows(
        workdir,
        "SELECT kind FROM outbox WHERE patient_id = ? AND kind LIKE 'chk_%'"
        + (" AND finished_at IS NULL" if pending_only else "")
        + " ORDER BY due_at",
        user_id,
    )
    return [kind for (kind,) in found]


def test_sign_up_shows_one_checklist_that_ticks_itself_off(
    api: FakeBotApi, start_at: Start, tmp_path: Path
) -> None:
    """The tester's burst: the plan, a checklist with dates already past, then two reminders
    repeating it seconds later (due the same day, at a reminder time already gone)."""
    start_at("2026-03-02 07:00:00")  # 08:00 in Berlin
    ida = api.user(8105, "Ida")
    enrol(ida, zone="Europe/Berlin", first="2026-03-18", at="07:30")
    listed = ida.wait_for(contains=OVERVIEW)
    assert listed.buttons == [
        "⬜ Hepatitis B test",
        "⬜ Immunoglobulin test",
        "⬜ Live vaccines",
        "⬜ Other vaccines",
    ]
    assert "2026-02-18" not in listed.body, "the live vaccines' deadline passed: no date"
    assert "live or live-attenuated vaccine you need: the time for it" in listed.body
    assert "(inactivated) vaccine you need: by 2026-03-04" in listed.body
    start_at("2026-03-02 07:01:00")  # the sweep runs at start
    settle(ida)
    assert checklist_kinds(tmp_path, 8105) == [], "nothing to repeat the list on sign-up day"
    assert len([m for m in ida.messages() if OVERVIEW in m.body or "📋" in m.body]) == 1

    ida.tap(listed, "⬜ Hepatitis B test")
    ticked = ida.wait_for_edit(listed)
    assert "✅ a hepatitis B blood test: done" in ticked.body
    assert ticked.buttons[0] == "✅ Hepatitis B test"
    ida.tap(ticked, "⬜ Other vaccines")
    both = ida.wait_for_edit(listed, predicate=lambda m: m.buttons[3].startswith("✅"))
    assert both.body.count("✅") == 2
    ida.tap(both, "✅ Hepatitis B test")
    ida.wait_for_edit(listed, predicate=lambda m: m.buttons[0].startswith("⬜"))
    done = rows(tmp_path, "SELECT checks_done FROM patients WHERE user_id = 8105")
    assert done == [("inactivated_vaccines",)]
    assert len([m for m in ida.messages() if "📋" in m.body]) == 1


def test_a_check_ticked_off_is_not_reminded_and_a_reminder_ticks_off_in_place(
    api: FakeBotApi, start_at: Start, tmp_path: Path
) -> None:
    start_at("2026-03-02 07:00:00")
    max_ = api.user(8106, "Max")
    enrol(max_, zone="Europe/Berlin", first="2026-04-15", at="09:00")
    listed = max_.wait_for(contains=OVERVIEW)
    assert checklist_kinds(tmp_path, 8106, pending_only=True) == ["chk_live_vaccine", "chk_vaccine"]
    max_.tap(listed, "⬜ Live vaccines")
    max_.wait_for_edit(listed)
    assert checklist_kinds(tmp_path, 8106, pending_only=True) == ["chk_vaccine"]

    start_at("2026-03-11 08:01:00")  # the live vaccines' reminder day: nothing, it's done
    settle(max_)
    assert not [m for m in max_.messages() if "should be done by" in m.body]
    start_at("2026-03-25 08:01:00")  # a week before the other vaccines' deadline
    reminder = max_.wait_for(contains="should be done by 2026-04-01", timeout=30)
    assert reminder.buttons == ["✅ Other vaccines"]
    max_.tap(reminder, "✅ Other vaccines")
    became = max_.wait_for_edit(reminder)
    assert OVERVIEW in became.body and became.body.count("✅") == 2
    assert checklist_kinds(tmp_path, 8106, pending_only=True) == []


def test_the_checklist_in_german(api: FakeBotApi, start_at: Start, tmp_path: Path) -> None:
    start_at("2026-03-02 07:00:00")
    lena = api.user(8107, "Lena", language_code="de")
    done = enrol_in_german(lena, zone="Europe/Berlin", first="2026-03-18", at="7:30")
    heading = shown(german(lambda: texts.care.checklist_overview([])))[:25]
    listed = lena.wait_for(contains=heading, after=done)
    hepatitis = german(lambda: texts.care.check_buttons()["hepatitis_b"])
    assert f"⬜ {hepatitis}" in listed.buttons and "2026-02-18" not in listed.body
    lena.tap(listed, f"⬜ {hepatitis}")
    ticked = lena.wait_for_edit(listed)
    assert "erledigt" in ticked.body and ticked.buttons[0] == f"✅ {hepatitis}"
    start_at("2026-03-02 07:01:00")
    lena.send("/help")
    lena.wait_for(contains="/")
    assert checklist_kinds(tmp_path, 8107) == []


# --- 3. A correction tells the caregiver once, as a correction --------------------------------


def confirm_then_correct(
    patient: FakeUser,
    caregiver: FakeUser,
    start_at: Start,
    typed: str,
    notice: str,
    written: tuple[str, str] = ("2026-03-02", "2026-03-01"),
) -> ChatMessage:
    """Dose 1 confirmed from its reminder (10:00 in Berlin), the caregiver's notice sent, then
    the date corrected by typing it; returns the caregiver's first notice. `written`: the
    2nd and the 1st of March as the patient's language writes them."""
    start_at("2026-03-02 09:00:30")
    reminder = patient.wait_for(lambda m: any(b.startswith("✅") for b in m.buttons), timeout=30)
    patient.tap(reminder, "✅")
    confirmed = patient.wait_for_edit(reminder)
    start_at("2026-03-02 09:02:00")
    first = caregiver.wait_for(contains=notice, timeout=30)
    patient.tap(confirmed, "📅")
    patient.wait_for(contains=written[0])
    patient.send(typed)
    patient.wait_for(contains=written[1])
    start_at("2026-03-02 09:03:00")
    return first


def test_a_corrected_date_reaches_the_caregiver_once_as_a_correction(
    api: FakeBotApi, start_at: Start
) -> None:
    start_at("2026-03-02 07:00:00")
    fay, gus = api.user(8108, "Fay"), api.user(8109, "Gus")
    enrol(fay, zone="Europe/Berlin", first="today", at="10:00")
    link(fay, gus)
    confirm_then_correct(
        fay, gus, start_at, "2026-03-01", "Fay's dose 1 was injected on 2026-03-02"
    )
    gus.wait_for(contains="✏️ Fay corrected dose 1: injected on 2026-03-01 (not 2026-03-02).")
    settle(gus)
    about_dose = [m.body for m in gus.messages() if "dose 1" in m.body]
    assert len(about_dose) == 2, about_dose


def link_in_german(patient: FakeUser, caregiver: FakeUser) -> None:
    """Invite, open and approve, both speaking German."""
    patient.send("/invite")
    match = INVITE_LINK.search(patient.wait_for(contains="https://t.me/").body)
    assert match is not None
    caregiver.send(f"/start {match.group(1)}")
    caregiver.wait_for(contains="⏳")
    approve = german(lambda: texts.caregivers.approve_button())
    request = patient.wait_for(lambda m: approve in m.buttons)
    patient.tap(request, approve)
    patient.wait_for_edit(request)
    caregiver.wait_for(
        contains=shown(german(lambda: texts.caregivers.approved_for_caregiver("Fay")))[:20]
    )


def test_a_corrected_date_in_german(api: FakeBotApi, start_at: Start) -> None:
    start_at("2026-03-02 07:00:00")
    fay, gus = api.user(8110, "Fay", language_code="de"), api.user(8111, "Gus", language_code="de")
    enrol_in_german(fay, zone="Europe/Berlin", first="heute", at="10:00")
    link_in_german(fay, gus)
    first = german(lambda: texts.caregivers.caregiver_confirmed("Fay", 1, date(2026, 3, 2), None))
    confirm_then_correct(
        fay, gus, start_at, "01.03.2026", shown(first), written=("02.03.2026", "01.03.2026")
    )
    corrected = german(
        lambda: texts.caregivers.caregiver_corrected("Fay", 1, date(2026, 3, 1), date(2026, 3, 2))
    )
    gus.wait_for(contains=shown(corrected), timeout=30)
    gus.send("/help")
    gus.wait_for(contains="/")
    assert len([m for m in gus.messages() if "Dosis 1" in m.body]) == 2


# --- 5. A dose already late at sign-up --------------------------------------------------------


def test_joining_with_a_dose_days_late_says_so_and_reminds_at_the_chosen_time(
    api: FakeBotApi, start_at: Start, tmp_path: Path
) -> None:
    """The tester joined at 12:00, chose 18:00, and got "It's time for dose 11" at once,
    without a word about it being 5 days late."""
    start_at("2026-03-07 11:00:00")  # 12:00 in Berlin
    ola = api.user(8112, "Ola")
    enrol(ola, zone="Europe/Berlin", first="2026-01-05", last="2026-02-02", at="18:00")
    plan = ola.wait_for(contains="5 days ago")
    assert "⚠️ Dose 5 was planned for 2026-03-02 — 5 days ago." in plan.body
    assert "as soon as possible" in plan.body and "I'll remind you at 18:00 today" in plan.body
    settle(ola)
    assert not [m for m in ola.messages() if "once you've injected" in m.body], "no reminder yet"
    assert outbox_due(tmp_path, 8112, "dose") == [datetime(2026, 3, 7, 17, 0)]

    start_at("2026-03-07 17:00:30")
    reminder = ola.wait_for(contains="was planned for 2026-03-02", timeout=30, after=plan)
    assert "5 days ago" in reminder.body and "It's time" not in reminder.body
    assert "as soon as possible" in reminder.body and reminder.buttons[0].startswith("✅")


def test_joining_with_a_dose_days_late_in_german(
    api: FakeBotApi, start_at: Start, tmp_path: Path
) -> None:
    start_at("2026-03-07 11:00:00")
    ute = api.user(8113, "Ute", language_code="de")
    done = enrol_in_german(
        ute, zone="Europe/Berlin", first="2026-01-05", last="2026-02-02", at="18:00"
    )
    note = german(
        lambda: texts.reminders.overdue_at_sign_up(
            5, date(2026, 3, 2), 5, datetime(2026, 3, 7, 18, 0), datetime(2026, 3, 7, 12, 0)
        )
    )
    plan = ute.wait_for(contains="vor 5 Tagen", after=done)
    assert shown(note) in plan.body
    assert outbox_due(tmp_path, 8113, "dose") == [datetime(2026, 3, 7, 17, 0)]
    start_at("2026-03-07 17:00:30")
    reminder = ute.wait_for(contains="vor 5 Tagen", timeout=30, after=plan)
    assert shown(german(lambda: texts.reminders.missed_dose_advice())) in reminder.body
