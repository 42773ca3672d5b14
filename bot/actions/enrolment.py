"""Sign-up's last step: the patient is stored with their first reminders and checklist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine

from bot.db import transaction
from bot.domain.reminders import Kind
from bot.domain.schedule import Course
from bot.domain.timing import local_date
from bot.models import Patient
from bot.store import checklist, outbox, patients, reminders


@dataclass(frozen=True)
class Late:
    """The next dose was already due on an earlier day at sign-up: the plan says so."""

    number: int
    planned: date
    days: int
    reminder_at: datetime  # when its first reminder goes out


@dataclass(frozen=True)
class Enrolled:
    patient: Patient
    course: Course
    late: Late | None = None


def enrol(engine: Engine, now: datetime, enrolment: patients.Enrolment) -> Enrolled:
    """Store the patient (the sign-up conversation ends) and plan what they are sent."""
    with transaction(engine) as session:
        patient = patients.enrol(session, enrolment, now)
        dose = reminders.replan(session, patient, now)
        checklist.plan(session, patient, now)
        course = patients.course_of(session, patient)
        today = local_date(now, patient.time_zone)
        reminder_at = next(
            (
                row.due_at
                for row in outbox.pending(session, patient.user_id)
                if row.kind == Kind.DOSE and row.dose_number == dose.number
            ),
            None,
        )
        late = None
        if dose.planned < today and reminder_at is not None:
            late = Late(dose.number, dose.planned, (today - dose.planned).days, reminder_at)
    return Enrolled(patient, course, late)
