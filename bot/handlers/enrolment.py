"""Guided enrolment on /start: consent, time zone, first injection, most recent injection (for
people already on treatment), reminder time. Answers live in the `conversations` table until the
last one, so an unfinished enrolment survives a restart; only then is the patient stored."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import ContextTypes

from bot import services, texts
from bot.db import transaction
from bot.domain import answers as parse
from bot.domain.checklist import checklist
from bot.domain.numbers import parse_number
from bot.domain.schedule import FIRST_APPROVAL, add_months, infer_last_dose
from bot.domain.timing import find_zone, local_date
from bot.handlers import caregivers, datepicker
from bot.handlers.schedule import next_dose_text, reply_schedule
from bot.models import Conversation
from bot.store import checklist as checklist_store
from bot.store import conversations, languages, patients, reminders
from bot.texts import language
from bot.zone_lookup import zone_at

FLOW = "enrolment"
ZONE, FIRST, LAST, WHICH, TIME = "zone", "first", "last", "which", "time"
CALLBACK_PREFIX = "enrol"


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """New user: consent first. Enrolled: a short status. Half-way: the pending question again."""
    app = services.of(context)
    user = update.effective_user
    with transaction(app.engine) as session:
        patient = patients.get(session, user.id)
        conversation = conversations.get(session, user.id)
        course = patients.course_of(session, patient) if patient else None
    if context.args:
        await caregivers.open_invite(update, context, context.args[0])
        return
    if patient is not None and course is not None:
        summary = next_dose_text(patient, course, app.clock.now())
        await update.effective_message.reply_text(texts.schedule.status_summary(summary))
        return
    if conversation is not None and conversation.flow == FLOW:
        await update.effective_message.reply_text(texts.enrolment.enrolment_resumed())
        await ask(update, context, conversation.step, conversation.answers)
        return
    if conversation is None and await caregivers.caregiver_welcome(update, context):
        return
    await update.effective_message.reply_text(
        texts.enrolment.consent(), reply_markup=consent_buttons()
    )


def consent_buttons() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.enrolment.consent_agree_button(), callback_data=f"{CALLBACK_PREFIX}:agree"
                ),
                InlineKeyboardButton(
                    texts.enrolment.consent_decline_button(),
                    callback_data=f"{CALLBACK_PREFIX}:decline",
                ),
            ]
        ]
    )


async def on_consent_text(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """Text from someone not enrolled and not signing up: a typed yes/no to the consent
    question, or else the question (again)."""
    decision = parse.parse_consent(text)
    if decision is None:
        await update.effective_message.reply_text(
            texts.enrolment.consent(), reply_markup=consent_buttons()
        )
        return
    await decide_consent(update, context, decision)


async def decide_consent(update: Update, context: ContextTypes.DEFAULT_TYPE, agree: bool) -> None:
    if not agree:
        await update.effective_message.reply_text(texts.enrolment.consent_declined())
        return
    app = services.of(context)
    user = update.effective_user
    with transaction(app.engine) as session:
        enrolled = patients.get(session, user.id) is not None
        existing = conversations.get(session, user.id)
        if existing is not None and existing.flow == FLOW:
            step, answers = existing.step, existing.answers
        elif not enrolled:
            step, answers = ZONE, {}
            conversations.save(session, user.id, FLOW, step, answers, app.clock.now())
            languages.remember(session, user.id, language.current(), app.clock.now())
    if enrolled:
        await update.effective_message.reply_text(texts.common.button_expired())
        return
    await ask(update, context, step, answers)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Consent and which-dose buttons. Anything stale or forged changes nothing."""
    query = update.callback_query
    _, _, action = (query.data or "").partition(":")
    if action == "signup":
        await query.answer()
        await update.effective_chat.send_message(
            texts.enrolment.consent(), reply_markup=consent_buttons()
        )
        return
    if action in ("agree", "decline"):
        await query.answer()
        await query.edit_message_reply_markup(None)
        await decide_consent(update, context, action == "agree")
        return
    conversation = current(context, update.effective_user.id)
    if action.startswith("dose:") and conversation is not None and conversation.step == WHICH:
        await query.answer()
        await answer_which(update, context, conversation, action.removeprefix("dose:"))
        return
    await query.answer(texts.common.button_expired())


async def on_calendar(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The date picker: browse months, or pick a day as if it had been typed."""
    query = update.callback_query
    conversation = current(context, update.effective_user.id)
    parsed = datepicker.parse(query.data or "")
    if conversation is None or conversation.step not in (FIRST, LAST) or parsed is None:
        await query.answer(texts.common.button_expired() if parsed is not None else None)
        return
    kind, day = parsed
    lowest, highest = date_bounds(context, conversation)
    if kind == "show" and not datepicker.offers(day, lowest, highest):
        await query.answer(texts.common.button_expired())
        return
    if kind == "show":
        await query.answer()
        await query.edit_message_reply_markup(datepicker.keyboard(day, lowest, highest))
        return
    await query.answer(texts.enrolment.picked(day))
    await query.edit_message_reply_markup(None)
    await answer(update, context, conversation, day.isoformat())


def current(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> Conversation | None:
    with transaction(services.of(context).engine) as session:
        conversation = conversations.get(session, user_id)
    return conversation if conversation is not None and conversation.flow == FLOW else None


def today_for(context: ContextTypes.DEFAULT_TYPE, answers: dict[str, Any]) -> date:
    return local_date(services.of(context).clock.now(), answers["zone"])


def date_bounds(
    context: ContextTypes.DEFAULT_TYPE, conversation: Conversation
) -> tuple[date, date]:
    today = today_for(context, conversation.answers)
    if conversation.step == FIRST:
        return FIRST_APPROVAL, add_months(today, 12)
    return date.fromisoformat(conversation.answers["first"]), today


async def ask(
    update: Update, context: ContextTypes.DEFAULT_TYPE, step: str, answers: dict[str, Any]
) -> None:
    message = update.effective_message
    if step == ZONE:
        await message.reply_text(texts.enrolment.ask_time_zone(), reply_markup=zone_keyboard())
    elif step in (FIRST, LAST):
        today = today_for(context, answers)
        if step == FIRST:
            text, lowest, highest = (
                texts.enrolment.ask_first_injection(),
                FIRST_APPROVAL,
                add_months(today, 12),
            )
        else:
            first = date.fromisoformat(answers["first"])
            text, lowest, highest = (
                texts.enrolment.ask_last_injection(first),
                first,
                today,
            )
        await message.reply_text(text, reply_markup=datepicker.keyboard(today, lowest, highest))
    elif step == WHICH:
        candidates = tuple(answers["candidates"])
        buttons = [
            InlineKeyboardButton(
                texts.enrolment.which_dose_button(n), callback_data=f"{CALLBACK_PREFIX}:dose:{n}"
            )
            for n in candidates
        ]
        last = date.fromisoformat(answers["last"])
        await message.reply_text(
            texts.enrolment.ask_which_dose(last, candidates),
            reply_markup=InlineKeyboardMarkup([buttons]),
        )
    elif step == TIME:
        keyboard = ReplyKeyboardMarkup(
            [list(row) for row in texts.enrolment.COMMON_TIMES],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
        await message.reply_text(texts.enrolment.ask_reminder_time(), reply_markup=keyboard)


def zone_keyboard() -> ReplyKeyboardMarkup:
    rows = [[KeyboardButton(texts.enrolment.share_location_button(), request_location=True)]]
    rows += [[KeyboardButton(zone) for zone in row] for row in texts.enrolment.COMMON_ZONES]
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)


async def answer(
    update: Update, context: ContextTypes.DEFAULT_TYPE, conversation: Conversation, text: str
) -> None:
    """A typed answer (or a picked date) to the pending question."""
    handlers = {ZONE: answer_zone, FIRST: answer_first, LAST: answer_last, TIME: answer_time}
    if conversation.step == WHICH:
        await answer_which(update, context, conversation, text)
        return
    await handlers[conversation.step](update, context, conversation, text)


async def answer_location(
    update: Update, context: ContextTypes.DEFAULT_TYPE, conversation: Conversation
) -> None:
    location = update.effective_message.location
    if conversation.step != ZONE:
        await ask(update, context, conversation.step, conversation.answers)
        return
    zone = zone_at(location.latitude, location.longitude)
    if zone is None or find_zone(zone) is None:
        await update.effective_message.reply_text(texts.enrolment.location_without_zone())
        return
    await accept_zone(update, context, conversation, zone)


async def answer_zone(
    update: Update, context: ContextTypes.DEFAULT_TYPE, conversation: Conversation, text: str
) -> None:
    zone = find_zone(text)
    if zone is None:
        await update.effective_message.reply_text(texts.enrolment.zone_unknown(text))
        return
    await accept_zone(update, context, conversation, zone)


async def accept_zone(
    update: Update, context: ContextTypes.DEFAULT_TYPE, conversation: Conversation, zone: str
) -> None:
    local_now = services.of(context).clock.now().astimezone(ZoneInfo(zone))
    await update.effective_message.reply_text(
        texts.enrolment.zone_confirmed(zone, local_now), reply_markup=ReplyKeyboardRemove()
    )
    await advance(update, context, conversation, FIRST, zone=zone)


async def answer_first(
    update: Update, context: ContextTypes.DEFAULT_TYPE, conversation: Conversation, text: str
) -> None:
    today = today_for(context, conversation.answers)
    keywords = ("today", "tomorrow")
    day = parse.parse_day(text, today, keywords=frozenset(keywords))
    if day is None:
        await update.effective_message.reply_text(
            texts.enrolment.date_unreadable(text, today, keywords)
        )
        return
    problem = parse.check_first_injection(day, today)
    if problem is not None:
        await update.effective_message.reply_text(texts.enrolment.date_problem(problem))
        await ask(update, context, FIRST, conversation.answers)
        return
    next_step = LAST if day < today else TIME
    await advance(update, context, conversation, next_step, first=day.isoformat())


async def answer_last(
    update: Update, context: ContextTypes.DEFAULT_TYPE, conversation: Conversation, text: str
) -> None:
    today = today_for(context, conversation.answers)
    first = date.fromisoformat(conversation.answers["first"])
    keywords = ("today", "yesterday")
    day = parse.parse_day(text, today, keywords=frozenset(keywords))
    if day is None:
        await update.effective_message.reply_text(
            texts.enrolment.date_unreadable(text, today, keywords)
        )
        return
    problem = parse.check_last_injection(day, first, today)
    if problem is not None:
        await update.effective_message.reply_text(texts.enrolment.date_problem(problem, first))
        await ask(update, context, LAST, conversation.answers)
        return
    candidates = infer_last_dose(first, day)
    if len(candidates) == 1:
        await advance(update, context, conversation, TIME, last=day.isoformat(), dose=candidates[0])
    else:
        await advance(
            update, context, conversation, WHICH, last=day.isoformat(), candidates=list(candidates)
        )


async def answer_which(
    update: Update, context: ContextTypes.DEFAULT_TYPE, conversation: Conversation, text: str
) -> None:
    candidates = tuple(conversation.answers["candidates"])
    number = parse_number(text.strip().lower().removeprefix("dose").strip())
    if number is None or number not in candidates:
        await update.effective_message.reply_text(
            texts.enrolment.which_dose_unclear(list(candidates))
        )
        return
    await advance(update, context, conversation, TIME, dose=number)


async def answer_time(
    update: Update, context: ContextTypes.DEFAULT_TYPE, conversation: Conversation, text: str
) -> None:
    at = parse.parse_clock(text)
    if at is None:
        await update.effective_message.reply_text(texts.enrolment.time_unreadable(text))
        return
    await finish(update, context, conversation, at)


async def advance(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    conversation: Conversation,
    step: str,
    **new_answers: Any,
) -> None:
    app = services.of(context)
    answers = {**conversation.answers, **new_answers}
    with transaction(app.engine) as session:
        conversations.save(session, conversation.user_id, FLOW, step, answers, app.clock.now())
    await ask(update, context, step, answers)


async def finish(
    update: Update, context: ContextTypes.DEFAULT_TYPE, conversation: Conversation, at: time
) -> None:
    """Every answer is in: store the patient and show the plan."""
    app = services.of(context)
    answers = conversation.answers
    last = answers.get("last")
    enrolment = patients.Enrolment(
        user_id=conversation.user_id,
        chat_id=update.effective_chat.id,
        first_name=(update.effective_user.first_name or "")[:64] or None,
        language=language.current(),
        time_zone=answers["zone"],
        reminder_time=at,
        first_injection=date.fromisoformat(answers["first"]),
        last_injection=date.fromisoformat(last) if last else None,
        last_dose_number=int(answers.get("dose", 0)),
    )
    now: datetime = app.clock.now()
    with transaction(app.engine) as session:
        patient = patients.enrol(session, enrolment, now)
        reminders.replan(session, patient, now)
        checklist_store.plan(session, patient, now)
        course = patients.course_of(session, patient)
    await update.effective_message.reply_text(
        texts.enrolment.enrolled(), reply_markup=ReplyKeyboardRemove()
    )
    await reply_schedule(update, patient, course, now)
    items = checklist(patient.first_injection, local_date(now, patient.time_zone))
    if items:
        await update.effective_message.reply_text(texts.care.checklist_overview(items))
