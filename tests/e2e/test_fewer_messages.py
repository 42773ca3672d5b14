"""Issue 14 §3, fewer and better-timed messages, as the testers met them: "⏰ Tomorrow" means
the patient's own reminder time and the missed alert waits for the snoozed reminder; the old
"Who gave the injection?" buttons after ↩️ Undo; a correction tells the caregiver once, as a
correction; the checklist is one message that keeps itself up to date; a dose already overdue
at sign-up says how late it is. In English and in German."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path

from bot import texts
from bot.texts import language
from tests.e2e.conftest import Start
from tests.e2e.test_caregivers import link, settle
from tests.support.database import rows
from tests.support.fakebotapi import ChatMessage, FakeBotApi, FakeUser
from tests.support.people import enrol, say


def german(render):  # type: ignore[no-untyped-def]
    with language.speaking("de"):
        return render()


def shown(html: str) -> str:
    """A text as the chat shows it: without its tags."""
    return re.sub(r"<[^>]+>", "", html)


def enrol_in_german(user: FakeUser, *, zone: str, first: str, at: str) -> ChatMessage:
    """Sign up typing German answers; returns the "all set" message."""
    user.send("/start")
    agree = german(lambda: texts.enrolment.consent_agree_button())
    user.wait_for(lambda message: agree in message.buttons)
    user.send("ja")
    user.wait_for(contains=shown(german(lambda: texts.enrolment.ask_time_zone()))[:25])
    user.send(zone)
    user.wait_for(contains=shown(german(lambda: texts.enrolment.ask_first_injection()))[:25])
    user.send(first)
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


__all__ = ["link"]
