"""The command menu shown in Telegram: a newcomer's for every private chat, and in each chat
the menu of that person's role (patient, caregiver, staff, or several)."""

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
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.domain.roles import NEWCOMER, Role, menu_commands
from bot.keyboards.webapp import menu_button
from bot.texts import menu as menu_texts
from bot.texts.language import DEFAULT, LANGUAGES, speaking

log = logging.getLogger(__name__)


def menu(role: Role) -> list[BotCommand]:
    """The command menu of `role` in the current language."""
    caregiver_only = role.caregiver and not role.patient
    entries = menu_texts.entries(menu_commands(role), caregiver_only=caregiver_only)
    return [BotCommand(command, description) for command, description in entries]


async def register(bot: Bot, admin_ids: frozenset[int], chosen: dict[int, str]) -> set[int]:
    """The newcomer's menu for private chats in each language (Telegram shows the one matching
    the app's language), then each staff member's own. Returns the staff ids whose menu is
    set; the others have no chat with the bot yet and get theirs when they first write
    (`bot.handlers.menus`). `chosen` holds the languages people picked in /settings."""
    for code in LANGUAGES:
        with speaking(code):
            await bot.set_my_commands(
                menu(NEWCOMER),
                scope=BotCommandScopeAllPrivateChats(),
                language_code=None if code == DEFAULT else code,
            )
    return {
        admin_id
        for admin_id in sorted(admin_ids)
        if await register_chat(bot, admin_id, Role(staff=True), chosen=chosen.get(admin_id))
    }


async def register_chat(bot: Bot, chat_id: int, role: Role, chosen: str | None) -> bool:
    """The menu of one person's role in their chat. A language chosen in /settings wins over
    the app's in every variant; otherwise each app language gets its own."""
    try:
        for code in LANGUAGES:
            with speaking(chosen or code):
                await bot.set_my_commands(
                    menu(role),
                    scope=BotCommandScopeChat(chat_id),
                    language_code=None if code == DEFAULT else code,
                )
    except (BadRequest, Forbidden) as error:
        log.info("a chat's menu was not set yet: %s", error.message)
        return False
    return True


async def register_page(bot: Bot, url: str) -> None:
    """The menu button of every chat opens the patient's page (its label in the default
    language: Telegram keeps one default button). A refusal is logged, the bot runs on."""
    try:
        await bot.set_chat_menu_button(menu_button=menu_button(url))
    except TelegramError as error:
        log.warning("the page's menu button was not set: %s", type(error).__name__)


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
