"""/settings: reminder time and time zone change what comes, not what was; pause and resume."""

from __future__ import annotations

from tests.support.fakebotapi import FakeBotApi
from tests.support.harness import BotProcess
from tests.support.people import enrol, schedule_of


def test_change_reminder_time_zone_pause_and_resume(api: FakeBotApi, bot: BotProcess) -> None:
    user = api.user(2001, "Hana")
    before = schedule_of(enrol(user, zone="Europe/Berlin", first="tomorrow", at="09:00"))

    user.send("/settings")
    menu = user.wait_for(contains="Settings")
    assert "09:00" in menu.body and "Europe/Berlin" in menu.body
    user.tap(menu, "⏰")
    user.wait_for(contains="new reminder time")
    user.send("half past seven")
    user.wait_for(contains="isn't a time")
    user.send("07:45")
    assert "07:45" in user.wait_for(contains="Reminders now come").body
    user.send("/next")
    assert "07:45 Europe/Berlin" in user.wait_for(contains="Next").body

    user.send("/settings")
    menu = user.wait_for(contains="Settings")
    user.tap(menu, "🌍")
    user.wait_for(contains="time zone")
    user.send("Atlantis/Capital")
    user.wait_for(contains="don't know the time zone")
    user.send("america/los angeles")
    user.wait_for(contains="Time zone changed to America/Los_Angeles")
    user.send("/next")
    assert "07:45 America/Los_Angeles" in user.wait_for(contains="Next").body

    user.send("/settings")
    menu = user.wait_for(contains="Settings")
    user.tap(menu, "⏸")
    user.wait_for(contains="Reminders are paused")
    paused_menu = user.wait_for_edit(menu)
    assert "paused" in paused_menu.body and any(b.startswith("▶️") for b in paused_menu.buttons)
    user.send("/schedule")
    assert "reminders paused" in user.wait_for(contains="Your Kesimpta plan").body
    user.tap(paused_menu, "▶️")
    user.wait_for(contains="Reminders are back on")

    after = schedule_of([m for m in user.messages() if "Your Kesimpta plan" in m.body][-1:])
    assert [line.number for line in after] == [line.number for line in before]
    assert len(after) == 12


def test_cancel_a_settings_prompt(api: FakeBotApi, bot: BotProcess) -> None:
    user = api.user(2002, "Ivo")
    enrol(user, first="today", at="10:00")
    user.send("/settings")
    user.tap(user.wait_for(contains="Settings"), "⏰")
    user.wait_for(contains="new reminder time")
    user.send("cancel")
    user.wait_for(contains="Nothing changed")
    user.send("11:00")
    user.wait_for(contains="didn't understand")
    user.send("/settings")
    assert "10:00" in user.wait_for(contains="Settings").body


def test_settings_before_enrolment(api: FakeBotApi, bot: BotProcess) -> None:
    user = api.user(2003, "Jo")
    user.send("/settings")
    user.wait_for(contains="haven't signed up")
    user.send("/next")
    user.wait_for(contains="haven't signed up")
