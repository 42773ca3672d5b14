"""Plain words people type instead of a command get the command's answer, in English and German,
patients and strangers alike; what is not on the list still gets "I didn't understand" with the
safety line."""

from __future__ import annotations

from tests.e2e.conftest import Start
from tests.support.database import SQLITE_ONLY
from tests.support.fakebotapi import FakeBotApi
from tests.support.harness import BotProcess
from tests.support.people import enrol, say

pytestmark = SQLITE_ONLY

SAFETY_LINE = "If you feel unwell: your doctor; in an emergency 112 / 911"


def test_a_patient_asks_in_words(api: FakeBotApi, start_at: Start) -> None:
    start_at("2026-03-02 07:00:00")
    user = api.user(7301, "Ida")
    enrol(user, first="today", at="10:00")
    nxt = say(user, "what's my next dose?", "Next")
    assert "2026-03-02" in nxt.body and "didn't understand" not in nxt.body
    plan = say(user, "my schedule", "2026-03-16")
    assert "didn't understand" not in plan.body
    helped = say(user, "help", "What I can do")
    assert SAFETY_LINE in helped.body, "'help' may be about how someone feels"
    assert SAFETY_LINE in say(user, "blue banana", "didn't understand").body
    assert "/support I changed phones" in say(user, "support", "What would you like to ask").body


def test_german_words_and_a_stranger(api: FakeBotApi, bot: BotProcess) -> None:
    lena = api.user(7302, "Lena")
    enrol(lena, first="today", at="10:00")
    nxt = say(lena, "Wann ist meine nächste Spritze?", "Next")
    assert "didn't understand" not in nxt.body
    stranger = api.user(7303, "Sam")
    assert SAFETY_LINE in say(stranger, "help", "What I can do").body
    stranger.send("my schedule")  # no plan to show: sign-up carries on as before
    assert "What I can do" not in stranger.wait_for(contains="Do you agree").body
