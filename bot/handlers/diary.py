"""/log: a patient notes a side effect (typed after the command, picked from buttons, or written
in the next message after the question); the diary shows in /history. Only the patient sees it:
not caregivers, not staff. A note that is not clearly fine gets the safety advice first, before
it is written."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import services, texts
from bot.actions import diary as diary_action
from bot.commands import text_after_command
from bot.db import transaction
from bot.domain.conversations import DiaryAnswers, DiaryStep, Exchange, FlowName
from bot.domain.triage import Urgency
from bot.handlers import advice
from bot.handlers.access import message_of, query_of, user_of
from bot.handlers.advice import Advised
from bot.keyboards.diary import DiaryChoice, DiaryTap, choices_keyboard
from bot.store import conversations, patients


async def log(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = text_after_command(message_of(update))
    if text:
        await _take(update, context, text, None)
        return
    app = services.of(context)
    user_id = user_of(update).id
    with transaction(app.engine) as session:
        enrolled = patients.get(session, user_id) is not None
        if enrolled:
            conversations.interrupt(
                session, user_id, FlowName.DIARY, DiaryStep.NOTE, DiaryAnswers(), app.clock.now()
            )
    if not enrolled:
        await message_of(update).reply_text(texts.common.not_enrolled())
        return
    await message_of(update).reply_text(texts.care.diary_ask(), reply_markup=choices_keyboard())


async def answer(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    conversation: Exchange[DiaryStep, DiaryAnswers],
    text: str,
    advised: Advised | None,
) -> None:
    """The message after "What did you notice?": all of it is the note (not `text`, the copy
    routing shortened)."""
    await _take(update, context, message_of(update).text or text, advised)


async def _take(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, advised: Advised | None
) -> None:
    reading = diary_action.read(text)
    if reading.too_long:
        if reading.urgency is not Urgency.FINE and advised is None:
            await advice.advise(message_of(update), reading.urgency)
        await message_of(update).reply_text(texts.care.diary_too_long(diary_action.MAX_LENGTH))
        return
    await _note(update, context, reading.text, reading.urgency, advised)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = query_of(update)
    tap = DiaryTap.parse(query.data)
    if tap is None:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    urgency = Urgency.DOCTOR if tap.choice is DiaryChoice.FEVER else Urgency.UNCLEAR
    await _note(update, context, texts.care.diary_notes()[tap.choice], urgency, None)


async def _note(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    text: str,
    urgency: Urgency,
    advised: Advised | None,
) -> None:
    """Advice first (unless this message already had it), then the note; a question still
    waiting for one is answered by it."""
    if urgency is not Urgency.FINE and advised is None:
        advised = await advice.advise(message_of(update), urgency)
    app = services.of(context)
    day = diary_action.add(app.engine, app.clock.now(), user_of(update).id, text)
    if day is None:
        await message_of(update).reply_text(texts.common.not_enrolled())
    elif advised is None:
        await message_of(update).reply_text(texts.care.diary_noted(day, text))
    else:
        await advice.amend(advised, texts.care.diary_noted(day, text))
