"""/deletedata: erase everything about the user, after a ✅ confirmation. The button only works
for a request the same user made in the last few minutes, so a forged tap erases nothing."""

from __future__ import annotations

from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import services, texts
from bot.db import transaction
from bot.store import caregivers, conversations, patients

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
            conversations.interrupt(session, user_id, FLOW, "confirm", {}, app.clock.now())
        else:  # nothing personal, but no trace either (say, of a support request)
            patients.erase(session, user_id)
    if not has_data:
        await update.effective_message.reply_text(texts.account.nothing_to_erase())
        return
    buttons = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(texts.account.erase_button(), callback_data=f"{PREFIX}:yes")],
            [InlineKeyboardButton(texts.account.keep_button(), callback_data=f"{PREFIX}:no")],
        ]
    )
    await update.effective_message.reply_text(texts.account.confirm_erase(), reply_markup=buttons)


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
            conversations.resume(session, pending, now)
    if not live:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    await query.edit_message_text(
        texts.account.erased() if decision == "yes" else texts.account.erase_kept()
    )
