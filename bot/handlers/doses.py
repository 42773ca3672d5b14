"""Confirming doses: the ✅ on a reminder, a reply "done", /taken; then who injected and where,
corrections, undo, snooze, and the "not yet / a problem" path. Every tap is checked against the
user who owns the dose and against the plan as it stands now."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from telegram import Update
from telegram.ext import ContextTypes

from bot import chart, dose_buttons, services, texts
from bot.db import transaction
from bot.domain import answers as parse
from bot.domain.adherence import Status, summarize
from bot.domain.reminders import Snooze, snooze_until
from bot.domain.schedule import (
    PlannedDose,
    ShortGap,
    build_plan,
    check_recorded_date,
    next_dose,
    short_gap,
)
from bot.domain.sites import Site, allowed_sites, suggest_next_site
from bot.domain.timing import local_date
from bot.handlers.long_text import reply_in_parts
from bot.handlers.schedule import status_of
from bot.models import DoseRecord, Patient
from bot.store import (
    caregivers,
    checkins,
    conversations,
    diary,
    doses,
    outbox,
    patients,
    reminders,
)
from bot.texts import chart as chart_text

CORRECT_FLOW = "correct"


class Refused(Exception):
    """A tap or command that must change nothing; the message says why."""


async def on_dose_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    tap = dose_buttons.parse(query.data or "")
    if tap is None:
        await query.answer(texts.common.button_expired())
        return
    if tap.patient_id != update.effective_user.id:
        await confirm_as_caregiver(update, context, tap)
        return
    handlers = {
        "ok": confirm_from_button,
        "1h": snooze,
        "3h": snooze,
        "tomorrow": snooze,
        "problem": problem,
        "pause": pause,
        "fix": ask_correction,
        "undo": undo,
    }
    await handlers[tap.action](update, context, tap)


async def confirm_from_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, tap: dose_buttons.DoseTap
) -> None:
    query = update.callback_query
    try:
        text, number, planned = record_today(
            context, tap.patient_id, tap.number, tap.planned, "button"
        )
    except Refused as refusal:
        await query.answer(str(refusal))
        return
    await query.answer("✅")
    await query.edit_message_text(
        text,
        reply_markup=dose_buttons.recorded_keyboard(tap.patient_id, number, planned),
    )
    await ask_who(update, tap.patient_id, number)


async def confirm_as_caregiver(
    update: Update, context: ContextTypes.DEFAULT_TYPE, tap: dose_buttons.DoseTap
) -> None:
    """✅ under a missed-dose alert, from a caregiver the patient allowed to confirm."""
    query = update.callback_query
    caregiver_id = update.effective_user.id
    with transaction(services.of(context).engine) as session:
        link = caregivers.approved_link(session, tap.patient_id, caregiver_id)
        patient = patients.get(session, tap.patient_id)
    if tap.action != "ok" or link is None or not link.may_confirm or patient is None:
        await query.answer(texts.common.button_expired())
        return
    try:
        text, _, _ = record_today(
            context, tap.patient_id, tap.number, tap.planned, "caregiver", by=caregiver_id
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
    message = update.effective_message
    if not parse.is_done(message.text or ""):
        return False
    user_id = update.effective_user.id
    app = services.of(context)
    number = planned = None
    if message.reply_to_message is not None:
        with transaction(app.engine) as session:
            row = outbox.by_message(session, message.chat_id, message.reply_to_message.message_id)
        tap = dose_buttons.tap_in(message.reply_to_message)
        if row is not None and row.patient_id == user_id and row.dose_number is not None:
            number, planned = row.dose_number, row.dose_planned
        elif row is None and tap is not None and tap.patient_id == user_id:
            number, planned = tap.number, tap.planned  # sent, its message id not yet recorded
        else:
            await message.reply_text(texts.reminders.not_a_reminder())
            return True
    try:
        text, recorded, day = record_today(
            context, user_id, number, planned, "reply", due_only=number is None
        )
    except Refused as refusal:
        await message.reply_text(str(refusal))
        return True
    await message.reply_text(
        text, reply_markup=dose_buttons.recorded_keyboard(user_id, recorded, day)
    )
    await ask_who(update, user_id, recorded)
    return True


def record_today(
    context: ContextTypes.DEFAULT_TYPE,
    user_id: int,
    number: int | None,
    planned: date | None,
    source: str,
    day: date | None = None,
    *,
    due_only: bool = False,
    by: int | None = None,
) -> tuple[str, int, date]:
    """Record the patient's current dose (which must be `number` as planned on `planned`, when
    given) as injected on `day` (default: their today) and re-plan, in one transaction.
    Returns the confirmation text, the dose number and the planned date of the next dose."""
    app = services.of(context)
    now = app.clock.now()
    try:
        with transaction(app.engine) as session:
            patient = patients.get(session, user_id)
            if patient is None:
                raise Refused(texts.common.not_enrolled())
            today = local_date(now, patient.time_zone)
            course = patients.course_of(session, patient)
            current = next_dose(course, today)
            if number is not None and (current.number, current.planned) != (number, planned):
                recorded = doses.get(session, user_id, number) is not None
                raise Refused(
                    texts.reminders.already_recorded()
                    if recorded
                    else texts.reminders.stale_dose_button()
                )
            if due_only and current.planned > today:
                raise Refused(texts.reminders.not_due_yet(current.number, current.planned))
            day = day or today
            problem = check_recorded_date(course, current.number, day, today)
            if problem is not None:
                raise Refused(texts.reminders.taken_problems()[problem.value])
            gap = short_gap(course, current.number, day)
            by = by or user_id
            doses.add(session, patient, current.number, day, now, by=by, source=source)
            following = reminders.replan(session, patient, now)
            caregivers.tell_recorded(session, patient, current, now, by=by)
            checkins.plan(session, patient, current.number, day, now)
    except IntegrityError as error:  # the same dose recorded at the same moment elsewhere
        raise Refused(texts.reminders.already_recorded()) from error
    text = texts.reminders.recorded(current.number, day, following.number, following.planned)
    if source != "caregiver":
        text += _notice(gap)
    return (
        text,
        current.number,
        following.planned,
    )


async def ask_who(update: Update, patient_id: int, number: int) -> None:
    await update.effective_chat.send_message(
        texts.reminders.ask_who(), reply_markup=dose_buttons.who_keyboard(patient_id, number)
    )


async def on_who(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    tap = dose_buttons.parse_site_tap(query.data or "")
    if tap is None or tap.site is not None or tap.patient_id != update.effective_user.id:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    sites = tuple(site.value for site in allowed_sites(tap.injector))
    await query.edit_message_text(
        texts.reminders.ask_site(),
        reply_markup=dose_buttons.site_keyboard(tap.patient_id, tap.number, tap.injector, sites),
    )


async def on_site(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    tap = dose_buttons.parse_site_tap(query.data or "")
    if tap is None or tap.site is None or tap.patient_id != update.effective_user.id:
        await query.answer(texts.common.button_expired())
        return
    app = services.of(context)
    with transaction(app.engine) as session:
        record = doses.get(session, tap.patient_id, tap.number)
        if record is not None:
            record.injector, record.site = tap.injector.value, tap.site.value
            session.add(record)
            session.flush()
            recent = [Site(value) for value in doses.recent_sites(session, tap.patient_id)]
    if record is None:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    suggestion = suggest_next_site(recent, tap.injector)
    await query.edit_message_text(texts.reminders.site_noted(tap.site.value, suggestion.value))


async def snooze(
    update: Update, context: ContextTypes.DEFAULT_TYPE, tap: dose_buttons.DoseTap
) -> None:
    query = update.callback_query
    app = services.of(context)
    now = app.clock.now()
    with transaction(app.engine) as session:
        patient, current = _current(session, tap, now)
        if patient is not None and current is not None:
            until = snooze_until(Snooze(tap.action), now, patient.time_zone)
            reminders.snooze(session, patient, current, until, now)
    if patient is None or current is None:
        await query.answer(texts.reminders.stale_dose_button())
        return
    await query.answer("⏰")
    local = until.astimezone(ZoneInfo(patient.time_zone))
    await update.effective_chat.send_message(texts.reminders.snoozed_until(local))


async def problem(
    update: Update, context: ContextTypes.DEFAULT_TYPE, tap: dose_buttons.DoseTap
) -> None:
    await update.callback_query.answer()
    await update.effective_chat.send_message(
        texts.reminders.problem_advice(tap.number),
        reply_markup=dose_buttons.problem_keyboard(tap.patient_id, tap.number, tap.planned),
    )


async def pause(
    update: Update, context: ContextTypes.DEFAULT_TYPE, tap: dose_buttons.DoseTap
) -> None:
    app = services.of(context)
    now = app.clock.now()
    with transaction(app.engine) as session:
        patient = patients.get(session, tap.patient_id)
        if patient is not None:
            reminders.change_reachability(session, patient, now, paused=True)
    await update.callback_query.answer()
    await update.effective_chat.send_message(
        texts.schedule.paused() if patient else texts.common.not_enrolled()
    )


async def ask_correction(
    update: Update, context: ContextTypes.DEFAULT_TYPE, tap: dose_buttons.DoseTap
) -> None:
    query = update.callback_query
    app = services.of(context)
    with transaction(app.engine) as session:
        record = doses.get(session, tap.patient_id, tap.number)
        if record is not None:
            conversations.save(
                session,
                tap.patient_id,
                CORRECT_FLOW,
                "day",
                {"number": tap.number},
                app.clock.now(),
            )
    if record is None:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    await update.effective_chat.send_message(
        texts.reminders.ask_correct_date(tap.number, record.taken_on),
        reply_markup=dose_buttons.correction_keyboard(tap.patient_id, tap.number),
    )


async def on_correction_day(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    tap = dose_buttons.parse_correction_tap(query.data or "")
    if tap is None or tap[0] != update.effective_user.id:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    await correct(update, context, tap[1], days_ago=tap[2])


async def answer_correction(
    update: Update, context: ContextTypes.DEFAULT_TYPE, number: int, text: str
) -> None:
    """A typed date for the dose being corrected (the conversation is in the database)."""
    if parse.is_cancel(text):
        with transaction(services.of(context).engine) as session:
            conversations.drop(session, update.effective_user.id)
        await update.effective_message.reply_text(texts.schedule.settings_cancelled())
        return
    await correct(update, context, number, typed=text)


async def correct(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    number: int,
    *,
    days_ago: int | None = None,
    typed: str | None = None,
) -> None:
    app = services.of(context)
    now = app.clock.now()
    user_id = update.effective_user.id
    reply = update.effective_chat.send_message
    with transaction(app.engine) as session:
        patient = patients.get(session, user_id)
        record = doses.get(session, user_id, number) if patient else None
        if patient is None or record is None or number <= patient.enrolled_after:
            conversations.drop(session, user_id)
            outcome = texts.common.button_expired()
        else:
            today = local_date(now, patient.time_zone)
            day = (
                today - timedelta(days=days_ago)
                if days_ago is not None
                else parse.parse_day(typed or "", today, keywords=frozenset({"today", "yesterday"}))
            )
            if day is None:
                outcome = texts.enrolment.date_unreadable(
                    typed or "", today, ("today", "yesterday")
                )
            else:
                outcome = _apply_correction(session, patient, record, day, today, now)
    await reply(outcome)


def _apply_correction(
    session: Session, patient: Patient, record: DoseRecord, day: date, today: date, now: datetime
) -> str:
    """The new date, if it fits between the neighbouring doses; the plan follows it."""
    number = record.number
    course = patients.course_of(session, patient)
    problem = check_recorded_date(course, number, day, today)
    if problem is not None:
        return texts.reminders.taken_problems()[problem.value]
    gap = short_gap(course, number, day)
    record.taken_on = day
    session.add(record)
    session.flush()
    conversations.drop(session, patient.user_id)
    following = reminders.replan(session, patient, now)
    return texts.reminders.recorded(number, day, following.number, following.planned) + _notice(gap)


def _notice(gap: ShortGap | None) -> str:
    """The patient's own confirmation says when a dose came sooner than the label's spacing;
    a caregiver's stays neutral."""
    if gap is None:
        return ""
    return "\n\n" + texts.reminders.earlier_than_plan(gap.earlier, gap.later, gap.minimum.days)


async def undo(
    update: Update, context: ContextTypes.DEFAULT_TYPE, tap: dose_buttons.DoseTap
) -> None:
    query = update.callback_query
    app = services.of(context)
    now = app.clock.now()
    with transaction(app.engine) as session:
        patient = patients.get(session, tap.patient_id)
        record = doses.get(session, tap.patient_id, tap.number) if patient else None
        allowed = (
            patient is not None
            and record is not None
            and tap.number > patient.enrolled_after
            and doses.latest_number(session, tap.patient_id) == tap.number
        )
        if allowed:
            doses.remove(session, tap.patient_id, tap.number)
            reminders.replan(session, patient, now)
    if not allowed:
        await query.answer(
            texts.reminders.cannot_undo() if record is not None else texts.common.button_expired()
        )
        return
    await query.answer("↩️")
    await query.edit_message_text(texts.reminders.undone(tap.number))


async def taken(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/taken [YYYY-MM-DD]: record the due dose without a reminder."""
    args = context.args or []
    day: date | None = None
    if args:
        app = services.of(context)
        with transaction(app.engine) as session:
            patient = patients.get(session, update.effective_user.id)
        if patient is None:
            await update.effective_message.reply_text(texts.common.not_enrolled())
            return
        today = local_date(app.clock.now(), patient.time_zone)
        day = parse.parse_day(" ".join(args), today, keywords=frozenset({"today", "yesterday"}))
        if day is None:
            await update.effective_message.reply_text(texts.reminders.taken_usage())
            return
    user_id = update.effective_user.id
    try:
        text, number, planned = record_today(context, user_id, None, None, "command", day)
    except Refused as refusal:
        await update.effective_message.reply_text(str(refusal))
        return
    await update.effective_message.reply_text(
        text, reply_markup=dose_buttons.recorded_keyboard(user_id, number, planned)
    )
    await ask_who(update, user_id, number)


async def history(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    app = services.of(context)
    now = app.clock.now()
    with transaction(app.engine) as session:
        patient = patients.get(session, update.effective_user.id)
        course = patients.course_of(session, patient) if patient else None
        notes = diary.latest(session, patient.user_id) if patient else []
    if patient is None or course is None:
        await update.effective_message.reply_text(texts.common.not_enrolled())
        return
    today = local_date(now, patient.time_zone)
    plan = build_plan(course, today, upcoming=1)
    lines, statuses, points = [texts.care.history_header()], [], []
    for dose in plan:
        status = status_of(dose, patient, now)
        if status in (Status.UPCOMING, Status.DUE_TODAY) or (
            dose.before_enrolment and dose.taken is None
        ):
            continue
        statuses.append(status)
        lines.append(texts.care.history_line(dose.number, dose.planned, dose.taken, status))
        if status in chart.PLOTTED:
            points.append(chart.DosePoint(dose.number, dose.planned, dose.taken, status))
    if statuses:
        counts = summarize(statuses)
        lines.append(
            texts.care.history_counts(counts.on_time, counts.early, counts.late, counts.missed)
        )
    else:
        lines = [texts.care.no_history()]
    if notes:
        lines += ["", texts.care.diary_header()]
        lines += [texts.care.diary_line(note.noted_on, note.text) for note in notes]
    await reply_in_parts(update.effective_message, "\n".join(lines))
    if points:
        png = await asyncio.to_thread(chart.adherence_png, points, chart_text.labels())
        await update.effective_message.reply_photo(png, caption=texts.chart.chart_caption())


def _current(
    session: Session, tap: dose_buttons.DoseTap, now: datetime
) -> tuple[Patient | None, PlannedDose | None]:
    """The tapping patient, and the dose the tap is about if it is still their current one."""
    patient = patients.get(session, tap.patient_id)
    if patient is None:
        return None, None
    current = next_dose(patients.course_of(session, patient), local_date(now, patient.time_zone))
    if (current.number, current.planned) != (tap.number, tap.planned):
        return patient, None
    return patient, current
