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

log = logging.getLogger(__name__)

EVERYONE = (
    BotCommand("start", "Sign up, or see where you are"),
    BotCommand("schedule", "Your dose plan"),
    BotCommand("next", "Your next dose"),
    BotCommand("taken", "Record your due dose"),
    BotCommand("history", "Your injections so far, and your diary"),
    BotCommand("log", "Note a side effect in your diary"),
    BotCommand("pen", "A pen came out of the fridge"),
    BotCommand("export", "Your records as files (CSV, calendar)"),
    BotCommand("settings", "Reminder time, time zone, pause"),
    BotCommand("invite", "Invite a caregiver"),
    BotCommand("caregivers", "Your caregivers"),
    BotCommand("patients", "People you follow (caregivers)"),
    BotCommand("leave", "Stop following someone"),
    BotCommand("sideeffects", "Side effects, and when to get help"),
    BotCommand("precautions", "Checks before starting, vaccines, pregnancy"),
    BotCommand("howto", "Injecting with the pen, step by step"),
    BotCommand("storage", "Keeping the pens: fridge, room temperature"),
    BotCommand("missed", "If you missed a dose"),
    BotCommand("faq", "Questions people ask"),
    BotCommand("help", "What the bot can do"),
    BotCommand("about", "What this bot is and what it stores"),
    BotCommand("myid", "Your Telegram id"),
    BotCommand("support", "Write to the support team"),
    BotCommand("deletedata", "Erase everything about you"),
)
STAFF = (
    BotCommand("broadcast", "Send a notice to users (staff)"),
    BotCommand("broadcasts", "Recent broadcasts (staff)"),
    BotCommand("stats", "Aggregate figures (staff)"),
)


async def register(bot: Bot, admin_ids: frozenset[int]) -> set[int]:
    """setMyCommands for private chats, then a per-chat scope for each staff member. Returns the
    staff ids whose menu is set; the others have no chat with the bot yet and get theirs when
    they first write (see `register_staff`)."""
    await bot.set_my_commands(EVERYONE, scope=BotCommandScopeAllPrivateChats())
    return {admin_id for admin_id in sorted(admin_ids) if await register_staff(bot, admin_id)}


async def register_staff(bot: Bot, admin_id: int) -> bool:
    try:
        await bot.set_my_commands(EVERYONE + STAFF, scope=BotCommandScopeChat(admin_id))
    except (BadRequest, Forbidden) as error:
        log.info("staff menu not set yet for one admin chat: %s", error.message)
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
