"""Confirming doses: the ✅ on a reminder, a reply "done", /taken; then who injected and where,
corrections, undo, snooze, and the "not yet / a problem" path. Every tap is checked against the
user who owns the dose and against the plan as it stands now."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import ContextTypes

from bot import chart, dates, services, texts
from bot.actions import doses as actions
from bot.actions import history as history_action
from bot.actions import settings
from bot.actions.doses import Refusal, UndoOutcome
from bot.db import transaction
from bot.domain import answers as parse
from bot.domain.answers import Ambiguous, DayReading, Direction
from bot.domain.conversations import CorrectionAnswers, CorrectionStep, Exchange, FlowName
from bot.domain.reminders import Snooze
from bot.domain.schedule import ShortGap
from bot.domain.sites import suggest_next_site
from bot.domain.timing import local_date
from bot.handlers.access import chat_of, message_of, query_of, user_of
from bot.handlers.long_text import reply_in_parts
from bot.handlers.schedule import page_button
from bot.keyboards.doses import (
    CorrectionTap,
    DoseAction,
    DoseTap,
    SiteTap,
    WhoTap,
    correction_keyboard,
    problem_keyboard,
    recorded_keyboard,
    site_keyboard,
    tap_in,
    who_keyboard,
)
from bot.services import Services
from bot.store import (
    caregivers,
    conversations,
    doses,
    outbox,
    patients,
)
from bot.texts import chart as chart_text
from bot.texts import language


class Refused(Exception):
    """A tap or command that must change nothing; the message says why."""


async def on_dose_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = query_of(update)
    tap = DoseTap.parse(query.data)
    if tap is None:
        await query.answer(texts.common.button_expired())
        return
    if tap.patient_id != user_of(update).id:
        await confirm_as_caregiver(update, context, tap)
        return
    handlers = {
        DoseAction.OK: confirm_from_button,
        DoseAction.ONE_HOUR: snooze,
        DoseAction.THREE_HOURS: snooze,
        DoseAction.TOMORROW: snooze,
        DoseAction.PROBLEM: problem,
        DoseAction.PAUSE: pause,
        DoseAction.FIX: ask_correction,
        DoseAction.UNDO: undo,
    }
    await handlers[tap.action](update, context, tap)


async def confirm_from_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, tap: DoseTap
) -> None:
    query = query_of(update)
    try:
        text, number, planned = record(
            services.of(context), tap.patient_id, tap.number, tap.planned, "button"
        )
    except Refused as refusal:
        await query.answer(str(refusal))
        return
    await query.answer("✅")
    await query.edit_message_text(
        text,
        reply_markup=recorded_keyboard(tap.patient_id, number, planned),
    )
    await ask_who(update, tap.patient_id, number)


async def confirm_as_caregiver(
    update: Update, context: ContextTypes.DEFAULT_TYPE, tap: DoseTap
) -> None:
    """✅ under a missed-dose alert, from a caregiver the patient allowed to confirm."""
    query = query_of(update)
    caregiver_id = user_of(update).id
    with transaction(services.of(context).engine) as session:
        link = caregivers.approved_link(session, tap.patient_id, caregiver_id)
        patient = patients.get(session, tap.patient_id)
    if tap.action is not DoseAction.OK or link is None or not link.may_confirm or patient is None:
        await query.answer(texts.common.button_expired())
        return
    try:
        text, _, _ = record(
            services.of(context),
            tap.patient_id,
            tap.number,
            tap.planned,
            "caregiver",
            by=caregiver_id,
        )
    except Refused as refusal:
        await query.answer(str(refusal))
        return
    await query.answer("✅")
    await query.edit_message_text(
        texts.caregivers.recorded_for(patient.first_name, text),
    )


async def on_done_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Records the dose when someone answers done, taken or injected to a reminder (or types it
    while a dose is due). Returns False if the text was not such an answer."""
    message = message_of(update)
    if not parse.is_done(message.text or ""):
        return False
    user_id = user_of(update).id
    app = services.of(context)
    number = planned = None
    if message.reply_to_message is not None:
        with transaction(app.engine) as session:
            row = outbox.by_message(session, message.chat_id, message.reply_to_message.message_id)
        tap = tap_in(message.reply_to_message)
        if row is not None and row.patient_id == user_id and row.dose_number is not None:
            number, planned = row.dose_number, row.dose_planned
        elif row is None and tap is not None and tap.patient_id == user_id:
            number, planned = tap.number, tap.planned  # sent, its message id not yet recorded
        else:
            await message.reply_text(texts.reminders.not_a_reminder())
            return True
    try:
        text, recorded, day = record(
            services.of(context), user_id, number, planned, "reply", due_only=number is None
        )
    except Refused as refusal:
        await message.reply_text(str(refusal))
        return True
    await message.reply_text(text, reply_markup=recorded_keyboard(user_id, recorded, day))
    await ask_who(update, user_id, recorded)
    return True


def record(
    app: Services,
    user_id: int,
    number: int | None,
    planned: date | None,
    source: str,
    day: date | None = None,
    *,
    due_only: bool = False,
    by: int | None = None,
) -> tuple[str, int, date]:
    """Record the patient's current dose (see `bot.actions.doses.record_dose`), from the chat
    or the patient's page. Returns the confirmation text, the dose number and the planned
    date of the next dose; raises Refused with the reason's text."""
    outcome = actions.record_dose(
        app.engine,
        app.clock.now(),
        user_id,
        number=number,
        planned=planned,
        source=source,
        day=day,
        due_only=due_only,
        by=by,
    )
    if isinstance(outcome, actions.Refused):
        raise Refused(_refusal_text(outcome))
    text = texts.reminders.recorded(
        outcome.number, outcome.day, outcome.following.number, outcome.following.planned
    )
    if source != "caregiver":
        text += _notice(outcome.gap)
    return text, outcome.number, outcome.following.planned


def _refusal_text(refused: actions.Refused) -> str:
    if refused.reason is Refusal.NOT_DUE and refused.dose is not None:
        return texts.reminders.not_due_yet(refused.dose.number, refused.dose.planned)
    if refused.reason is Refusal.DATE_PROBLEM and refused.problem is not None:
        return texts.reminders.taken_problems()[refused.problem.value]
    if refused.reason is Refusal.NOT_ENROLLED:
        return texts.common.not_enrolled()
    if refused.reason is Refusal.ALREADY_RECORDED:
        return texts.reminders.already_recorded()
    if refused.reason is Refusal.SAME_DAY and refused.recorded is not None:
        return texts.reminders.already_recorded_on(*refused.recorded)
    if refused.reason is Refusal.STALE:
        return texts.reminders.stale_dose_button()
    return texts.common.button_expired()


async def ask_who(update: Update, patient_id: int, number: int) -> None:
    await chat_of(update).send_message(
        texts.reminders.ask_who(), reply_markup=who_keyboard(patient_id, number)
    )


async def on_who(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = query_of(update)
    tap = WhoTap.parse(query.data)
    if tap is None or tap.patient_id != user_of(update).id:
        await query.answer(texts.common.button_expired())
        return
    with transaction(services.of(context).engine) as session:
        recorded = doses.get(session, tap.patient_id, tap.number) is not None
    if not recorded:
        await no_longer_recorded(update, tap.number)
        return
    await query.answer()
    await query.edit_message_text(
        texts.reminders.ask_site(),
        reply_markup=site_keyboard(tap.patient_id, tap.number, tap.injector),
    )


async def no_longer_recorded(update: Update, number: int) -> None:
    """A "who" or "where" tap about a dose undone meanwhile: said, nothing noted, and the old
    buttons go."""
    text = texts.reminders.not_recorded_any_more(number)
    await query_of(update).answer(text)
    await query_of(update).edit_message_text(text)


async def on_site(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = query_of(update)
    tap = SiteTap.parse(query.data)
    if tap is None or tap.patient_id != user_of(update).id:
        await query.answer(texts.common.button_expired())
        return
    engine = services.of(context).engine
    recent = actions.note_site(engine, tap.patient_id, tap.number, tap.injector, tap.site)
    if recent is None:
        await no_longer_recorded(update, tap.number)
        return
    await query.answer()
    suggestion = suggest_next_site(recent, tap.injector)
    await query.edit_message_text(texts.reminders.site_noted(tap.site.value, suggestion.value))


async def snooze(update: Update, context: ContextTypes.DEFAULT_TYPE, tap: DoseTap) -> None:
    query = query_of(update)
    app = services.of(context)
    snoozed = actions.snooze(
        app.engine, app.clock.now(), tap.patient_id, tap.number, tap.planned, Snooze(tap.action)
    )
    if snoozed is None:
        await query.answer(texts.reminders.stale_dose_button())
        return
    await query.answer("⏰")
    local = snoozed.until.astimezone(ZoneInfo(snoozed.time_zone))
    today = local_date(app.clock.now(), snoozed.time_zone)
    await chat_of(update).send_message(texts.reminders.snoozed_until(local, today))


async def problem(update: Update, context: ContextTypes.DEFAULT_TYPE, tap: DoseTap) -> None:
    await query_of(update).answer()
    await chat_of(update).send_message(
        texts.reminders.problem_advice(tap.number),
        reply_markup=problem_keyboard(tap.patient_id, tap.number, tap.planned),
    )


async def pause(update: Update, context: ContextTypes.DEFAULT_TYPE, tap: DoseTap) -> None:
    app = services.of(context)
    patient = settings.pause(app.engine, app.clock.now(), tap.patient_id)
    await query_of(update).answer()
    await chat_of(update).send_message(
        texts.schedule.paused() if patient else texts.common.not_enrolled()
    )


async def ask_correction(update: Update, context: ContextTypes.DEFAULT_TYPE, tap: DoseTap) -> None:
    query = query_of(update)
    app = services.of(context)
    with transaction(app.engine) as session:
        record = doses.get(session, tap.patient_id, tap.number)
        if record is not None:
            conversations.save(
                session,
                tap.patient_id,
                FlowName.CORRECTION,
                CorrectionStep.DAY,
                CorrectionAnswers(number=tap.number),
                app.clock.now(),
            )
    if record is None:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    await chat_of(update).send_message(
        texts.reminders.ask_correct_date(tap.number, record.taken_on),
        reply_markup=correction_keyboard(tap.patient_id, tap.number),
    )


async def on_correction_day(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = query_of(update)
    tap = CorrectionTap.parse(query.data)
    if tap is None or tap.patient_id != user_of(update).id:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    await correct(update, context, tap.number, days_ago=tap.days_ago)


async def answer_correction(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    conversation: Exchange[CorrectionStep, CorrectionAnswers],
    text: str,
) -> None:
    """A typed date for the dose being corrected (the conversation is in the database)."""
    if parse.is_cancel(text):
        with transaction(services.of(context).engine) as session:
            conversations.drop(session, user_of(update).id)
        await message_of(update).reply_text(texts.schedule.settings_cancelled())
        return
    await correct(update, context, conversation.answers.number, typed=text)


async def correct(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    number: int,
    *,
    days_ago: int | None = None,
    typed: str | None = None,
) -> None:
    app = services.of(context)
    readings: list[DayReading | None] = []

    def choose_day(today: date) -> date | None:
        if days_ago is not None:
            return today - timedelta(days=days_ago)
        readings.append(read_past_day(typed or "", today))
        return readings[-1] if isinstance(readings[-1], date) else None

    outcome = actions.correct_dose(
        app.engine, app.clock.now(), user_of(update).id, number, choose_day
    )
    if isinstance(outcome, actions.Recorded):
        following = outcome.following
        text = texts.reminders.recorded(number, outcome.day, following.number, following.planned)
        reply = text + _notice(outcome.gap)
    elif outcome.reason is Refusal.UNREADABLE and readings and isinstance(readings[-1], Ambiguous):
        reply = texts.reminders.which_date_typed(typed or "", readings[-1].options, None)
    elif outcome.reason is Refusal.UNREADABLE and readings and readings[-1] is not None:
        reply = texts.reminders.vague_dose_date()
    elif outcome.reason is Refusal.UNREADABLE and outcome.today is not None:
        reply = texts.enrolment.date_unreadable(typed or "", outcome.today, ("today", "yesterday"))
    else:
        reply = _refusal_text(outcome)
    await chat_of(update).send_message(reply)


def _notice(gap: ShortGap | None) -> str:
    """The patient's own confirmation says when a dose came sooner than the label's spacing;
    a caregiver's stays neutral."""
    if gap is None:
        return ""
    return "\n\n" + texts.reminders.earlier_than_plan(gap.earlier, gap.later, gap.minimum.days)


async def undo(update: Update, context: ContextTypes.DEFAULT_TYPE, tap: DoseTap) -> None:
    query = query_of(update)
    app = services.of(context)
    outcome = actions.undo_dose(app.engine, app.clock.now(), tap.patient_id, tap.number)
    if outcome is not UndoOutcome.UNDONE:
        await query.answer(undo_text(outcome, tap.number))
        return
    await query.answer("↩️")
    await query.edit_message_text(undo_text(outcome, tap.number))


def undo_text(outcome: UndoOutcome, number: int) -> str:
    """What the chat's undo button (and the page's) answers."""
    if outcome is UndoOutcome.UNDONE:
        return texts.reminders.undone(number)
    if outcome is UndoOutcome.NOT_LATEST:
        return texts.reminders.cannot_undo()
    return texts.common.button_expired()


async def taken(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/taken [YYYY-MM-DD]: record the due dose without a reminder."""
    args = context.args or []
    day: date | None = None
    if args:
        app = services.of(context)
        with transaction(app.engine) as session:
            patient = patients.get(session, user_of(update).id)
        if patient is None:
            await message_of(update).reply_text(texts.common.not_enrolled())
            return
        today = local_date(app.clock.now(), patient.time_zone)
        typed = " ".join(args)
        reading = read_past_day(typed, today)
        if isinstance(reading, Ambiguous):
            await message_of(update).reply_text(
                texts.reminders.which_date_typed(typed, reading.options, "/taken")
            )
            return
        if not isinstance(reading, date):
            await message_of(update).reply_text(texts.reminders.taken_usage(today))
            return
        day = reading
    user_id = user_of(update).id
    try:
        text, number, planned = record(services.of(context), user_id, None, None, "command", day)
    except Refused as refusal:
        await message_of(update).reply_text(str(refusal))
        return
    await message_of(update).reply_text(
        text, reply_markup=recorded_keyboard(user_id, number, planned)
    )
    await ask_who(update, user_id, number)


def read_past_day(text: str, today: date) -> DayReading | None:
    """A typed day a dose was injected (/taken, a correction): read towards the past."""
    return dates.read_day(
        text,
        today,
        keywords=frozenset({"today", "yesterday"}),
        language=language.current(),
        direction=Direction.PAST,
    )


async def history(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    app = services.of(context)
    found = history_action.history(app.engine, app.clock.now(), user_of(update).id)
    if found is None:
        await message_of(update).reply_text(texts.common.not_enrolled())
        return
    lines = [texts.care.history_header()]
    lines += [
        texts.care.history_line(line.number, line.planned, line.taken, line.status)
        for line in found.lines
    ]
    if found.counts is not None:
        counts = found.counts
        lines.append(
            texts.care.history_counts(counts.on_time, counts.early, counts.late, counts.missed)
        )
    else:
        lines = [texts.care.no_history()]
    if found.notes:
        lines += ["", texts.care.diary_header()]
        lines += [texts.care.diary_line(note.noted_on, note.text) for note in found.notes]
    await reply_in_parts(message_of(update), "\n".join(lines), page_button(update, context))
    if found.points:
        png = await asyncio.to_thread(chart.adherence_png, found.points, chart_text.labels())
        await message_of(update).reply_photo(png, caption=texts.chart.chart_caption())
