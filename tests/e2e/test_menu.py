"""The command menu is registered at start: a newcomer's for every private chat, and the
staff's only in staff chats; each person's follows their role (tests/e2e/test_roles.py)."""

from __future__ import annotations

from tests.support.database import SQLITE_ONLY
from tests.support.fakebotapi import FakeBotApi
from tests.support.harness import BotProcess

pytestmark = SQLITE_ONLY


def names(commands: list[dict]) -> list[str]:
    return [command["command"] for command in commands]


def test_menus_per_scope(api: FakeBotApi, bot: BotProcess) -> None:
    everyone = names(api.commands({"type": "all_private_chats"}))
    assert {"start", "help", "about", "myid", "support", "deletedata"} <= set(everyone)
    assert not {"stats", "schedule", "taken", "patients"} & set(everyone), "a newcomer's menu"
    assert api.commands({"type": "chat", "chat_id": 9001}) == [], "no chat with the admin yet"

    staff_member = api.user(9001, "Staff")
    staff_member.send("/start")
    staff_member.wait_for(contains="Do you agree")
    api.wait_for_call(
        "setMyCommands", predicate=lambda call: call.ok and "9001" in str(call.params)
    )
    staff = names(api.commands({"type": "chat", "chat_id": 9001}))
    assert "stats" in staff and set(everyone) <= set(staff)

    stranger = api.user(1234, "Stranger")
    stranger.send("/start")
    stranger.wait_for(contains="Do you agree")
    assert api.commands({"type": "chat", "chat_id": 1234}) == []


def test_the_staff_menu_is_set_at_start_once_the_chat_exists(
    api: FakeBotApi, bot: BotProcess
) -> None:
    api.user(9001, "Staff")  # the admin's chat exists (they talked to the bot before)
    bot.restart()
    assert "stats" in names(api.commands({"type": "chat", "chat_id": 9001}))


def test_myid_help_and_unknown_text(api: FakeBotApi, bot: BotProcess) -> None:
    user = api.user(4242, "Quinn")
    user.send("/myid")
    assert "4242" in user.wait_for(contains="Telegram id").body
    user.send("/help")
    help_text = user.wait_for(contains="What I can do").body
    assert "/start – sign up" in help_text and "/stats" not in help_text
    api.user(9001, "Staff").send("/help")
    assert "/stats" in api.user(9001).wait_for(contains="What I can do").body
