"""Whether a patient can be reached: blocking the bot stops every message until they come back
(unblocking, or simply writing again), when their reminders are re-planned from now."""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.ext import ContextTypes

from bot import services
from bot.db import transaction
from bot.store import patients, reminders


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    app = services.of(context)
    now = app.clock.now()
    blocked = change.new_chat_member.status in (ChatMember.BANNED, ChatMember.LEFT)
    with transaction(app.engine) as session:
        patient = patients.get(session, change.from_user.id)
        if patient is None:
            return
        if blocked and patient.blocked_at is None:
            reminders.change_reachability(session, patient, now, blocked_at=now)
        elif not blocked and patient.blocked_at is not None:
            reminders.change_reachability(session, patient, now, blocked_at=None)


async def on_any_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A message or tap from someone marked as having blocked the bot means they are back."""
    user = update.effective_user
    if user is None or update.my_chat_member is not None:
        return
    app = services.of(context)
    with transaction(app.engine) as session:
        patient = patients.get(session, user.id)
        if patient is not None and patient.blocked_at is not None:
            reminders.change_reachability(session, patient, app.clock.now(), blocked_at=None)
