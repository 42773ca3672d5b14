"""What the page's actions also say in the chat, as the chat itself would have: the dose's
confirmation with its buttons and the question who injected, the safety advice, the command
menu after a new language. Sent in the person's language of the moment; a chat that cannot
be reached (the bot blocked, Telegram down) is logged and never fails the page's answer."""

from __future__ import annotations

import logging
from datetime import date

from telegram import InlineKeyboardMarkup
from telegram.error import TelegramError

from bot import texts
from bot.handlers import menus
from bot.keyboards.doses import recorded_keyboard, who_keyboard
from bot.webapp import Bot

log = logging.getLogger(__name__)


async def send(
    application: Bot,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> bool:
    """One message to a private chat (whose id is the person's); False when it was not sent."""
    try:
        await application.bot.send_message(chat_id, text, reply_markup=markup)
    except TelegramError as error:
        log.info("a message for the page's action was not sent: %s", type(error).__name__)
        return False
    return True


async def confirmed(
    application: Bot, patient_id: int, text: str, number: int, following: date
) -> None:
    """The ✅'s confirmation (with undo and correction) and then who injected."""
    if await send(application, patient_id, text, recorded_keyboard(patient_id, number, following)):
        await send(
            application, patient_id, texts.reminders.ask_who(), who_keyboard(patient_id, number)
        )


async def refresh_menu(application: Bot, user_id: int) -> None:
    """The command menu in the newly chosen language (as /settings does)."""
    await menus.set_for(application, user_id, force=True)  # type: ignore[arg-type]  # it reads bot and bot_data, which the Application has
