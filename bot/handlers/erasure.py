"""/deletedata: erase everything about the user, after a ✅ confirmation. The button only works
for a request the same user made in the last few minutes (`flows.ERASE.live_for`), so a forged
tap erases nothing."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import services, texts
from bot.actions import erasure
from bot.actions.erasure import Decision
from bot.handlers import flows
from bot.handlers.access import message_of, query_of, user_of
from bot.keyboards.erasure import EraseDecision, EraseTap, confirm_keyboard


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    app = services.of(context)
    if not erasure.request_erasure(app.engine, app.clock.now(), user_of(update).id):
        await message_of(update).reply_text(texts.account.nothing_to_erase())
        return
    await message_of(update).reply_text(
        texts.account.confirm_erase(), reply_markup=confirm_keyboard()
    )


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = query_of(update)
    app = services.of(context)
    tap = EraseTap.parse(query.data or "")
    answer = tap.decision is EraseDecision.YES if tap is not None else None
    decision = erasure.decide_erasure(
        app.engine, app.clock.now(), user_of(update).id, answer, flows.ERASE.is_live
    )
    if decision is Decision.EXPIRED:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    await query.edit_message_text(
        texts.account.erased() if decision is Decision.ERASED else texts.account.erase_kept()
    )
