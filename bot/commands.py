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

from bot.texts.language import DEFAULT, LANGUAGES, N_, _, speaking

log = logging.getLogger(__name__)

EVERYONE = (
    ("start", N_("Sign up, or see where you are")),
    ("schedule", N_("Your dose plan")),
    ("next", N_("Your next dose")),
    ("taken", N_("Record your due dose")),
    ("history", N_("Your injections so far, and your diary")),
    ("log", N_("Note a side effect in your diary")),
    ("pen", N_("A pen came out of the fridge")),
    ("export", N_("Your records as files (CSV, calendar)")),
    ("settings", N_("Reminder time, time zone, language, pause")),
    ("invite", N_("Invite a caregiver")),
    ("caregivers", N_("Your caregivers")),
    ("patients", N_("People you follow (caregivers)")),
    ("leave", N_("Stop following someone")),
    ("sideeffects", N_("Side effects, and when to get help")),
    ("precautions", N_("Checks before starting, vaccines, pregnancy")),
    ("howto", N_("Injecting with the pen, step by step")),
    ("storage", N_("Keeping the pens: fridge, room temperature")),
    ("missed", N_("If you missed a dose")),
    ("faq", N_("Questions people ask")),
    ("help", N_("What the bot can do")),
    ("about", N_("What this bot is and what it stores")),
    ("myid", N_("Your Telegram id")),
    ("support", N_("Write to the support team")),
    ("deletedata", N_("Erase everything about you")),
)
STAFF = (
    ("broadcast", N_("Send a notice to users (staff)")),
    ("broadcasts", N_("Recent broadcasts (staff)")),
    ("stats", N_("Aggregate figures (staff)")),
)


def menu(*, staff: bool) -> list[BotCommand]:
    """The command menu in the current language."""
    entries = EVERYONE + STAFF if staff else EVERYONE
    return [BotCommand(command, _(description)) for command, description in entries]


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
