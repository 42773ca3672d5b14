"""/pen: a pen came out of the fridge. The bot asks first (✅ Yes / No), then counts its single
room-temperature period from that first removal (another /pen shows where it stands, it never
restarts it), warns on day 6, says to discard it after day 7 or when it got warmer than 30 °C,
and drops all that once the dose it came out for is recorded. A Yes by mistake is undone with
↩️ Undo."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import services, texts
from bot.actions import pen as actions
from bot.db import transaction
from bot.domain.pen import PenState, pen_status
from bot.handlers.access import message_of, query_of, user_of
from bot.keyboards.pen import (
    PenAction,
    PenAnswer,
    PenQuestionTap,
    PenTap,
    noted_keyboard,
    question_keyboard,
    too_warm_keyboard,
)
from bot.models import PenPeriod
from bot.store import pen as pens


async def pen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Where the counting pen stands; with none counting, the question before noting one."""
    app = services.of(context)
    now = app.clock.now()
    view = actions.look(app.engine, now, user_of(update).id)
    if view is None:
        await message_of(update).reply_text(texts.common.not_enrolled())
        return
    if view.period is None:
        await message_of(update).reply_text(
            texts.care.pen_question(), reply_markup=question_keyboard(view.dose_number)
        )
        return
    await message_of(update).reply_text(
        _status_text(view.period, view.patient.discreet, view.patient.time_zone, context),
        reply_markup=too_warm_keyboard(view.period.id or 0),
    )


def _status_text(
    period: PenPeriod, discreet: bool, zone: str, context: ContextTypes.DEFAULT_TYPE
) -> str:
    status = pen_status(period.removed_at, services.of(context).clock.now())
    if status.state is PenState.DISCARD:
        return texts.care.pen_discard(discreet)
    return texts.care.pen_status(status.day, period.removed_at, status.discard_at, zone)


async def on_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """✅ Yes notes the pen (for the dose asked about, if it is still the current one); No
    notes nothing."""
    query = query_of(update)
    tap = PenQuestionTap.parse(query.data)
    if tap is None:
        await query.answer(texts.common.button_expired())
        return
    if tap.answer is PenAnswer.NO:
        await query.answer()
        await query.edit_message_text(texts.care.pen_not_noted())
        return
    app = services.of(context)
    out = actions.take_out(app.engine, app.clock.now(), user_of(update).id, tap.dose)
    if out is None:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    period, patient = out.period, out.patient
    if not out.started:  # a second Yes: it was already counting
        await query.edit_message_text(
            _status_text(period, patient.discreet, patient.time_zone, context),
            reply_markup=too_warm_keyboard(period.id or 0),
        )
        return
    status = pen_status(period.removed_at, app.clock.now())
    await query.edit_message_text(
        texts.care.pen_started(period.removed_at, status.discard_at, patient.time_zone),
        reply_markup=noted_keyboard(period.id or 0),
    )


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """🌡 It got warmer than 30 °C, or ↩️ Undo: only for the tapper's own open period."""
    query = query_of(update)
    tap = PenTap.parse(query.data)
    if tap is None:
        await query.answer(texts.common.button_expired())
        return
    if tap.action is PenAction.UNDO:
        await undo(update, context, tap.period_id)
        return
    app = services.of(context)
    with transaction(app.engine) as session:
        period = pens.open_period(session, user_of(update).id)
        valid = period is not None and period.id == tap.period_id
        if valid and period is not None:
            pens.close(session, period, pens.TOO_WARM, app.clock.now())
    if not valid:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    await message_of(update).reply_text(texts.care.pen_too_warm())


async def undo(update: Update, context: ContextTypes.DEFAULT_TYPE, period_id: int) -> None:
    query = query_of(update)
    app = services.of(context)
    if not actions.undo(app.engine, app.clock.now(), user_of(update).id, period_id):
        await query.answer(texts.care.pen_nothing_to_undo(), show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(texts.care.pen_undone())
