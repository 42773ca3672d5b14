"""Reminders reach the patient on dose days, reached by restarting the real bot under a later
clock (libfaketime); confirmations by button and by reply; nothing lost, nothing doubled."""

from __future__ import annotations

import re

from tests.e2e.conftest import Start
from tests.support.fakebotapi import ChatMessage, FakeBotApi, FakeUser
from tests.support.people import enrol


def reminders_in(user: FakeUser) -> list[ChatMessage]:
    """Dose reminders as first sent (a confirmed one has been edited since)."""
    return [m for m in user.messages() if "It's time for dose" in first_text(m)]


def first_text(message: ChatMessage) -> str:
    return (message.history[0].text or "") if message.history else message.body


def test_dose_day_reminder_confirm_and_next_date(api: FakeBotApi, start_at: Start) -> None:
    start_at("2026-03-02 07:00:00")  # 08:00 in Berlin
    user = api.user(7001, "Wim")
    enrol(user, zone="Europe/Berlin", first="today", at="10:00")
    start_at("2026-03-02 09:00:30")  # 10:00:30 in Berlin: the dose reminder is due
    reminder = user.wait_for(contains="It's time for dose 1", timeout=30)
    assert "2026-03-02" in reminder.body and "healthcare professional" in reminder.body
    assert reminder.buttons[0].startswith("✅")
    assert not [m for m in user.messages() if "fridge" in m.body], "stale pen note dropped"

    user.tap(reminder, "✅")
    confirmed = user.wait_for_edit(reminder)
    assert "2026-03-09" in confirmed.body, "the answer names the next dose's date"
    assert any("another day" in b for b in confirmed.buttons)
    assert any("Undo" in b for b in confirmed.buttons)
    who = user.wait_for(contains="Who gave the injection")
    user.tap(who, "🙋")
    where = user.wait_for_edit(who)
    assert not any("arm" in b.lower() for b in where.buttons), "no arm for self-injection"
    user.tap(where, "Left thigh")
    noted = user.wait_for_edit(where)
    assert "left thigh" in noted.body and "Next time, try the right thigh" in noted.body

    query = user.tap_data(noted, reminder.button("✅")["callback_data"])  # a second tap
    assert api.wait_for_callback_answer(query).text == "This dose is already recorded."

    user.send("/history")
    history = user.wait_for(contains="Your injections")
    assert re.search(r"Dose 1 · planned 2026-03-02 · injected 2026-03-02 · on time", history.body)

    start_at("2026-03-09 09:05:00")
    second = user.wait_for(contains="It's time for dose 2", timeout=30)
    assert "2026-03-09" in second.body
    heads_up = [m for m in user.messages() if "Tomorrow, 2026-03-09" in m.body]
    assert heads_up == [], "yesterday's heads-up is stale after downtime"
    reply = user.reply_to(second, "done")
    recorded = user.wait_for(contains="recorded as injected on 2026-03-09", after=reply)
    assert "2026-03-16" in recorded.body
    assert len(reminders_in(user)) == 2


def test_after_downtime_exactly_one_late_reminder(api: FakeBotApi, start_at: Start) -> None:
    start_at("2026-05-03 06:00:00")
    user = api.user(7002, "Xia")
    enrol(user, zone="Europe/London", first="tomorrow", at="09:00")
    start_at("2026-05-03 08:00:30")  # the day before, at the reminder time: heads-up
    heads_up = user.wait_for(contains="Tomorrow, 2026-05-04", timeout=30)
    assert "09:00" in heads_up.body
    start_at("2026-05-04 15:00:00")  # down since yesterday evening: 07:00 UTC reminder is late
    late = user.wait_for(contains="It's time for dose 1", timeout=30)
    assert "late" in late.body
    start_at("2026-05-04 15:05:00")  # a restart sends nothing again
    user.send("/next")
    user.wait_for(contains="Next")
    assert len(reminders_in(user)) == 1
    assert not [m for m in user.messages() if "fridge" in m.body]


def test_missed_then_daily_overdue_until_recorded(api: FakeBotApi, start_at: Start) -> None:
    start_at("2026-06-01 06:00:00")
    user = api.user(7003, "Yan")
    enrol(user, zone="America/New_York", first="today", at="08:00")  # 12:00 UTC
    start_at("2026-06-02 12:00:30")
    missed = user.wait_for(contains="looks missed", timeout=30)
    assert "2026-06-01" in missed.body and missed.buttons[0].startswith("✅")
    start_at("2026-06-03 12:00:30")
    overdue = user.wait_for(contains="still not recorded", timeout=30)
    assert "2026-06-01" in overdue.body
    user.send("/taken")
    user.wait_for(contains="recorded as injected on 2026-06-03")
    user.send("/schedule")
    plan = user.wait_for(contains="Your Kesimpta plan").body
    assert "2026-06-03 · late" in plan and "2026-06-10" in plan
    start_at("2026-06-04 12:00:30")
    user.send("/next")
    user.wait_for(contains="Next")
    assert len([m for m in user.messages() if "still not recorded" in m.body]) == 1
