"""Sign-up's last step: the patient is stored with their first reminders and checklist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from bot.db import transaction
from bot.domain.schedule import Course
from bot.models import Patient
from bot.store import checklist, patients, reminders


@dataclass(frozen=True)
class Enrolled:
    patient: Patient
    course: Course


def enrol(engine: Engine, now: datetime, enrolment: patients.Enrolment) -> Enrolled:
    """Store the patient (the sign-up conversation ends) and plan what they are sent."""
    with transaction(engine) as session:
        patient = patients.enrol(session, enrolment, now)
        reminders.replan(session, patient, now)
        checklist.plan(session, patient, now)
        course = patients.course_of(session, patient)
    return Enrolled(patient, course)
