"""Routes a typed message or a shared location, in this order: a reply to a support request or
to a check-in; the safety advice, for a message that speaks of how someone feels (sent first,
before any lookup, whatever else it turns out to be); the conversation waiting for it (the
table in `bot.handlers.flows`); a reply "done" to a reminder; an open check-in question; one
of a few plain requests ("help", "what's my next dose?", `bot.domain.intents`); else a
fallback. "I didn't understand" always says where to get help."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import ContextTypes

from bot import services, texts
from bot.db import transaction
from bot.domain.answers import parse_consent
from bot.domain.intents import Intent, intent_of
from bot.domain.triage import triage_message
from bot.handlers import advice, checkin, doses, enrolment, flows, info, schedule, support
from bot.handlers.access import message_of, user_of
from bot.store import caregivers as caregiver_store
from bot.store import conversations, patients
from bot.texts import safety

MAX_TEXT = 1000


INTENTS: dict[Intent, Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]] = {
    Intent.HELP: info.help_typed,
    Intent.NEXT_DOSE: schedule.show_next,
    Intent.SCHEDULE: schedule.show_schedule,
    Intent.SUPPORT: support.ask,
    Intent.TAKEN: doses.taken,
}
"""What a plain message naming one of the few intents gets: the command's own answer."""


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
    if await flows.answer(update, context, conversation, text, advised):
        return
    if enrolled and text is not None and await doses.on_done_reply(update, context):
        return
    if enrolled and text and await checkin.on_open_question(update, context, text, advised):
        return
    if advised is not None:
        return
    intent = intent_of(text) if text else None
    if intent is not None and (enrolled or intent in (Intent.HELP, Intent.SUPPORT)):
        await INTENTS[intent](update, context)
        return
    if enrolled:
        await message.reply_text(safety.with_safety_line(texts.account.fallback()))
    elif follows and (text is None or parse_consent(text) is None):
        await message.reply_text(safety.with_safety_line(texts.account.caregiver_fallback()))
    elif text is not None:
        await enrolment.on_consent_text(update, context, text)
    else:
        await message.reply_text(texts.common.not_enrolled())
