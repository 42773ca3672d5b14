"""Answers to the check-in after a loading dose, by button or by replying in words: emergency
advice at once for signs of a severe allergic reaction, "contact your doctor promptly" for
fever, chills or a reaction getting worse; every answer goes into the patient's diary."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import services, texts
from bot.buttons import number_in_buttons
from bot.db import transaction
from bot.domain.checkin import Urgency, urgency_of
from bot.domain.timing import local_date
from bot.jobs.checkin import PREFIX
from bot.store import diary, doses, patients

BUTTON_URGENCY = {
    "fine": Urgency.DIARY,
    "fever": Urgency.DOCTOR,
    "worse": Urgency.DOCTOR,
    "breath": Urgency.EMERGENCY,
}


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    parts = (query.data or "").split(":")
    if len(parts) != 3 or not parts[1].isdigit() or parts[2] not in BUTTON_URGENCY:
        await query.answer(texts.BUTTON_EXPIRED)
        return
    await query.answer()
    number, answer = int(parts[1]), parts[2]
    await _answer(update, context, number, BUTTON_URGENCY[answer], texts.CHECKIN_NOTES[answer])


async def on_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """A typed reply to a check-in message. Returns whether it was one."""
    message = update.effective_message
    number = number_in_buttons(message.reply_to_message, f"{PREFIX}:")
    if number is None or not message.text:
        return False
    text = " ".join(message.text.split())[:500]
    await _answer(update, context, number, urgency_of(text), text)
    return True


async def _answer(
    update: Update, context: ContextTypes.DEFAULT_TYPE, number: int, urgency: Urgency, note: str
) -> None:
    app = services.of(context)
    now = app.clock.now()
    with transaction(app.engine) as session:
        patient = patients.get(session, update.effective_user.id)
        recorded = patient is not None and doses.get(session, patient.user_id, number) is not None
        if patient is not None and recorded:
            day = local_date(now, patient.time_zone)
            diary.add(session, patient, texts.checkin_note(number, note), day, now)
    if not recorded:
        await update.effective_message.reply_html(texts.BUTTON_EXPIRED)
        return
    await update.effective_message.reply_html(texts.CHECKIN_REPLIES[urgency.value])
