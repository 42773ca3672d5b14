"""Guided enrolment on /start: consent, time zone, first injection, most recent injection (for
people already on treatment), reminder time. Answers live in the `conversations` table until the
last one, so an unfinished enrolment survives a restart; only then is the patient stored."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import ContextTypes

from bot import dates, services, texts
from bot.actions.enrolment import enrol
from bot.db import transaction
from bot.domain import answers as parse
from bot.domain.answers import Ambiguous, ClockProblem, Direction, TimeChoice, Vague
from bot.domain.checklist import checklist
from bot.domain.conversations import EnrolmentAnswers, Exchange, FlowName, known
from bot.domain.conversations import EnrolmentStep as Step
from bot.domain.numbers import parse_number
from bot.domain.schedule import FIRST_APPROVAL, add_months, infer_last_dose, last_planned
from bot.domain.timing import find_zone, local_date
from bot.handlers import caregivers
from bot.handlers.access import chat_of, message_of, query_of, user_of
from bot.handlers.long_text import reply_in_parts
from bot.handlers.schedule import next_dose_text, schedule_lines
from bot.handlers.zones import Taken, zone_typed
from bot.keyboards import datepicker
from bot.keyboards.checklist import checklist_keyboard
from bot.keyboards.datepicker import ShowMonth
from bot.keyboards.enrolment import (
    EnrolAction,
    EnrolTap,
    WhichDoseTap,
    consent_keyboard,
    date_choice_keyboard,
    time_keyboard,
    which_dose_keyboard,
    with_plan_from_first,
    zone_keyboard,
)
from bot.keyboards.zones import ZoneFlow, ZoneTap
from bot.models import Conversation
from bot.store import conversations, languages, patients
from bot.texts import language
from bot.zone_lookup import zone_at

Signing = Exchange[Step, EnrolmentAnswers]
"""A sign-up in progress."""


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """New user: consent first. Enrolled: a short status. Half-way: the pending question again."""
    app = services.of(context)
    user = user_of(update)
    with transaction(app.engine) as session:
        patient = patients.get(session, user.id)
        conversation = conversations.get(session, user.id)
        course = patients.course_of(session, patient) if patient else None
    signing = _read(conversation)
    if context.args:
        await caregivers.open_invite(update, context, context.args[0])
        return
    if patient is not None and course is not None:
        summary = next_dose_text(patient, course, app.clock.now())
        await message_of(update).reply_text(texts.schedule.status_summary(summary))
        return
    if signing is not None:
        await message_of(update).reply_text(texts.enrolment.enrolment_resumed())
        await ask(update, context, signing.step, signing.answers)
        return
    if conversation is None and await caregivers.caregiver_welcome(update, context):
        return
    await message_of(update).reply_text(
        texts.enrolment.consent(services.of(context).settings.support_shows_first_name),
        reply_markup=consent_keyboard(),
    )


async def on_consent_text(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """Text from someone not enrolled and not signing up: a typed yes/no to the consent
    question, or else the question (again)."""
    decision = parse.parse_consent(text)
    if decision is None:
        await message_of(update).reply_text(
            texts.enrolment.consent(services.of(context).settings.support_shows_first_name),
            reply_markup=consent_keyboard(),
        )
        return
    await decide_consent(update, context, decision)


async def decide_consent(update: Update, context: ContextTypes.DEFAULT_TYPE, agree: bool) -> None:
    if not agree:
        await message_of(update).reply_text(texts.enrolment.consent_declined())
        return
    app = services.of(context)
    user = user_of(update)
    with transaction(app.engine) as session:
        enrolled = patients.get(session, user.id) is not None
        existing = _read(conversations.get(session, user.id))
        if existing is not None:
            step, answers = existing.step, existing.answers
        elif not enrolled:
            step, answers = Step.ZONE, EnrolmentAnswers()
            conversations.save(session, user.id, FlowName.ENROLMENT, step, answers, app.clock.now())
            languages.remember(session, user.id, language.current(), app.clock.now())
    if enrolled:
        await message_of(update).reply_text(texts.common.button_expired())
        return
    await ask(update, context, step, answers)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Consent and which-dose buttons. Anything stale or forged changes nothing."""
    query = query_of(update)
    tap = EnrolTap.parse(query.data)
    if tap is not None and tap.action is EnrolAction.PLAN_FROM_FIRST:
        await plan_from_first(update, context)
        return
    if tap is not None and tap.action is EnrolAction.SIGNUP:
        await query.answer()
        await chat_of(update).send_message(
            texts.enrolment.consent(services.of(context).settings.support_shows_first_name),
            reply_markup=consent_keyboard(),
        )
        return
    if tap is not None:
        await query.answer()
        await query.edit_message_reply_markup(None)
        await decide_consent(update, context, tap.action is EnrolAction.AGREE)
        return
    which = WhichDoseTap.parse(query.data)
    conversation = current(context, user_of(update).id)
    if which is not None and conversation is not None and conversation.step == Step.WHICH:
        await query.answer()
        await answer_which(update, context, conversation, which.answer)
        return
    await query.answer(texts.common.button_expired())


async def on_calendar(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The date picker: browse months, or pick a day as if it had been typed."""
    query = query_of(update)
    conversation = current(context, user_of(update).id)
    parsed = datepicker.parse(query.data)
    if conversation is None or conversation.step not in (Step.FIRST, Step.LAST) or parsed is None:
        await query.answer(texts.common.button_expired() if parsed is not None else None)
        return
    lowest, highest = date_bounds(context, conversation)
    if isinstance(parsed, ShowMonth) and not datepicker.offers(parsed.month, lowest, highest):
        await query.answer(texts.common.button_expired())
        return
    if isinstance(parsed, ShowMonth):
        await query.answer()
        await query.edit_message_reply_markup(datepicker.keyboard(parsed.month, lowest, highest))
        return
    day = parsed.day
    await query.answer(texts.enrolment.picked(day))
    await query.edit_message_reply_markup(None)
    await answer(update, context, conversation, day.isoformat())


def current(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> Signing | None:
    with transaction(services.of(context).engine) as session:
        conversation = conversations.get(session, user_id)
    return _read(conversation)


def _read(conversation: Conversation | None) -> Signing | None:
    """The user's sign-up, if that is their conversation and it still reads; one that does not
    is as good as none, and agreeing to the consent question starts it afresh."""
    return conversations.read(conversation, FlowName.ENROLMENT, Step, EnrolmentAnswers)


def today_for(context: ContextTypes.DEFAULT_TYPE, answers: EnrolmentAnswers) -> date:
    return local_date(services.of(context).clock.now(), known(answers.zone))


def date_bounds(context: ContextTypes.DEFAULT_TYPE, conversation: Signing) -> tuple[date, date]:
    today = today_for(context, conversation.answers)
    if conversation.step == Step.FIRST:
        return FIRST_APPROVAL, add_months(today, 12)
    return known(conversation.answers.first), today


async def ask(
    update: Update, context: ContextTypes.DEFAULT_TYPE, step: Step, answers: EnrolmentAnswers
) -> None:
    message = message_of(update)
    if step == Step.ZONE:
        await message.reply_text(texts.enrolment.ask_time_zone(), reply_markup=zone_keyboard())
    elif step in (Step.FIRST, Step.LAST):
        today = today_for(context, answers)
        if step == Step.FIRST:
            text, lowest, highest = (
                texts.enrolment.ask_first_injection(today),
                FIRST_APPROVAL,
                add_months(today, 12),
            )
        else:
            first = known(answers.first)
            text, lowest, highest = texts.enrolment.ask_last_injection(first, today), first, today
        await message.reply_text(text, reply_markup=datepicker.keyboard(today, lowest, highest))
    elif step == Step.WHICH:
        candidates = answers.candidates
        last = known(answers.last)
        await message.reply_text(
            texts.enrolment.ask_which_dose(last, candidates),
            reply_markup=which_dose_keyboard(candidates),
        )
    elif step == Step.TIME:
        await message.reply_text(texts.enrolment.ask_reminder_time(), reply_markup=time_keyboard())


async def answer(
    update: Update, context: ContextTypes.DEFAULT_TYPE, conversation: Signing, text: str
) -> None:
    """A typed answer (or a picked date) to the pending question."""
    handlers = {
        Step.ZONE: answer_zone,
        Step.FIRST: answer_first,
        Step.LAST: answer_last,
        Step.TIME: answer_time,
    }
    if conversation.step == Step.WHICH:
        await answer_which(update, context, conversation, text)
        return
    await handlers[conversation.step](update, context, conversation, text)


async def answer_location(
    update: Update, context: ContextTypes.DEFAULT_TYPE, conversation: Signing
) -> None:
    location = message_of(update).location
    if location is None or conversation.step != Step.ZONE:
        await ask(update, context, conversation.step, conversation.answers)
        return
    zone = zone_at(location.latitude, location.longitude)
    if zone is None or find_zone(zone) is None:
        await message_of(update).reply_text(texts.enrolment.location_without_zone())
        return
    await accept_zone(update, context, conversation, zone)


async def answer_zone(
    update: Update, context: ContextTypes.DEFAULT_TYPE, conversation: Signing, text: str
) -> None:
    taken = await zone_typed(update, context, ZoneFlow.SIGN_UP, text)
    if taken is not None:
        await accept_zone(update, context, conversation, taken.zone, taken.note)


async def on_zone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A zone picked from those offered for what was typed; once the step has moved on (or
    for forged data) the button has expired."""
    query = query_of(update)
    tap = ZoneTap.parse(query.data)
    conversation = current(context, user_of(update).id)
    if tap is None or conversation is None or conversation.step != Step.ZONE:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    await accept_zone(update, context, conversation, tap.zone)


async def accept_zone(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    conversation: Signing,
    zone: str,
    note: str = "",
) -> None:
    local_now = services.of(context).clock.now().astimezone(ZoneInfo(zone))
    confirmation = Taken(zone, note).confirming(texts.enrolment.zone_confirmed(zone, local_now))
    await message_of(update).reply_text(confirmation, reply_markup=ReplyKeyboardRemove())
    await advance(
        update, context, conversation, Step.FIRST, replace(conversation.answers, zone=zone)
    )


async def answer_first(
    update: Update, context: ContextTypes.DEFAULT_TYPE, conversation: Signing, text: str
) -> None:
    today = today_for(context, conversation.answers)
    day = await read_date(update, context, conversation, text, ("today", "tomorrow", "yesterday"))
    if day is None:
        return
    problem = parse.check_first_injection(day, today)
    if problem is not None:
        await message_of(update).reply_text(texts.enrolment.date_problem(problem))
        await ask(update, context, Step.FIRST, conversation.answers)
        return
    next_step = Step.LAST if day < today else Step.TIME
    await advance(
        update, context, conversation, next_step, replace(conversation.answers, first=day)
    )


async def answer_last(
    update: Update, context: ContextTypes.DEFAULT_TYPE, conversation: Signing, text: str
) -> None:
    today = today_for(context, conversation.answers)
    first = known(conversation.answers.first)
    day = await read_date(update, context, conversation, text, ("today", "yesterday"))
    if day is None:
        return
    problem = parse.check_last_injection(day, first, today)
    if problem is not None:
        await message_of(update).reply_text(texts.enrolment.date_problem(problem, first))
        await ask(update, context, Step.LAST, conversation.answers)
        return
    candidates = infer_last_dose(first, day)
    if len(candidates) == 1:
        found = replace(conversation.answers, last=day, dose=candidates[0])
        await advance(update, context, conversation, Step.TIME, found)
    else:
        undecided = replace(conversation.answers, last=day, candidates=tuple(candidates))
        await advance(update, context, conversation, Step.WHICH, undecided)


async def answer_which(
    update: Update, context: ContextTypes.DEFAULT_TYPE, conversation: Signing, text: str
) -> None:
    candidates = conversation.answers.candidates
    number = parse_number(text.strip().lower().removeprefix("dose").strip())
    if number is None or number not in candidates:
        await message_of(update).reply_text(texts.enrolment.which_dose_unclear(list(candidates)))
        return
    await advance(
        update, context, conversation, Step.TIME, replace(conversation.answers, dose=number)
    )


async def answer_time(
    update: Update, context: ContextTypes.DEFAULT_TYPE, conversation: Signing, text: str
) -> None:
    at = await read_time(update, text)
    if at is not None:
        await finish(update, context, conversation, at)


async def read_time(update: Update, text: str) -> time | None:
    """A typed reminder time; for anything else the answer is sent here (the reason it is
    refused, or the times to choose from for "morning") and the result is None."""
    reading = parse.read_clock(text)
    if isinstance(reading, TimeChoice):
        await message_of(update).reply_text(
            texts.enrolment.pick_time(text), reply_markup=time_keyboard(reading.options)
        )
        return None
    if isinstance(reading, ClockProblem):
        await message_of(update).reply_text(texts.enrolment.time_unreadable(text, reading))
        return None
    return reading


async def read_date(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    conversation: Signing,
    text: str,
    keywords: tuple[str, ...],
) -> date | None:
    """A typed first or most recent injection date. Anything that is not one date gets its
    answer here and None: two readings to tap, the calendar (and, for the most recent
    injection, a plan from the first) for "not sure", or what to type."""
    today = today_for(context, conversation.answers)
    lowest, highest = date_bounds(context, conversation)
    last = conversation.step == Step.LAST
    reading = dates.read_day(
        text,
        today,
        keywords=frozenset(keywords),
        language=language.current(),
        direction=Direction.PAST if last else Direction.NEAR,
    )
    message = message_of(update)
    if isinstance(reading, Ambiguous):
        inside = [day for day in reading.options if lowest <= day <= highest]
        if len(inside) == 1:
            return inside[0]
        await message.reply_text(
            texts.enrolment.which_date(text), reply_markup=date_choice_keyboard(reading.options)
        )
        return None
    if isinstance(reading, Vague):
        month = min(max(reading.month or today, lowest), highest)
        calendar = datepicker.keyboard(month, lowest, highest)
        if last:
            await message.reply_text(
                texts.enrolment.vague_last_date(reading.month),
                reply_markup=with_plan_from_first(calendar),
            )
        else:
            await message.reply_text(
                texts.enrolment.vague_date(reading.month), reply_markup=calendar
            )
        return None
    if reading is None:
        await message.reply_text(texts.enrolment.date_unreadable(text, today, keywords))
    return reading


async def plan_from_first(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """'Plan from my first injection', tapped at the most recent injection's question: the
    last dose planned up to today, as if every dose came on time, with a note to check."""
    query = query_of(update)
    conversation = current(context, user_of(update).id)
    if conversation is None or conversation.step != Step.LAST:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    today = today_for(context, conversation.answers)
    number, day = last_planned(known(conversation.answers.first), today)
    await message_of(update).reply_text(texts.enrolment.planned_from_first(number, day))
    await answer_last(update, context, conversation, day.isoformat())


async def advance(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    conversation: Signing,
    step: Step,
    answers: EnrolmentAnswers,
) -> None:
    app = services.of(context)
    with transaction(app.engine) as session:
        conversations.save(
            session, conversation.user_id, FlowName.ENROLMENT, step, answers, app.clock.now()
        )
    await ask(update, context, step, answers)


async def finish(
    update: Update, context: ContextTypes.DEFAULT_TYPE, conversation: Signing, at: time
) -> None:
    """Every answer is in: store the patient and show the plan."""
    app = services.of(context)
    answers = conversation.answers
    enrolment = patients.Enrolment(
        user_id=conversation.user_id,
        chat_id=chat_of(update).id,
        first_name=(user_of(update).first_name or "")[:64] or None,
        language=language.current(),
        time_zone=known(answers.zone),
        reminder_time=at,
        first_injection=known(answers.first),
        last_injection=answers.last,
        last_dose_number=answers.dose or 0,
    )
    now: datetime = app.clock.now()
    enrolled = enrol(app.engine, now, enrolment)
    patient, course = enrolled.patient, enrolled.course
    await message_of(update).reply_text(
        texts.enrolment.enrolled(), reply_markup=ReplyKeyboardRemove()
    )
    lines = schedule_lines(patient, course, now)
    late = enrolled.late
    if late is not None:
        zone = ZoneInfo(patient.time_zone)
        remind_at, local_now = late.reminder_at.astimezone(zone), now.astimezone(zone)
        note = texts.reminders.overdue_at_sign_up(
            late.number, late.planned, late.days, remind_at, local_now
        )
        lines.append("\n" + note)
    await reply_in_parts(message_of(update), "\n".join(lines))
    items = checklist(patient.first_injection, local_date(now, patient.time_zone))
    if items:
        await message_of(update).reply_text(
            texts.care.checklist_overview(items), reply_markup=checklist_keyboard(items)
        )
