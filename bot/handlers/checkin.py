"""Answers to the check-in after a loading dose: a tap, a typed reply to the question, or the
day's next plain message after it. Only a clearly fine answer is reassured; every other answer
gets the emergency and the doctor advice, sent before anything is written, so that an undone
dose, a long note or a database error can never hold it back. Answers go into the diary."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import services, texts
from bot.db import transaction
from bot.domain.timing import local_date
from bot.domain.triage import Urgency, triage_answer
from bot.handlers import advice
from bot.handlers.access import message_of, query_of, user_of
from bot.handlers.advice import Advised
from bot.keyboards.checkin import CheckinAnswer, CheckinTap, dose_asked_about
from bot.store import checkins, diary, doses, patients
from bot.texts import safety

BUTTON_URGENCY = {
    CheckinAnswer.FINE: Urgency.FINE,
    CheckinAnswer.FEVER: Urgency.DOCTOR,
    CheckinAnswer.WORSE: Urgency.DOCTOR,
    CheckinAnswer.BREATH: Urgency.EMERGENCY,
}


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = query_of(update)
    tap = CheckinTap.parse(query.data)
    if tap is None:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    urgency = BUTTON_URGENCY[tap.answer]
    note = texts.care.checkin_notes()[tap.answer]
    await _answer(update, context, tap.number, urgency, note, None)


async def on_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """A typed reply to a check-in message (Telegram's Reply). Returns whether it was one."""
    message = message_of(update)
    number = dose_asked_about(message.reply_to_message)
    if number is None or not message.text:
        return False
    text = " ".join(message.text.split())
    await _answer(update, context, number, triage_answer(text), text, None)
    return True


async def on_open_question(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, advised: Advised | None
) -> bool:
    """A plain message on the day a check-in was sent, before it had an answer: the answer.
    `advised` is the advice the router already sent for this message, if any."""
    app = services.of(context)
    now = app.clock.now()
    with transaction(app.engine) as session:
        patient = patients.get(session, user_of(update).id)
        number = None if patient is None else checkins.open_question(session, patient, now)
    if number is None:
        return False
    text = " ".join(text.split())
    await _answer(update, context, number, triage_answer(text), text, advised)
    return True


async def _answer(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    number: int,
    urgency: Urgency,
    note: str,
    advised: Advised | None,
) -> None:
    message = message_of(update)
    if urgency is not Urgency.FINE and advised is None:
        advised = await advice.advise(message, urgency)
    noted = _note(context, user_of(update).id, number, note)
    if advised is None:
        reply = safety.answer(urgency)
        await message.reply_text(safety.with_noted(reply) if noted else reply)
    elif noted:
        await advice.amend(advised, safety.noted())


def _note(context: ContextTypes.DEFAULT_TYPE, user_id: int, number: int, note: str) -> bool:
    """Notes the answer in the diary of a patient whose dose is still recorded; whether it did."""
    app = services.of(context)
    now = app.clock.now()
    with transaction(app.engine) as session:
        patient = patients.get(session, user_id)
        if patient is None or doses.get(session, patient.user_id, number) is None:
            return False
        day = local_date(now, patient.time_zone)
        text = texts.care.checkin_note(number, note)
        diary.add(session, patient, text, day, now, checkin_dose=number)
    return True
