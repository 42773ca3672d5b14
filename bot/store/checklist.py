"""The pre-start checklist: which checks the patient ticked off (on their row), and one outbox
row per check still to remind about, at the patient's reminder time on its day."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.domain.checklist import CHECK_PRIORITY, KIND, Check, Item, checklist, read_done, write_done
from bot.domain.timing import local_date, local_instant
from bot.models import Patient
from bot.store import outbox


def items(patient: Patient, now: datetime) -> list[Item]:
    """The checklist as it stands for the patient today (empty once treatment started)."""
    today = local_date(now, patient.time_zone)
    return checklist(patient.first_injection, today, read_done(patient.checks_done))


def plan(session: Session, patient: Patient, now: datetime) -> None:
    """Rewrite the checklist's reminders: what is pending goes, and each check not ticked off
    whose reminder day is still ahead gets one row. Called at sign-up and on every tick."""
    outbox.cancel_pending(session, now, patient_id=patient.user_id, kinds=KIND.values())
    for item in items(patient, now):
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


def mark(session: Session, patient: Patient, check: Check, done: bool, now: datetime) -> bool:
    """Tick a check off (or back on); its reminder follows. Returns whether anything changed."""
    ticked = read_done(patient.checks_done)
    changed = ticked | {check} if done else ticked - {check}
    if changed == ticked:
        return False
    patient.checks_done = write_done(changed)
    patient.updated_at = now
    session.add(patient)
    plan(session, patient, now)
    return True
