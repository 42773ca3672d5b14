"""Messages the bot will not read: a text longer than anything it asks for, and stickers,
photos, voice notes and the like. Each gets a friendly answer and changes nothing.

Commands that take a long text check their own length and name their own limit (/log 500,
/support 3,000, /broadcast 4,096), so they pass here; so do staff, whose answers to support
requests may be longer. Shorter typed answers have their own, stricter checks further on."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import ContextTypes, filters

from bot import texts
from bot.domain.triage import triage_message
from bot.handlers import advice
from bot.handlers.access import message_of

MAX_TEXT = 2000
SELF_LIMITED = frozenset({"log", "support", "broadcast"})
"""Commands whose handlers refuse an over-long text themselves, with their own limit."""


def too_long(text: str | None) -> bool:
    """Whether a text is refused before any handler sees it."""
    if text is None or len(text) <= MAX_TEXT:
        return False
    return _command(text) not in SELF_LIMITED


def _command(text: str) -> str | None:
    """`support` for "/support …" or "/support@bot …"; None for anything not a command."""
    if not text.startswith("/"):
        return None
    words = text[1:].split(maxsplit=1)
    return words[0].partition("@")[0].lower() if words else None


class _LongText(filters.MessageFilter):
    def filter(self, message: Message) -> bool:
        return too_long(message.text)


LONG_TEXT = _LongText(name="limits.LONG_TEXT")
NOT_TEXT = (
    filters.UpdateType.MESSAGE & ~filters.TEXT & ~filters.LOCATION & ~filters.StatusUpdate.ALL
)
"""A new message with neither text nor a location (which the time zone step accepts)."""


async def refuse_long(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Refused unread, except for the safety net: a long text about feeling unwell gets the
    advice first."""
    message = message_of(update)
    urgency = triage_message(message.text or "")
    if urgency is not None:
        await advice.advise(message, urgency)
    await message.reply_text(texts.limits.too_long(MAX_TEXT))


async def only_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await message_of(update).reply_text(texts.limits.only_text())
