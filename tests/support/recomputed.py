"""The staff's dose figures worked out the old way, from every patient's plan: the oracle the
stored dose statuses are checked against (`tests/test_dose_statuses.py`) and timed against
(`benchmarks.scale`)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from bot.domain.adherence import Recent, recent
from bot.domain.dose_statuses import RECENT_DAYS
from bot.models import Patient
from bot.store import patients as patient_store

CHUNK = 10_000


def recent_doses(session: Session, now: datetime) -> Recent:
    """What /stats did before the dose statuses were stored: `adherence.recent` over every
    patient's plan, a chunk of patients at a time."""
    total = Recent()
    columns = (
        col(Patient.user_id),
        col(Patient.first_injection),
        col(Patient.enrolled_after),
        col(Patient.time_zone),
        col(Patient.reminder_time),
        col(Patient.enrolled_at),
    )
    last_id = 0
    while chunk := session.execute(
        select(*columns)
        .where(col(Patient.user_id) > last_id)
        .order_by(col(Patient.user_id))
        .limit(CHUNK)
    ).all():
        courses = patient_store.courses_of(session, chunk)
        for patient in chunk:
            total += recent(
                courses[patient.user_id],
                now=now,
                zone=patient.time_zone,
                reminder_time=patient.reminder_time,
                enrolled_at=patient.enrolled_at,
                days=RECENT_DAYS,
            )
        last_id = chunk[-1].user_id
    return total
