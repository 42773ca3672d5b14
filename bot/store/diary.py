"""The side-effect diary: what a patient noted and on which of their local days."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlmodel import Session, col, select

from bot.models import NOTE_LENGTH, DiaryEntry, Patient

SHOWN = 10


def add(
    session: Session,
    patient: Patient,
    text: str,
    noted_on: date,
    now: datetime,
    *,
    checkin_dose: int | None = None,
) -> DiaryEntry:
    """A note cut to its column's size: a long composed note (a check-in answer with its
    prefix) is kept shortened rather than refused by the database."""
    if len(text) > NOTE_LENGTH:
        text = text[: NOTE_LENGTH - 1] + "…"
    entry = DiaryEntry(
        patient_id=patient.user_id,
        noted_on=noted_on,
        text=text,
        created_at=now,
        checkin_dose=checkin_dose,
    )
    session.add(entry)
    return entry


def answered_checkin(session: Session, patient_id: int, number: int, since: datetime) -> bool:
    """Whether the check-in of dose `number` sent at `since` has had its answer."""
    found = session.exec(
        select(DiaryEntry.id)
        .where(
            DiaryEntry.patient_id == patient_id,
            DiaryEntry.checkin_dose == number,
            col(DiaryEntry.created_at) >= since,
        )
        .limit(1)
    ).first()
    return found is not None


def latest(session: Session, patient_id: int, limit: int = SHOWN) -> Sequence[DiaryEntry]:
    """Newest first."""
    return session.exec(
        select(DiaryEntry)
        .where(DiaryEntry.patient_id == patient_id)
        .order_by(col(DiaryEntry.created_at).desc(), col(DiaryEntry.id).desc())
        .limit(limit)
    ).all()


def since(session: Session, patient_id: int, day: date) -> Sequence[DiaryEntry]:
    """Notes of `day` and later, oldest first (for /report)."""
    return session.exec(
        select(DiaryEntry)
        .where(DiaryEntry.patient_id == patient_id, col(DiaryEntry.noted_on) >= day)
        .order_by(col(DiaryEntry.noted_on), col(DiaryEntry.created_at), col(DiaryEntry.id))
    ).all()
