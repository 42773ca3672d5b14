"""The check-in the day after a loading dose, end to end under libfaketime: a tap or a typed
reply gets emergency advice, "contact your doctor promptly", or a diary note; an undone dose
gets no check-in."""

from __future__ import annotations

from tests.e2e.conftest import Start
from tests.support.database import SQLITE_ONLY
from tests.support.fakebotapi import FakeBotApi
from tests.support.people import CHECK_IN as QUESTION
from tests.support.people import checked_in, enrol, say

pytestmark = SQLITE_ONLY


def test_a_tap_on_trouble_breathing_gets_the_emergency_number_and_a_diary_note(
    api: FakeBotApi, start_at: Start
) -> None:
    ana = api.user(6401, "Ana")
    question, _bot = checked_in(ana, start_at)
    ana.tap(question, "🚨 Trouble breathing, or a swollen face or throat")
    advice = ana.wait_for(contains="Call 112 / 911 or your local emergency number now").body
    assert "112" in advice and "911" in advice
    history = say(ana, "/history", "Your diary").body
    assert "check-in after dose 1: trouble breathing" in history


def test_a_typed_reply_about_fever_means_the_doctor_promptly(
    api: FakeBotApi, start_at: Start
) -> None:
    ben = api.user(6402, "Ben")
    question, _bot = checked_in(ben, start_at)
    ben.reply_to(question, "I had a fever last night and chills")
    ben.wait_for(contains="Contact your doctor promptly")
    history = say(ben, "/history", "Your diary").body
    assert "check-in after dose 1: I had a fever last night and chills" in history


def test_an_undone_dose_gets_no_check_in(api: FakeBotApi, start_at: Start) -> None:
    start_at("2026-03-02 07:00:00")
    cleo = api.user(6403, "Cleo")
    enrol(cleo, zone="UTC", first="today", at="09:00")
    recorded = say(cleo, "/taken", "Dose 1 recorded")
    cleo.tap(recorded, "↩️ Undo")
    cleo.wait_for_edit(recorded)
    start_at("2026-03-03 09:01:00")
    say(cleo, "/myid", "Telegram id")
    cleo.wait_for(contains="Dose 1", timeout=30)  # the day's dose reminder comes, not a check-in
    assert not [m for m in cleo.messages() if QUESTION in m.body]
