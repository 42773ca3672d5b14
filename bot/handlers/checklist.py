"""Ticking off a pre-start check: the tapped message (the checklist, or a check's reminder)
becomes the checklist as it now stands, edited in place rather than sent again."""

from __future__ import annotations

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import services, texts
from bot.actions import checklist as actions
from bot.handlers.access import query_of, user_of
from bot.keyboards.checklist import ChecklistTap, checklist_keyboard


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = query_of(update)
    tap = ChecklistTap.parse(query.data)
    if tap is None:
        await query.answer(texts.common.button_expired())
        return
    app = services.of(context)
    marked = actions.mark(
        app.engine, app.clock.now(), user_of(update).id, tap.check, bool(tap.done)
    )
    if marked is None:
        await query.answer(texts.care.checklist_closed())
        await query.edit_message_text(texts.care.checklist_closed())
        return
    await query.answer("✅" if tap.done else "⬜")
    try:
        await query.edit_message_text(
            texts.care.checklist_overview(marked.items),
            reply_markup=checklist_keyboard(marked.items),
        )
    except BadRequest as error:  # a repeated tap: the checklist already says so
        if "not modified" not in error.message:
            raise
