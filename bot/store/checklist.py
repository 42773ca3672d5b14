"""The pre-start checklist's reminders: one outbox row per check still in time, at the
patient's reminder time on its day (never in the past)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.domain.checklist import CHECK_PRIORITY, KIND, checklist
from bot.domain.timing import local_date, local_instant
from bot.models import Patient
from bot.store import outbox


def plan(session: Session, patient: Patient, now: datetime) -> None:
    today = local_date(now, patient.time_zone)
    for item in checklist(patient.first_injection, today):
        if item.remind_on is None:
            continue
        at = local_instant(item.remind_on, patient.reminder_time, patient.time_zone)
        outbox.add(
            session,
            chat_id=patient.chat_id,
            patient_id=patient.user_id,
            dose_planned=item.deadline,
            kind=KIND[item.check],
            priority=CHECK_PRIORITY,
            due_at=max(at, now),
            now=now,
        )
