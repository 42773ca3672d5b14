"""The command menu shown in Telegram: everyone's, and the staff's in their own chats only."""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    Message,
)
from telegram.constants import MessageEntityType
from telegram.error import BadRequest, Forbidden

from bot.texts import menu as menu_texts
from bot.texts.language import DEFAULT, LANGUAGES, speaking

log = logging.getLogger(__name__)


def menu(*, staff: bool) -> list[BotCommand]:
    """The command menu in the current language."""
    entries = menu_texts.everyone() + (menu_texts.staff() if staff else [])
    return [BotCommand(command, description) for command, description in entries]


async def register(bot: Bot, admin_ids: frozenset[int], chosen: dict[int, str]) -> set[int]:
    """The menu for private chats in each language (Telegram shows the one matching the app's
    language), then each staff member's own. Returns the staff ids whose menu is set; the
    others have no chat with the bot yet and get theirs when they first write. `chosen` holds
    the languages people picked in /settings."""
    for code in LANGUAGES:
        with speaking(code):
            await bot.set_my_commands(
                menu(staff=False),
                scope=BotCommandScopeAllPrivateChats(),
                language_code=None if code == DEFAULT else code,
            )
    return {
        admin_id
        for admin_id in sorted(admin_ids)
        if await register_chat(bot, admin_id, staff=True, chosen=chosen.get(admin_id))
    }


async def register_chat(bot: Bot, chat_id: int, *, staff: bool, chosen: str | None) -> bool:
    """A menu for one chat: a staff member's (with the staff commands), or anyone's who chose a
    language in /settings. A chosen language wins over the app's in every variant; otherwise
    each app language gets its own."""
    try:
        for code in LANGUAGES:
            with speaking(chosen or code):
                await bot.set_my_commands(
                    menu(staff=staff),
                    scope=BotCommandScopeChat(chat_id),
                    language_code=None if code == DEFAULT else code,
                )
    except (BadRequest, Forbidden) as error:
        log.info("a chat's menu was not set yet: %s", error.message)
        return False
    return True


def text_after_command(message: Message) -> str:
    """What follows `/command` (or `/command@bot`), line breaks and tags kept as typed."""
    text = message.text or ""
    command = next(
        (
            entity
            for entity in message.entities
            if entity.type == MessageEntityType.BOT_COMMAND and entity.offset == 0
        ),
        None,
    )
    # entity offsets count UTF-16 units; a command is ASCII, so they match characters here
    return text[command.length if command else 0 :].strip()
