"""After a reminder: snooze, "not yet / a problem" and pausing, correcting the date, undo,
/taken with a date, and discreet reminders — each as a patient would use them."""

from __future__ import annotations

import re
from pathlib import Path

from bot import texts
from bot.texts import language
from tests.e2e.conftest import Start
from tests.e2e.test_caregivers import link
from tests.support.database import rows
from tests.support.fakebotapi import FakeBotApi
from tests.support.people import enrol, say


def recorded_days(workdir: Path, user_id: int) -> dict[int, str]:
    """Dose number → the day it was injected (ISO date)."""
    found = rows(workdir, "SELECT number, taken_on FROM dose_records WHERE patient_id = ?", user_id)
    return {number: taken_on.isoformat() for number, taken_on in found}


def test_snooze_then_confirm(api: FakeBotApi, start_at: Start) -> None:
    start_at("2026-04-06 05:00:00")
    user = api.user(8001, "Zoe")
    enrol(user, zone="Europe/Paris", first="today", at="09:00")  # 07:00 UTC
    start_at("2026-04-06 07:00:30")
    reminder = user.wait_for(contains="It's time for dose 1", timeout=30)
    user.tap(reminder, "⏰ 1 h")
    assert "10:00" in user.wait_for(contains="remind you again").body
    bot = start_at("2026-04-06 08:00:40")
    again = user.wait_for(contains="as you asked", timeout=30)
    assert "2026-04-06" in again.body and again.buttons[0].startswith("✅")
    user.tap(again, "✅")
    assert "2026-04-13" in user.wait_for_edit(again).body
    assert recorded_days(bot.workdir, 8001) == {1: "2026-04-06"}


def test_problem_path_pauses_reminders(api: FakeBotApi, start_at: Start) -> None:
    start_at("2026-04-06 05:00:00")
    user = api.user(8002, "Ada")
    enrol(user, zone="Europe/Paris", first="today", at="09:00")
    start_at("2026-04-06 07:00:30")
    reminder = user.wait_for(contains="It's time for dose 1", timeout=30)
    user.tap(reminder, "🤔")
    advice = user.wait_for(contains="doctor told you to wait")
    assert "112" in advice.body
    user.tap(advice, "⏸")
    user.wait_for(contains="Reminders are paused")
    start_at("2026-04-07 07:01:00")  # 24 h later: no missed message while paused
    user.send("/settings")
    assert "paused" in user.wait_for(contains="Settings").body
    assert not [m for m in user.messages() if "looks missed" in m.body]


def test_taken_correct_the_date_and_undo(api: FakeBotApi, start_at: Start) -> None:
    start_at("2026-04-06 05:00:00")
    user = api.user(8003, "Bea")
    enrol(user, zone="Europe/Paris", first="today", at="09:00")
    start_at("2026-04-08 10:00:00")  # dose 1 is two days overdue
    say(user, "/taken 2026-04-09", "in the future")
    say(user, "/taken when I can", "/taken")
    confirmed = say(user, "/taken", "recorded as injected on 2026-04-08")
    assert "2026-04-15" in confirmed.body
    user.tap(confirmed, "📅")
    choose = user.wait_for(contains="On which day did you inject dose 1")
    user.tap(choose, "Yesterday")
    corrected = user.wait_for(contains="recorded as injected on 2026-04-07")
    assert "2026-04-14" in corrected.body, "the next dose moves with the corrected date"
    user.send("/history")
    assert "injected 2026-04-07 · late" in user.wait_for(contains="Your injections").body
    user.tap(confirmed, "↩️")
    assert "no longer recorded" in user.wait_for_edit(confirmed).body
    user.send("/next")
    assert "2026-04-06" in user.wait_for(contains="Dose 1").body


def test_discreet_reminders_leave_out_the_name(api: FakeBotApi, start_at: Start) -> None:
    start_at("2026-04-06 05:00:00")
    user = api.user(8004, "Cy")
    enrol(user, zone="Europe/Paris", first="today", at="09:00")
    user.send("/settings")
    user.tap(user.wait_for(contains="Settings"), "🙈")
    start_at("2026-04-06 07:00:30")
    reminder = user.wait_for(contains="It's time for dose 1", timeout=30)
    pen_note = [m for m in user.messages() if "fridge" in m.body]
    assert "Kesimpta" not in reminder.body
    assert all("Kesimpta" not in m.body for m in pen_note)


EARLY = "Earlier than the plan"


def test_an_early_dose_is_recorded_with_a_word_for_the_doctor(
    api: FakeBotApi, start_at: Start
) -> None:
    start_at("2026-04-06 05:00:00")
    user, caregiver = api.user(8005, "Eli"), api.user(8009, "Ivo")
    enrol(user, zone="Europe/Paris", first="today", at="09:00")
    link(user, caregiver)
    on_time = say(user, "/taken", "Dose 1 recorded as injected on 2026-04-06")
    assert EARLY not in on_time.body
    bot = start_at("2026-04-07 08:00:00")  # the day after dose 1
    early = say(user, "/taken", "Dose 2 recorded as injected on 2026-04-07")
    assert EARLY in early.body and "tell your doctor or nurse" in early.body
    assert "dose 2 came sooner after dose 1" in early.body and "at least 7 days" in early.body
    assert recorded_days(bot.workdir, 8005) == {1: "2026-04-06", 2: "2026-04-07"}
    told = caregiver.wait_for(contains="Eli's dose 2 was injected on 2026-04-07", timeout=30)
    assert EARLY not in told.body, "the caregiver's notice stays neutral"


def test_a_correction_that_brings_doses_too_close_says_so(api: FakeBotApi, start_at: Start) -> None:
    start_at("2026-04-06 05:00:00")
    user = api.user(8006, "Fin")
    enrol(user, zone="Europe/Paris", first="today", at="09:00")
    first = say(user, "/taken", "Dose 1 recorded as injected on 2026-04-06")
    start_at("2026-04-13 08:00:00")
    assert EARLY not in say(user, "/taken", "Dose 2 recorded as injected on 2026-04-13").body
    user.tap(first, "📅")
    user.wait_for(contains="On which day did you inject dose 1")
    corrected = say(user, "2026-04-12", "Dose 1 recorded as injected on 2026-04-12")
    assert EARLY in corrected.body and "dose 2 came sooner after dose 1" in corrected.body


def test_a_german_speaker_reads_the_early_dose_notice_in_german(
    api: FakeBotApi, start_at: Start
) -> None:
    start_at("2026-04-06 05:00:00")
    user = api.user(8007, "Gud")
    enrol(user, zone="Europe/Berlin", first="today", at="09:00")
    say(user, "/taken", "Dose 1 recorded as injected on 2026-04-06")
    user.send("/settings")
    user.tap(user.wait_for(contains="🌐"), "🌐 Deutsch")
    user.wait_for(contains="Ab jetzt schreibe ich Ihnen auf Deutsch")
    start_at("2026-04-07 08:00:00")
    with language.speaking("de"):
        notice = texts.reminders.earlier_than_plan(1, 2, 7)
    assert notice != texts.reminders.earlier_than_plan(1, 2, 7), "translated"
    early = say(user, "/taken", re.sub(r"<[^>]+>", "", notice))
    assert "Früher als im Plan" in early.body and "Pflegefachkraft" in early.body


def test_the_arm_is_the_upper_outer_arm_and_the_check_in_names_the_first_injection(
    api: FakeBotApi, start_at: Start
) -> None:
    start_at("2026-03-02 07:00:00")
    hana = api.user(8008, "Hana")
    enrol(hana, zone="UTC", first="today", at="09:00")
    say(hana, "/taken", "Dose 1 recorded")
    who = hana.wait_for(contains="Who gave the injection?")
    hana.tap(who, "🤝 A caregiver")
    where = hana.wait_for_edit(who)
    assert "Left upper outer arm" in where.buttons
    hana.tap(where, "Left upper outer arm")
    noted = hana.wait_for_edit(where).body
    assert "Noted: left upper outer arm" in noted
    assert "the upper outer arm only when someone else injects" in noted
    start_at("2026-03-03 09:01:00")
    question = hana.wait_for(contains="How did your Kesimpta injection (dose 1) go?", timeout=30)
    assert "are common, especially after the first injection." in question.body
