"""Pens out of the fridge: the open period of a patient, its two alerts in the outbox, and its
end (too warm, or its dose recorded)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from bot.domain.pen import PEN_ALERT_PRIORITY, PenAlert, alerts_for
from bot.models import Patient, PenPeriod
from bot.store import outbox

USED = "used"
TOO_WARM = "too_warm"
PEN_KINDS = tuple(alert.value for alert in PenAlert)


def open_period(session: Session, patient_id: int) -> PenPeriod | None:
    return session.exec(
        select(PenPeriod)
        .where(PenPeriod.patient_id == patient_id, col(PenPeriod.closed_at).is_(None))
        .order_by(col(PenPeriod.id).desc())
    ).first()


def start(session: Session, patient: Patient, dose_number: int, now: datetime) -> PenPeriod:
    """The pen left the fridge now, for this dose: the period and its two alerts."""
    period = PenPeriod(patient_id=patient.user_id, dose_number=dose_number, removed_at=now)
    session.add(period)
    for alert, due_at in alerts_for(now):
        outbox.add(
            session,
            chat_id=patient.chat_id,
            patient_id=patient.user_id,
            dose_number=dose_number,
            kind=alert.value,
            priority=PEN_ALERT_PRIORITY,
            due_at=due_at,
            now=now,
        )
    session.flush()
    return period


def close(session: Session, period: PenPeriod, outcome: str, now: datetime) -> None:
    period.closed_at, period.outcome = now, outcome
    session.add(period)
    outbox.cancel_pending(session, now, patient_id=period.patient_id, kinds=PEN_KINDS)


def remove(session: Session, period: PenPeriod, now: datetime) -> None:
    """A period noted by mistake: gone, with its pending alerts."""
    outbox.cancel_pending(session, now, patient_id=period.patient_id, kinds=PEN_KINDS)
    session.delete(period)


def periods(session: Session, patient_id: int) -> Sequence[PenPeriod]:
    """Every room-temperature period of the patient, oldest first (for /report)."""
    return session.exec(
        select(PenPeriod)
        .where(PenPeriod.patient_id == patient_id)
        .order_by(col(PenPeriod.removed_at), col(PenPeriod.id))
    ).all()
