"""/log: a patient notes a side effect (typed after the command, or picked from buttons); the
diary shows in /history. Only the patient sees it: not caregivers, not staff. A note that is not
clearly fine gets the safety advice first, before it is written."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import services, texts
from bot.commands import text_after_command
from bot.db import transaction
from bot.domain.timing import local_date
from bot.domain.triage import Urgency, triage_answer
from bot.handlers import advice
from bot.handlers.access import message_of, query_of, user_of
from bot.keyboards.diary import DiaryChoice, DiaryTap, choices_keyboard
from bot.store import diary, patients

MAX_LENGTH = 500


async def log(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = text_after_command(message_of(update))
    if not text:
        with transaction(services.of(context).engine) as session:
            enrolled = patients.get(session, user_of(update).id) is not None
        if not enrolled:
            await message_of(update).reply_text(texts.common.not_enrolled())
            return
        await message_of(update).reply_text(texts.care.diary_ask(), reply_markup=choices_keyboard())
        return
    urgency = triage_answer(text)
    if len(text) > MAX_LENGTH:
        if urgency is not Urgency.FINE:
            await advice.advise(message_of(update), urgency)
        await message_of(update).reply_text(texts.care.diary_too_long(MAX_LENGTH))
        return
    await _note(update, context, " ".join(text.split()), urgency)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = query_of(update)
    tap = DiaryTap.parse(query.data)
    if tap is None:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    urgency = Urgency.DOCTOR if tap.choice is DiaryChoice.FEVER else Urgency.UNCLEAR
    await _note(update, context, texts.care.diary_notes()[tap.choice], urgency)


async def _note(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, urgency: Urgency
) -> None:
    advised = None
    if urgency is not Urgency.FINE:
        advised = await advice.advise(message_of(update), urgency)
    app = services.of(context)
    now = app.clock.now()
    with transaction(app.engine) as session:
        patient = patients.get(session, user_of(update).id)
        day = local_date(now, patient.time_zone) if patient is not None else None
        if patient is not None and day is not None:
            diary.add(session, patient, text, day, now)
    if day is None:
        await message_of(update).reply_text(texts.common.not_enrolled())
    elif advised is None:
        await message_of(update).reply_text(texts.care.diary_noted(day, text))
    else:
        await advice.amend(advised, texts.care.diary_noted(day, text))
