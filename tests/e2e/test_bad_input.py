"""Bad input end to end: a superscript digit typed as a dose number and forged button data
(superscript ids, a month in year 9999 or 1) get a polite answer, change nothing and send the
support staff no error report."""

from __future__ import annotations

from datetime import timedelta

from tests.support.database import SQLITE_ONLY
from tests.support.fakebotapi import FakeBotApi, FakeUser
from tests.support.harness import BotProcess
from tests.support.people import begin, enrol, local_today, say

pytestmark = SQLITE_ONLY

EXPIRED = "This button is no longer active."
STAFF_ONLY = "Sorry, that command is for the support team only."
SORRY = "Sorry, something went wrong"
REPORT = "Error in the bot"


def tapped(api: FakeBotApi, user: FakeUser, data: str) -> str | None:
    """Tap forged `data` on the user's latest bot message; the bot's answer on the button."""
    return api.wait_for_callback_answer(user.tap_data(user.messages()[-1], data)).text


def no_error_anywhere(staff: FakeUser, *users: FakeUser) -> None:
    """After a round trip (so any report would have been sent), nobody got an apology and
    staff got no error report."""
    say(staff, "/myid", "Your Telegram id")
    assert not [m for m in staff.messages() if REPORT in m.body]
    for user in (staff, *users):
        assert not [m for m in user.messages() if SORRY in m.body]


def test_a_superscript_dose_number_is_asked_again(api: FakeBotApi, bot: BotProcess) -> None:
    staff = api.user(9001, "Sam")
    user = api.user(1201, "Cleo")
    first = local_today("Europe/Berlin") - timedelta(days=60)
    begin(user, "Europe/Berlin")
    say(user, str(first), "most recent")
    question = say(user, str(first + timedelta(days=9)), "Was it dose 2")
    say(user, "²", "type just the dose number (2 or 3)")
    say(user, "dose ³", "type just the dose number (2 or 3)")
    assert tapped(api, user, "enrol:dose:³") is None
    user.wait_for(contains="type just the dose number", after=question)
    say(user, "3", "remind you on dose days")
    no_error_anywhere(staff, user)


def test_forged_months_in_the_date_picker(api: FakeBotApi, bot: BotProcess) -> None:
    staff = api.user(9001, "Sam")
    user = api.user(1202, "Dan")
    question = begin(user, "Europe/Berlin")
    for forged in ("cal:9999-12", "cal:0001-01"):
        assert tapped(api, user, forged) == EXPIRED, forged
    for unreadable in ("cal:2026-W1", "cal:²０２６-01"):
        assert tapped(api, user, unreadable) is None, "answered like a blank day"
    assert user.messages()[-1].seq == question.seq, "the calendar was left as it was"
    say(user, "today", "remind you on dose days")
    no_error_anywhere(staff, user)


def test_forged_numbers_in_buttons(api: FakeBotApi, bot: BotProcess) -> None:
    staff = api.user(9001, "Sam")
    user = api.user(1203, "Eva")
    enrol(user)
    say(staff, "/broadcasts", "No broadcasts yet")
    for forged in ("bc:show:²", "bc:stop:٣", "bc:show:99999999999999999999"):
        assert tapped(api, user, forged) == STAFF_ONLY, forged
        assert tapped(api, staff, forged) == EXPIRED, forged
    for forged in ("sup:answer:²", "sup:drop:¹²"):
        assert tapped(api, staff, forged) == EXPIRED, forged
    for forged in ("cg:revoke:²", "cg:leave:٣", "cg:approve:99999999999", "cg:revoke:-1"):
        assert tapped(api, user, forged) == EXPIRED, forged
    for forged in ("dose:1203:²:20260101:ok", "who:1203:¹:self", "fixday:1203:1:²"):
        assert tapped(api, user, forged) == EXPIRED, forged
    no_error_anywhere(staff, user)
