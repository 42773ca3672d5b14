"""Sending the safety advice before anything else happens, and adding to it afterwards: the
advice must reach the person even when what follows (a lookup, a diary write) fails."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Message
from telegram.error import TelegramError

from bot.domain.triage import Urgency
from bot.texts import safety

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Advised:
    """The advice as sent: its message, to amend once the note is written, and its text."""

    message: Message
    text: str


async def advise(message: Message, urgency: Urgency) -> Advised:
    text = safety.advice(urgency)
    return Advised(await message.reply_text(text), text)


async def amend(advised: Advised, addition: str) -> None:
    """Adds a line to the advice already sent (an edit, so no second notification); if the
    edit fails, the line goes as a message of its own."""
    try:
        await advised.message.edit_text(advised.text + "\n\n" + addition)
    except TelegramError as error:
        log.info("advice not amended (%s); sending the addition on its own", type(error).__name__)
        await advised.message.reply_text(addition)
