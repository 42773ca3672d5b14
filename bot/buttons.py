"""Reading the inline buttons of the bot message a user replied to: a reply to a support
request or to a check-in says which one it answers through the buttons under it."""

from __future__ import annotations

from telegram import Message

from bot.domain.numbers import ROW_ID_LARGEST, parse_number


def number_in_buttons(message: Message | None, prefix: str) -> int | None:
    """The number that follows `prefix` in the callback data of one of the message's buttons
    (e.g. `sup:answer:` → the request number)."""
    if message is None or message.reply_markup is None:
        return None
    for row in message.reply_markup.inline_keyboard:
        for button in row:
            data = button.callback_data
            if isinstance(data, str) and data.startswith(prefix):
                number = data[len(prefix) :].partition(":")[0]
                return parse_number(number, ROW_ID_LARGEST)
    return None
