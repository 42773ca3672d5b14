"""/schedule and /next: the plan as the patient sees it, computed from the recorded facts."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import ContextTypes

from bot import services, texts
from bot.actions.status import status_of
from bot.db import transaction
from bot.domain.schedule import Course, build_plan, next_dose
from bot.domain.timing import local_date, local_instant
from bot.handlers.access import message_of, user_of
from bot.handlers.long_text import reply_in_parts
from bot.models import Patient
from bot.store import caregivers, patients


def schedule_lines(patient: Patient, course: Course, now: datetime) -> list[str]:
    """One line per dose; undocumented doses from before enrolment are folded into one line."""
    today = local_date(now, patient.time_zone)
    plan = build_plan(course, today, upcoming=12)
    lines = [
        texts.schedule.schedule_header(patient.time_zone, patient.reminder_time, patient.paused)
    ]
    hidden = 0
    for dose in plan:
        if dose.before_enrolment and dose.taken is None:
            hidden += 1
            continue
        if hidden:
            lines.append(texts.schedule.undocumented_doses(hidden))
            hidden = 0
        lines.append(texts.schedule.schedule_line(dose, status_of(dose, patient, now)))
    if any(dose.provisional for dose in plan):
        lines.append("\n" + texts.schedule.provisional_note())
    lines.append("\n" + texts.common.timing_is_our_reading())
    return lines


def next_dose_text(patient: Patient, course: Course, now: datetime) -> str:
    today = local_date(now, patient.time_zone)
    dose = next_dose(course, today)
    reminder_at = local_instant(dose.planned, patient.reminder_time, patient.time_zone)
    text = texts.schedule.next_dose(
        dose,
        status_of(dose, patient, now),
        reminder_at.astimezone(ZoneInfo(patient.time_zone)),
        reminder_at - now,
        patient.time_zone,
    )
    return text + ("\n" + texts.schedule.paused() if patient.paused else "")


async def reply_schedule(update: Update, patient: Patient, course: Course, now: datetime) -> None:
    await reply_in_parts(message_of(update), "\n".join(schedule_lines(patient, course, now)))


async def show_schedule(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    loaded = load_patient(update, context)
    if loaded is None:
        await message_of(update).reply_text(no_plan(update, context))
        return
    patient, course, now = loaded
    await reply_schedule(update, patient, course, now)


async def show_next(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    loaded = load_patient(update, context)
    if loaded is None:
        await message_of(update).reply_text(no_plan(update, context))
        return
    patient, course, now = loaded
    await message_of(update).reply_text(next_dose_text(patient, course, now))


def no_plan(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """Someone without a plan: a caregiver is told whose doses they can see and where; anyone
    else how to sign up."""
    with transaction(services.of(context).engine) as session:
        names = [
            patient.first_name for _, patient in caregivers.followed(session, user_of(update).id)
        ]
    if names:
        return texts.caregivers.no_plan_of_your_own(names)
    return texts.common.not_enrolled()


def load_patient(
    update: Update, context: ContextTypes.DEFAULT_TYPE
) -> tuple[Patient, Course, datetime] | None:
    app = services.of(context)
    with transaction(app.engine) as session:
        patient = patients.get(session, user_of(update).id)
        if patient is None:
            return None
        return patient, patients.course_of(session, patient), app.clock.now()
