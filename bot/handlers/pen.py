"""/pen: a pen came out of the fridge. The bot counts its single room-temperature period from
that first removal (another /pen shows where it stands, it never restarts it), warns on day 6,
says to discard it after day 7 or when it got warmer than 30 °C, and drops all that once the
dose it came out for is recorded."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import services, texts
from bot.actions.pen import take_out
from bot.db import transaction
from bot.domain.pen import PenState, pen_status
from bot.handlers.access import message_of, query_of, user_of
from bot.keyboards.pen import PenTap, too_warm_keyboard
from bot.store import pen as pens


async def pen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    app = services.of(context)
    now = app.clock.now()
    out = take_out(app.engine, now, user_of(update).id)
    if out is None:
        await message_of(update).reply_text(texts.common.not_enrolled())
        return
    patient, period, started = out.patient, out.period, out.started
    status = pen_status(period.removed_at, now)
    button = too_warm_keyboard(period.id or 0)
    if started:
        text = texts.care.pen_started(period.removed_at, status.discard_at, patient.time_zone)
    elif status.state is PenState.DISCARD:
        text = texts.care.pen_discard(patient.discreet)
    else:
        text = texts.care.pen_status(
            status.day, period.removed_at, status.discard_at, patient.time_zone
        )
    await message_of(update).reply_text(text, reply_markup=button)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """🌡 It got warmer than 30 °C: only for the tapper's own open period."""
    query = query_of(update)
    tap = PenTap.parse(query.data)
    app = services.of(context)
    with transaction(app.engine) as session:
        period = pens.open_period(session, user_of(update).id)
        valid = tap is not None and period is not None and period.id == tap.period_id
        if valid and period is not None:
            pens.close(session, period, pens.TOO_WARM, app.clock.now())
    if not valid:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    await message_of(update).reply_text(texts.care.pen_too_warm())
