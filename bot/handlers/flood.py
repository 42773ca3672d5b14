"""The per-person rate limit, checked before anything else (group -3): updates are handled one
after another, so a flood must cost next to nothing or everyone else waits behind it. A
dropped update touches neither the database nor, except for a tap's silent answer, Telegram;
the one calm answer per flood is sent beside the queue, not in it."""

from __future__ import annotations

import logging
from collections.abc import Awaitable

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import services, texts
from bot.domain.flood import FloodGate, Verdict
from bot.texts import language

KEY = "flood_gate"
log = logging.getLogger(__name__)


async def guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Count messages and taps per person; past the limit, stop the update here. Staff are
    never limited, and other updates (the bot blocked or unblocked) always go through."""
    user = update.effective_user
    counted = update.message or update.callback_query
    if user is None or counted is None:
        return
    app = services.of(context)
    if user.id in app.settings.admin_ids:
        return
    command = (update.message.text or "").startswith("/") if update.message else False
    gate = gate_of(context, app.settings.flood_limit)
    verdict = gate.check(user.id, app.clock.now(), command=command)
    if verdict is Verdict.READ:
        return
    if update.callback_query is not None:
        _beside(context, update.callback_query.answer())
    chat = update.effective_chat
    if verdict is Verdict.WARN and chat is not None and chat.type == ChatType.PRIVATE:
        # a choice made in /settings is in the database; the Telegram app's language is close
        with language.speaking(language.choose(user.language_code)):
            calm = texts.limits.flood_pause()
        _beside(context, context.bot.send_message(chat.id, calm))
        log.info("flood: one user is over %d messages a minute", app.settings.flood_limit)
    # after the one answer, silence until the person slows down: answering each message of a
    # flood would be the flood's echo
    raise ApplicationHandlerStop


def gate_of(context: services.HasBotData, limit: int) -> FloodGate:
    """The process's one gate: the chat's updates and the page's API calls count together."""
    bot_data: dict[object, object] = context.bot_data  # type: ignore[assignment]  # PTB's is a dict
    gate = bot_data.get(KEY)
    if not isinstance(gate, FloodGate):
        gate = bot_data[KEY] = FloodGate(limit)
    return gate


def _beside(context: ContextTypes.DEFAULT_TYPE, call: Awaitable[object]) -> None:
    """Run a Telegram call as its own task, so the next update need not wait for it."""
    context.application.create_task(_quietly(call), name="flood answer")


async def _quietly(call: Awaitable[object]) -> None:
    try:
        await call
    except TelegramError as error:  # blocked, or the tap too old: nothing more to say
        log.debug("flood answer not delivered: %s", type(error).__name__)
