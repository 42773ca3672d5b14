"""/pen: a pen out of the fridge. Its room-temperature period counts from the first removal for
the current dose (asking again never restarts it); a period left open for a dose since recorded
ends as used, and the new dose's pen starts its own. A period just noted by mistake can be
undone: it goes, with its alerts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

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


@dataclass(frozen=True)
class PenView:
    """Before asking: the dose due now, and the period counting for it, if any."""

    patient: Patient
    dose_number: int
    period: PenPeriod | None


def look(engine: Engine, now: datetime, patient_id: int) -> PenView | None:
    """Where the patient's pen stands, changing nothing; None for someone not enrolled."""
    with transaction(engine) as session:
        patient = patients.get(session, patient_id)
        if patient is None:
            return None
        current = _current_dose(session, patient, now)
        period = pens.open_period(session, patient.user_id)
        if period is not None and period.dose_number < current:
            period = None  # its dose is recorded: it will be closed when the next one starts
    return PenView(patient, current, period)


def take_out(
    engine: Engine, now: datetime, patient_id: int, dose_number: int | None = None
) -> PenOut | None:
    """The current dose's pen period, started now if it is not counting yet; None for someone
    not enrolled, or when `dose_number` (the dose asked about) is no longer the current one."""
    with transaction(engine) as session:
        patient = patients.get(session, patient_id)
        if patient is None:
            return None
        current = _current_dose(session, patient, now)
        if dose_number is not None and dose_number != current:
            return None
        period = pens.open_period(session, patient.user_id)
        if period is not None and period.dose_number < current:
            pens.close(session, period, pens.USED, now)  # its dose is recorded
            period = None
        started = period is None
        if period is None:
            period = pens.start(session, patient, current, now)
    return PenOut(patient, period, started)


def undo(engine: Engine, now: datetime, patient_id: int, period_id: int) -> bool:
    """Remove the patient's open period `period_id` and its alerts; False (nothing changed)
    for someone else's, a closed one, or one that does not exist."""
    with transaction(engine) as session:
        period = pens.open_period(session, patient_id)
        if period is None or period.id != period_id:
            return False
        pens.remove(session, period, now)
    return True


def _current_dose(session: Session, patient: Patient, now: datetime) -> int:
    course = patients.course_of(session, patient)
    return next_dose(course, local_date(now, patient.time_zone)).number
