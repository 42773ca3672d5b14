"""Recorded injections: add, correct, undo. Each change re-plans the reminders in the same
transaction (see `bot.store.reminders.replan`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlmodel import Session, col, delete, select

from bot.models import DoseRecord, Patient


def get(session: Session, patient_id: int, number: int) -> DoseRecord | None:
    return session.exec(
        select(DoseRecord).where(DoseRecord.patient_id == patient_id, DoseRecord.number == number)
    ).first()


def add(
    session: Session,
    patient: Patient,
    number: int,
    day: date,
    now: datetime,
    *,
    by: int,
    source: str,
) -> DoseRecord:
    record = DoseRecord(
        patient_id=patient.user_id,
        number=number,
        taken_on=day,
        recorded_at=now,
        recorded_by=by,
        source=source,
    )
    session.add(record)
    session.flush()  # the unique (patient, number) constraint speaks now, not at commit
    return record


def move(session: Session, record: DoseRecord, day: date) -> None:
    """A corrected injection date; flushed, so the course read next has it."""
    record.taken_on = day
    session.add(record)
    session.flush()


def note_injection(session: Session, record: DoseRecord, injector: str, site: str) -> None:
    """Who injected and where; flushed, so the recent sites read next include it."""
    record.injector, record.site = injector, site
    session.add(record)
    session.flush()


def latest_number(session: Session, patient_id: int) -> int:
    numbers = session.exec(
        select(DoseRecord.number)
        .where(DoseRecord.patient_id == patient_id)
        .order_by(col(DoseRecord.number).desc())
        .limit(1)
    ).all()
    return numbers[0] if numbers else 0


def remove(session: Session, patient_id: int, number: int) -> None:
    session.exec(
        delete(DoseRecord).where(
            col(DoseRecord.patient_id) == patient_id, col(DoseRecord.number) == number
        )
    )


def recent_sites(session: Session, patient_id: int, limit: int = 6) -> Sequence[str]:
    """Sites of the latest injections, most recent first (of those whose site was given)."""
    sites = session.exec(
        select(DoseRecord.site)
        .where(DoseRecord.patient_id == patient_id, col(DoseRecord.site).is_not(None))
        .order_by(col(DoseRecord.number).desc())
        .limit(limit)
    ).all()
    return [site for site in sites if site is not None]


def injections(session: Session, patient_id: int) -> dict[int, tuple[str | None, str | None]]:
    """Who injected each recorded dose and where (None where the patient did not say)."""
    found = session.exec(
        select(DoseRecord.number, DoseRecord.injector, DoseRecord.site).where(
            DoseRecord.patient_id == patient_id
        )
    ).all()
    return {number: (injector, site) for number, injector, site in found}
