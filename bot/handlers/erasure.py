"""/deletedata: erase everything about the user, after a ✅ confirmation. The button only works
for a request the same user made in the last few minutes, so a forged tap erases nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import services
from bot.db import transaction
from bot.models import Conversation
from bot.store import caregivers, conversations, patients
from bot.texts import en

FLOW = "erase"
PREFIX = "erase"
REQUEST_VALID_FOR = timedelta(minutes=10)


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    app = services.of(context)
    user_id = update.effective_user.id
    with transaction(app.engine) as session:
        earlier = conversations.get(session, user_id)
        has_data = (
            patients.get(session, user_id) is not None
            or earlier is not None
            or caregivers.has_links(session, user_id)
        )
        if has_data:
            conversations.save(
                session, user_id, FLOW, "confirm", {"earlier": _stash(earlier)}, app.clock.now()
            )
    if not has_data:
        await update.effective_message.reply_html(en.NOTHING_TO_ERASE)
        return
    buttons = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(en.ERASE_BUTTON, callback_data=f"{PREFIX}:yes")],
            [InlineKeyboardButton(en.KEEP_BUTTON, callback_data=f"{PREFIX}:no")],
        ]
    )
    await update.effective_message.reply_html(en.CONFIRM_ERASE, reply_markup=buttons)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    app = services.of(context)
    user_id = update.effective_user.id
    decision = (query.data or "").partition(":")[2]
    now = app.clock.now()
    with transaction(app.engine) as session:
        pending = conversations.get(session, user_id)
        live = (
            pending is not None
            and pending.flow == FLOW
            and now - pending.updated_at <= REQUEST_VALID_FOR
            and decision in ("yes", "no")
        )
        if live and decision == "yes":
            patients.erase(session, user_id)
        elif live:
            _restore(session, user_id, pending.answers.get("earlier"), now)
    if not live:
        await query.answer(en.BUTTON_EXPIRED)
        return
    await query.answer()
    await query.edit_message_text(en.ERASED if decision == "yes" else en.ERASE_KEPT)


def _stash(conversation: Conversation | None) -> dict[str, Any] | None:
    """Keep a half-done enrolment or settings change, to resume it if the user keeps their data."""
    if conversation is None or conversation.flow == FLOW:
        return None
    return {"flow": conversation.flow, "step": conversation.step, "answers": conversation.answers}


def _restore(session: Session, user_id: int, earlier: dict[str, Any] | None, now: datetime) -> None:
    if earlier is None:
        conversations.drop(session, user_id)
    else:
        conversations.save(
            session, user_id, earlier["flow"], earlier["step"], earlier["answers"], now
        )
