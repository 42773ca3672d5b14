"""/pen: a pen came out of the fridge. The bot counts its single room-temperature period from
that first removal (another /pen shows where it stands, it never restarts it), warns on day 6,
says to discard it after day 7 or when it got warmer than 30 °C, and drops all that once the
dose it came out for is recorded."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import services, texts
from bot.db import transaction
from bot.domain.pen import PenState, pen_status
from bot.domain.schedule import next_dose
from bot.domain.timing import local_date
from bot.store import patients
from bot.store import pen as pens

PREFIX = "pen"


async def pen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    app = services.of(context)
    now = app.clock.now()
    with transaction(app.engine) as session:
        patient = patients.get(session, update.effective_user.id)
        if patient is None:
            period = None
        else:
            current = next_dose(
                patients.course_of(session, patient), local_date(now, patient.time_zone)
            )
            period = pens.open_period(session, patient.user_id)
            if period is not None and period.dose_number < current.number:
                pens.close(session, period, pens.USED, now)  # its dose is recorded
                period = None
            started = period is None
            if started:
                period = pens.start(session, patient, current.number, now)
    if patient is None or period is None:
        await update.effective_message.reply_text(texts.common.not_enrolled())
        return
    status = pen_status(period.removed_at, now)
    button = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.care.pen_too_warm_button(), callback_data=f"{PREFIX}:warm:{period.id}"
                )
            ]
        ]
    )
    if started:
        text = texts.care.pen_started(period.removed_at, status.discard_at, patient.time_zone)
    elif status.state is PenState.DISCARD:
        text = texts.care.pen_discard(patient.discreet)
    else:
        text = texts.care.pen_status(
            status.day, period.removed_at, status.discard_at, patient.time_zone
        )
    await update.effective_message.reply_text(text, reply_markup=button)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """🌡 It got warmer than 30 °C: only for the tapper's own open period."""
    query = update.callback_query
    parts = (query.data or "").split(":")
    app = services.of(context)
    with transaction(app.engine) as session:
        period = pens.open_period(session, update.effective_user.id)
        valid = len(parts) == 3 and parts[1] == "warm" and period is not None
        valid = valid and period is not None and str(period.id) == parts[2]
        if valid and period is not None:
            pens.close(session, period, pens.TOO_WARM, app.clock.now())
    if not valid:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    await query.message.reply_text(texts.care.pen_too_warm())
