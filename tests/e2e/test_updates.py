"""Updates the bot must not act on, end to end: an edited message, a message to a business
account the bot is connected to, and anything from a group or channel. Updates are handled
one at a time, so once another person's /myid is answered, the updates sent before it have
been handled too."""

from __future__ import annotations

from tests.support.database import SQLITE_ONLY, rows, value
from tests.support.fakebotapi import FakeBotApi
from tests.support.harness import BotProcess, eventually
from tests.support.people import enrol, say

pytestmark = SQLITE_ONLY


def handled_so_far(api: FakeBotApi) -> None:
    """Wait until every update sent before now has been handled."""
    say(api.user(6290, "Zoe"), "/myid", "6290")


def test_an_edited_command_does_not_run_again(api: FakeBotApi, bot: BotProcess) -> None:
    ana = api.user(6201, "Ana")
    enrol(ana)
    sent = ana.send("/log headache")
    noted = ana.wait_for(contains="Noted in your diary")
    ana.edit(sent, "/log headache and a fever")
    handled_so_far(api)
    notes = rows(bot.workdir, "SELECT text FROM diary_entries WHERE patient_id = ?", 6201)
    assert [text for (text,) in notes] == ["headache"]
    assert ana.messages()[-1] == noted, "no answer to the edit"


def test_business_account_messages_are_ignored(api: FakeBotApi, bot: BotProcess) -> None:
    ana = api.user(6202, "Ana")
    enrol(ana)
    before = ana.messages()
    ana.send_business("/next")
    ana.send_business("/start")
    handled_so_far(api)
    assert ana.messages() == before, "nothing answered through the business connection"
    assert not [call for call in api.calls if "business_connection_id" in call.params]


def test_groups_change_nobody_and_are_told_once(api: FakeBotApi, bot: BotProcess) -> None:
    ana = api.user(6203, "Ana")
    enrol(ana)
    ana.block()
    eventually(
        lambda: value(bot.workdir, "SELECT blocked_at FROM patients WHERE user_id = ?", 6203),
        "Ana marked as having blocked the bot",
    )
    since = api.call_index()
    family = api.group(-1_006_203, "Family")
    family.send(ana, "/next@kesimpta_test_bot")
    family.send(ana, "hello everyone")
    handled_so_far(api)
    (told,) = family.messages()
    assert "private chats" in told.body and "@kesimpta_test_bot" in told.body
    assert not family.bot_member, "the bot left the group"
    blocked = value(bot.workdir, "SELECT blocked_at FROM patients WHERE user_id = ?", 6203)
    assert blocked is not None, "activity in a group does not mean she is back"
    assert not [call for call in api.calls[since:] if call.chat_id == ana.chat_id]

    ben = api.user(6204, "Ben", language_code="de")
    club = api.group(-1_006_204, "Club", kind="supergroup")
    club.add_bot(by=ben)
    news = api.group(-1_006_205, "News", kind="channel")
    news.add_bot(by=ben)
    news.send(None, "/start")
    handled_so_far(api)
    (welcome,) = club.messages()
    assert "privaten Chats" in welcome.body, "in the language of whoever added the bot"
    assert news.messages() == [], "a channel gets no post"
    left = [call.chat_id for call in api.calls_to("leaveChat")]
    assert sorted(left) == sorted([family.chat_id, club.chat_id, news.chat_id]), "once each"
    assert not rows(bot.workdir, "SELECT user_id FROM languages WHERE user_id = ?", 6204)
    assert not rows(bot.workdir, "SELECT user_id FROM conversations WHERE user_id = ?", 6204)
