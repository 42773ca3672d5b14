"""The side-effect diary: what a patient noted and on which of their local days."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlmodel import Session, col, select

from bot.models import DiaryEntry, Patient

SHOWN = 10


def add(session: Session, patient: Patient, text: str, noted_on: date, now: datetime) -> DiaryEntry:
    entry = DiaryEntry(patient_id=patient.user_id, noted_on=noted_on, text=text, created_at=now)
    session.add(entry)
    return entry


def latest(session: Session, patient_id: int, limit: int = SHOWN) -> Sequence[DiaryEntry]:
    """Newest first."""
    return session.exec(
        select(DiaryEntry)
        .where(DiaryEntry.patient_id == patient_id)
        .order_by(col(DiaryEntry.created_at).desc(), col(DiaryEntry.id).desc())
        .limit(limit)
    ).all()
