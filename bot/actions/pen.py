"""/pen: a pen out of the fridge. Its room-temperature period counts from the first removal for
the current dose (asking again never restarts it); a period left open for a dose since recorded
ends as used, and the new dose's pen starts its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from bot.db import transaction
from bot.domain.schedule import next_dose
from bot.domain.timing import local_date
from bot.models import Patient, PenPeriod
from bot.store import patients
from bot.store import pen as pens


@dataclass(frozen=True)
class PenOut:
    patient: Patient
    period: PenPeriod
    started: bool  # this removal started the period (else it was already counting)


def take_out(engine: Engine, now: datetime, patient_id: int) -> PenOut | None:
    """The current dose's pen period, started now if it is not counting yet; None for someone
    not enrolled."""
    with transaction(engine) as session:
        patient = patients.get(session, patient_id)
        if patient is None:
            return None
        current = next_dose(
            patients.course_of(session, patient), local_date(now, patient.time_zone)
        )
        period = pens.open_period(session, patient.user_id)
        if period is not None and period.dose_number < current.number:
            pens.close(session, period, pens.USED, now)  # its dose is recorded
            period = None
        started = period is None
        if period is None:
            period = pens.start(session, patient, current.number, now)
    return PenOut(patient, period, started)
