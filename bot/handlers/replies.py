"""Routes a typed message or a shared location, in this order: a reply to a support request or
to a check-in; the safety advice, for a message that speaks of how someone feels (sent first,
before any lookup, whatever else it turns out to be); the conversation waiting for it (the
table in `bot.handlers.flows`); a reply "done" to a reminder; an open check-in question; else
a fallback. "I didn't understand" always says where to get help."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import services, texts
from bot.db import transaction
from bot.domain.answers import parse_consent
from bot.domain.triage import triage_message
from bot.handlers import advice, checkin, doses, enrolment, flows, support
from bot.handlers.access import message_of, user_of
from bot.store import caregivers as caregiver_store
from bot.store import conversations, patients
from bot.texts import safety

MAX_TEXT = 1000


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = message_of(update)
    text = message.text
    if text is not None and len(text) > MAX_TEXT:
        text = text[:MAX_TEXT]
    replied = message.reply_to_message is not None
    if replied and await support.on_reply(update, context):
        return
    if replied and await checkin.on_reply(update, context):
        return
    urgency = triage_message(message.text) if message.text else None
    advised = await advice.advise(message, urgency) if urgency is not None else None
    with transaction(services.of(context).engine) as session:
        conversation = conversations.get(session, user_of(update).id)
        enrolled = patients.get(session, user_of(update).id) is not None
        follows = not enrolled and caregiver_store.has_links(session, user_of(update).id)
    if await flows.answer(update, context, conversation, text):
        return
    if enrolled and text is not None and await doses.on_done_reply(update, context):
        return
    if enrolled and text and await checkin.on_open_question(update, context, text, advised):
        return
    if advised is not None:
        return
    if enrolled:
        await message.reply_text(safety.with_safety_line(texts.account.fallback()))
    elif follows and (text is None or parse_consent(text) is None):
        await message.reply_text(safety.with_safety_line(texts.account.caregiver_fallback()))
    elif text is not None:
        await enrolment.on_consent_text(update, context, text)
    else:
        await message.reply_text(texts.common.not_enrolled())
