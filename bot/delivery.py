"""Sending one message to Telegram, with every error mapped to what the outbox does next (how
long a retry goes on is `bot.domain.retries`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.domain.outcomes import Outcome


@dataclass(frozen=True)
class Message:
    """What to send: HTML text and, maybe, inline buttons."""

    text: str
    markup: InlineKeyboardMarkup | None = None


@dataclass(frozen=True)
class Delivery:
    result: Outcome
    message_id: int | None = None
    retry_after: timedelta | None = None
    error: str | None = None


async def send(
    bot: Bot,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    *,
    paid: bool = False,
) -> Delivery:
    """`paid`: a broadcast under PAID_BROADCAST, which Telegram lets past its ~30 messages a
    second for Stars; the parameter is left out otherwise."""
    try:
        if paid:
            message = await bot.send_message(
                chat_id, text, reply_markup=markup, allow_paid_broadcast=True
            )
        else:
            message = await bot.send_message(chat_id, text, reply_markup=markup)
    except RetryAfter as error:
        wait = error.retry_after
        wait = wait if isinstance(wait, timedelta) else timedelta(seconds=wait)
        return Delivery(Outcome.RETRY, retry_after=wait, error="rate limited (429)")
    except Forbidden as error:
        return Delivery(Outcome.BLOCKED, error=error.message)
    except BadRequest as error:
        return Delivery(Outcome.FAILED, error=error.message)
    except NetworkError as error:  # also TimedOut and Telegram's 5xx answers
        return Delivery(Outcome.RETRY, error=f"{type(error).__name__}: {error.message}")
    except TelegramError as error:
        return Delivery(Outcome.FAILED, error=f"{type(error).__name__}: {error.message}")
    return Delivery(Outcome.SENT, message_id=message.message_id)
