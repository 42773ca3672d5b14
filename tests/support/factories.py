"""Patients for store and job tests, enrolled the way the sign-up handler enrols them."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Engine

from bot.db import transaction
from bot.models import Patient
from bot.store import patients, reminders


def enrolment(
    user_id: int,
    *,
    first: date = date(2026, 3, 2),
    name: str = "Ana",
    language: str = "en",
    zone: str = "Europe/Berlin",
    at: time = time(10, 0),
) -> patients.Enrolment:
    """A new patient's complete answers (no injection before sign-up)."""
    return patients.Enrolment(
        user_id=user_id,
        chat_id=user_id,
        first_name=name,
        language=language,
        time_zone=zone,
        reminder_time=at,
        first_injection=first,
        last_injection=None,
        last_dose_number=0,
    )


def enrol(engine: Engine, user_id: int, now: datetime, *, plan: bool = True, **answers) -> Patient:  # type: ignore[no-untyped-def]
    """Store the patient and, unless `plan` is False, write their reminders."""
    with transaction(engine) as session:
        patient = patients.enrol(session, enrolment(user_id, **answers), now)
        if plan:
            reminders.replan(session, patient, now)
    return patient
