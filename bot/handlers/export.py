"""/export: the patient's records as two files, a CSV (doses, diary, pens at home) and an .ics
calendar of the upcoming doses and appointments."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.ext import ContextTypes

from bot import services, texts
from bot.actions.status import status_of
from bot.db import transaction
from bot.domain.adherence import Status
from bot.domain.appointments import AppointmentKind
from bot.domain.export import (
    CalendarAppointment,
    calendar_ics,
    calendar_reference,
    records_csv,
)
from bot.domain.schedule import build_plan
from bot.domain.timing import local_date
from bot.handlers.access import message_of, user_of
from bot.store import appointments, diary, patients
from bot.store import pen_stock as stocks

UPCOMING = 12
NOTES = 1000


async def export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    app = services.of(context)
    now = app.clock.now()
    with transaction(app.engine) as session:
        patient = patients.get(session, user_of(update).id)
        course = patients.course_of(session, patient) if patient else None
        notes = diary.latest(session, patient.user_id, NOTES) if patient else []
        stock = stocks.get(session, patient.user_id) if patient else None
        booked = appointments.upcoming(session, patient, now) if patient else []
    if patient is None or course is None:
        await message_of(update).reply_text(texts.common.not_enrolled())
        return
    plan = build_plan(course, local_date(now, patient.time_zone), upcoming=UPCOMING)
    statuses = [(dose, status_of(dose, patient, now)) for dose in plan]
    records = records_csv(
        statuses,
        [(note.noted_on, note.text) for note in reversed(notes)],
        stock.count if stock is not None else None,
    )
    coming = [dose for dose, status in statuses if status in (Status.UPCOMING, Status.DUE_TODAY)]
    ics = calendar_ics(
        coming,
        reminder_time=patient.reminder_time,
        zone=patient.time_zone,
        now=now,
        uid_prefix=calendar_reference(patient.user_id, app.settings.token),
        title=lambda number: texts.care.calendar_title(patient.discreet, number),
        description=texts.care.calendar_description(),
        appointments=[
            CalendarAppointment(
                id=found.id or 0,
                day=found.day,
                at=found.at,
                title=texts.appointments.calendar_title(
                    AppointmentKind(found.kind), found.note, patient.discreet
                ),
            )
            for found in booked
        ],
    )
    message = message_of(update)
    await message.reply_document(
        InputFile(records.encode(), filename="kesimpta-records.csv"),
        caption=texts.care.export_csv(),
    )
    await message.reply_document(
        InputFile(ics, filename="kesimpta-doses.ics"), caption=texts.care.export_ics()
    )
