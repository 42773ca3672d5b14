"""The check-in after a loading dose: one outbox row, the next local day at the reminder time."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session

from bot.domain.checkin import CHECKIN_PRIORITY, KIND, needs_checkin
from bot.domain.timing import local_date, local_instant
from bot.models import Patient
from bot.store import outbox


def plan(session: Session, patient: Patient, number: int, taken_on: date, now: datetime) -> None:
    """Only for doses 1 to 3, and only while "how did it go?" still makes sense (recorded by
    the day after at the latest)."""
    following = taken_on + timedelta(days=1)
    if not needs_checkin(number) or following < local_date(now, patient.time_zone):
        return
    at = local_instant(following, patient.reminder_time, patient.time_zone)
    outbox.add_to_patient(
        session, patient, KIND, CHECKIN_PRIORITY, max(at, now), now, number=number, planned=taken_on
    )
