"""The outbox rows a patient's plan implies. Whenever the plan or the settings change (enrolment,
a recorded or corrected or undone dose, a new reminder time or zone, pause and resume, coming
back after blocking the bot), `replan` cancels what is pending and writes what is now due, in
the caller's transaction, so the old plan and the new one never both stand."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.domain.caregivers import Alert
from bot.domain.reminders import (
    MOVED_BY_SNOOZE,
    PRIORITY,
    Kind,
    after_snooze,
    keep_snooze,
    next_daily,
    reminders_for_dose,
)
from bot.domain.schedule import PlannedDose, next_dose
from bot.domain.timing import local_date
from bot.models import Patient
from bot.store import appointments, caregivers, dose_statuses, outbox, patients
from bot.store.outbox import Claimed

CAREGIVER_DOSE_ALERTS = {Kind.MISSED: Alert.MISSED, Kind.HEADS_UP: Alert.HEADS_UP}
REMINDER_KINDS = tuple(kind.value for kind in Kind) + tuple(
    alert.value for alert in CAREGIVER_DOSE_ALERTS.values()
)


DOSE_REMINDERS = frozenset(kind.value for kind in Kind)
"""The dose's own reminders among what was sent about it (a caregiver's notice about a dose
that was then undone is sent about it too, and is no reminder)."""


def replan(session: Session, patient: Patient, now: datetime) -> PlannedDose:
    """Rewrite the reminders for the patient's next dose (none while paused or blocked) and the
    dose statuses the staff's figures count."""
    course = patients.course_of(session, patient)
    dose_statuses.write(session, patient, course)  # the staff's figures follow the plan
    dose = next_dose(course, local_date(now, patient.time_zone))
    history = outbox.dose_history(session, patient.user_id, dose.number, dose.planned)
    outbox.cancel_pending(session, now, patient_id=patient.user_id, kinds=REMINDER_KINDS)
    if patient.paused or patient.blocked_at is not None:
        return dose
    at, zone = patient.reminder_time, patient.time_zone
    dues = reminders_for_dose(
        dose.planned,
        at,
        zone,
        now,
        already_sent=frozenset(Kind(kind) for kind in history.sent if kind in DOSE_REMINDERS),
        reminded_at=history.reminded_at,
        nagged_at=history.nagged_at,
    )
    if history.snooze is not None:
        dues = keep_snooze(dues, history.snooze.until, history.snooze.sent, now, at, zone)
    for due in dues:
        outbox.add_to_patient(
            session,
            patient,
            due.kind,
            PRIORITY[due.kind],
            due.due_at,
            now,
            number=dose.number,
            planned=dose.planned,
        )
        if due.kind in CAREGIVER_DOSE_ALERTS:
            caregivers.alert(
                session,
                patient,
                CAREGIVER_DOSE_ALERTS[due.kind],
                due.due_at,
                now,
                dose_number=dose.number,
                dose_planned=dose.planned,
            )
    return dose


def change_reachability(
    session: Session, patient: Patient, now: datetime, **changes: object
) -> None:
    """Pause/resume or blocked/back: the settings change, the reminders follow, and the
    caregivers are told that the patient's reminders stopped (or are back)."""
    was_reachable = not patient.paused and patient.blocked_at is None
    patients.update(session, patient, now, **changes)
    replan(session, patient, now)
    is_reachable = not patient.paused and patient.blocked_at is None
    if was_reachable != is_reachable:
        kind = Alert.RESUMED if is_reachable else Alert.STOPPED
        caregivers.alert(session, patient, kind, now, now)


def user_blocked(session: Session, user_id: int, now: datetime) -> None:
    """The user blocked the bot (a 403, or Telegram told us): as a patient their reminders stop,
    as a caregiver their alerts; they count as inactive until they come back."""
    patient = patients.get(session, user_id)
    if patient is not None and patient.blocked_at is None:
        change_reachability(session, patient, now, blocked_at=now)
    if caregivers.mark_blocked(session, user_id, now):
        outbox.cancel_pending_to_chat(session, now, chat_id=user_id)


def user_back(session: Session, user_id: int, now: datetime) -> None:
    """The user unblocked the bot or wrote again: everything resumes from now."""
    patient = patients.get(session, user_id)
    if patient is not None and patient.blocked_at is not None:
        change_reachability(session, patient, now, blocked_at=None)
        appointments.replan_all(session, patient, now)  # those dropped while blocked
    caregivers.mark_back(session, user_id)


def chain_overdue(session: Session, patient: Patient, row: Claimed, now: datetime) -> None:
    """After a missed or daily overdue message (sent, or dropped as stale), the next day's."""
    assert row.dose_number is not None and row.dose_planned is not None
    due_at = next_daily(patient.reminder_time, patient.time_zone, now)
    outbox.add_to_patient(
        session,
        patient,
        Kind.OVERDUE,
        PRIORITY[Kind.OVERDUE],
        due_at,
        now,
        number=row.dose_number,
        planned=row.dose_planned,
    )


def snooze(
    session: Session, patient: Patient, dose: PlannedDose, until: datetime, now: datetime
) -> None:
    """A reminder again at `until`; what else is pending about the dose moves with it
    (`reminders.after_snooze`): the follow-up, and the missed alert with the caregivers' copies
    of it, which keep their rows (each caregiver's choice stands) and only get a later time."""
    pending = {
        Kind(row.kind): row.due_at
        for row in outbox.pending(session, patient.user_id)
        if row.kind in MOVED_BY_SNOOZE
        and (row.dose_number, row.dose_planned) == (dose.number, dose.planned)
    }
    outbox.cancel_pending(
        session,
        now,
        patient_id=patient.user_id,
        kinds=(Kind.FOLLOW_UP, Kind.EVENING, Kind.SNOOZED),
    )
    outbox.add_to_patient(
        session,
        patient,
        Kind.SNOOZED,
        PRIORITY[Kind.SNOOZED],
        until,
        now,
        number=dose.number,
        planned=dose.planned,
    )
    for due in after_snooze(until, pending, patient.reminder_time, patient.time_zone):
        if due.kind is Kind.FOLLOW_UP:
            outbox.add_to_patient(
                session,
                patient,
                Kind.FOLLOW_UP,
                PRIORITY[Kind.FOLLOW_UP],
                due.due_at,
                now,
                number=dose.number,
                planned=dose.planned,
            )
            continue
        kinds = [due.kind.value]
        if due.kind in CAREGIVER_DOSE_ALERTS:
            kinds.append(CAREGIVER_DOSE_ALERTS[due.kind].value)
        outbox.postpone(
            session,
            patient_id=patient.user_id,
            number=dose.number,
            planned=dose.planned,
            kinds=kinds,
            due_at=due.due_at,
        )
