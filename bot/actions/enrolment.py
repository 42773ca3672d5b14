"""Sign-up's last step: the patient is stored with their first reminders and checklist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from bot.db import transaction
from bot.domain.reminders import Kind
from bot.domain.schedule import Course
from bot.models import Patient
from bot.store import checklist, outbox, patients, reminders


@dataclass(frozen=True)
class Enrolled:
    """The patient stored; `reminder_at`: when the next dose's reminder is due (None: none)."""

    patient: Patient
    course: Course
    reminder_at: datetime | None = None


def enrol(engine: Engine, now: datetime, enrolment: patients.Enrolment) -> Enrolled:
    """Store the patient (the sign-up conversation ends) and plan what they are sent."""
    with transaction(engine) as session:
        patient = patients.enrol(session, enrolment, now)
        dose = reminders.replan(session, patient, now)
        checklist.plan(session, patient, now)
        course = patients.course_of(session, patient)
        reminder_at = next(
            (
                row.due_at
                for row in outbox.pending(session, patient.user_id)
                if row.kind == Kind.DOSE and row.dose_number == dose.number
            ),
            None,
        )
    return Enrolled(patient, course, reminder_at)
