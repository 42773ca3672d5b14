"""Replies that can grow with what people have written or how many people there are: sent in
as many messages as Telegram's length limit needs (see `bot.domain.message_parts`)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message

from bot.domain.message_parts import split_message


async def reply_in_parts(
    message: Message, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> None:
    """Reply with `text` (HTML) split into messages that fit; buttons go under the last."""
    parts = split_message(text)
    for number, part in enumerate(parts, start=1):
        await message.reply_text(part, reply_markup=reply_markup if number == len(parts) else None)
