"""/schedule and /next: the plan as the patient sees it, computed from the recorded facts."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot import services, texts
from bot.actions.plan import next_of, plan_rows
from bot.db import transaction
from bot.domain.schedule import Course
from bot.handlers.access import message_of, user_of
from bot.handlers.long_text import reply_in_parts
from bot.keyboards.webapp import page_keyboard
from bot.models import Patient
from bot.store import caregivers, patients


def schedule_lines(patient: Patient, course: Course, now: datetime) -> list[str]:
    """One line per dose; undocumented doses from before enrolment are folded into one line."""
    rows = plan_rows(patient, course, now)
    lines = [
        texts.schedule.schedule_header(patient.time_zone, patient.reminder_time, patient.paused)
    ]
    hidden = 0
    for row in rows:
        if row.status is None:
            hidden += 1
            continue
        if hidden:
            lines.append(texts.schedule.undocumented_doses(hidden))
            hidden = 0
        lines.append(texts.schedule.schedule_line(row.dose, row.status))
    if any(row.dose.provisional for row in rows):
        lines.append("\n" + texts.schedule.provisional_note())
    lines.append("\n" + texts.common.timing_is_our_reading())
    return lines


def next_dose_text(patient: Patient, course: Course, now: datetime) -> str:
    found = next_of(patient, course, now)
    text = texts.schedule.next_dose(
        found.dose, found.status, found.reminder_at, found.left, patient.time_zone
    )
    return text + ("\n" + texts.schedule.paused() if patient.paused else "")


async def reply_schedule(
    update: Update,
    patient: Patient,
    course: Course,
    now: datetime,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    text = "\n".join(schedule_lines(patient, course, now))
    await reply_in_parts(message_of(update), text, markup)


def page_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> InlineKeyboardMarkup | None:
    """The button that opens the patient's page, when there is one and this is a private
    chat (Telegram refuses web-app buttons in groups)."""
    url = services.of(context).settings.webapp_url
    chat = update.effective_chat
    if url is None or chat is None or chat.type != ChatType.PRIVATE:
        return None
    return page_keyboard(url)


async def show_schedule(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    loaded = load_patient(update, context)
    if loaded is None:
        await message_of(update).reply_text(no_plan(update, context))
        return
    patient, course, now = loaded
    await reply_schedule(update, patient, course, now, page_button(update, context))


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
