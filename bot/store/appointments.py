"""Appointments: a patient's rows, and their reminders in the outbox. An appointment's outbox
rows carry its id in `dose_number` and the day they were planned for in `dose_planned`, so a
change cancels exactly its own pending rows and writes new ones in the same transaction (a
crash leaves either the old plan or the new one, never both)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time

from sqlmodel import Session, col, select, update

from bot.db import rowcount
from bot.domain.appointments import (
    PRIORITY,
    AppointmentAlert,
    AppointmentKind,
    caregivers_hear,
    has_passed,
    next_occurrence,
    reminders_for,
    starts_at,
)
from bot.domain.outcomes import Outcome
from bot.models import Appointment, OutboxMessage, Patient
from bot.store import caregivers, outbox

KINDS = tuple(alert.value for alert in AppointmentAlert)


def for_patient(session: Session, patient_id: int) -> list[Appointment]:
    """All the patient's appointments, soonest first: those still to come and one-off ones
    already past (kept for a report; erased with the patient). `upcoming` is what
    /appointments lists and the calendar exports."""
    return sorted(
        session.exec(select(Appointment).where(Appointment.patient_id == patient_id)).all(),
        key=lambda found: (found.day, found.at, found.id or 0),
    )


def upcoming(session: Session, patient: Patient, now: datetime) -> list[Appointment]:
    """Those that have not begun yet (a passed one waits for its `NEXT` row to move on or go)."""
    return [
        found
        for found in for_patient(session, patient.user_id)
        if not has_passed(found.day, found.at, patient.time_zone, now)
    ]


def own(session: Session, patient_id: int, appointment_id: int) -> Appointment | None:
    """The appointment, only if it is this patient's (a forged id finds nothing)."""
    found = session.get(Appointment, appointment_id)
    return found if found is not None and found.patient_id == patient_id else None


def add(
    session: Session,
    patient: Patient,
    now: datetime,
    *,
    kind: AppointmentKind,
    note: str | None,
    day: date,
    at: time,
    every_months: int | None,
) -> Appointment:
    appointment = Appointment(
        patient_id=patient.user_id,
        kind=kind.value,
        note=note if kind is AppointmentKind.OTHER else None,
        day=day,
        at=at,
        every_months=every_months,
        repeats_from=day if every_months else None,
        created_at=now,
        updated_at=now,
    )
    session.add(appointment)
    session.flush()
    plan(session, patient, appointment, now)
    return appointment


def unplan(session: Session, patient_id: int, appointment_id: int, now: datetime) -> int:
    """Cancel the appointment's pending rows (to anyone)."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.patient_id) == patient_id,
            col(OutboxMessage.dose_number) == appointment_id,
            col(OutboxMessage.kind).in_(KINDS),
            col(OutboxMessage.finished_at).is_(None),
        )
        .values(finished_at=now, outcome=Outcome.CANCELLED),
        execution_options={"synchronize_session": False},
    )
    return rowcount(result)


def plan(session: Session, patient: Patient, appointment: Appointment, now: datetime) -> None:
    """Write the appointment's reminders still ahead (to the patient, and to each approved
    caregiver if the patient shared it), and for a repeating test the row that moves it on
    once it has passed. Whatever was pending for it is cancelled first."""
    if appointment.id is None:
        raise ValueError("an appointment is planned once it has an id")
    unplan(session, patient.user_id, appointment.id, now)
    zone = patient.time_zone
    chats = [patient.chat_id]
    chats += [
        link.caregiver_id
        for link in caregivers.approved_links(session, patient.user_id)
        if caregivers_hear(
            appointment.share, link.approved_at is not None, link.blocked_at is not None
        )
    ]
    for due in reminders_for(appointment.day, appointment.at, zone, patient.reminder_time, now):
        for chat_id in chats:
            _add(session, patient, appointment, due.alert, due.due_at, now, chat_id)
    if appointment.every_months:
        start = starts_at(appointment.day, appointment.at, zone)
        _add(session, patient, appointment, AppointmentAlert.NEXT, start, now, patient.chat_id)


def _add(
    session: Session,
    patient: Patient,
    appointment: Appointment,
    alert: AppointmentAlert,
    due_at: datetime,
    now: datetime,
    chat_id: int,
) -> None:
    outbox.add(
        session,
        chat_id=chat_id,
        patient_id=patient.user_id,
        dose_number=appointment.id,
        dose_planned=appointment.day,
        kind=alert.value,
        priority=PRIORITY[alert],
        due_at=due_at,
        now=now,
    )


def replan_all(session: Session, patient: Patient, now: datetime) -> None:
    """Every upcoming appointment planned afresh (a caregiver approved, the reminder time or
    the time zone changed)."""
    for appointment in upcoming(session, patient, now):
        plan(session, patient, appointment, now)


def remove(session: Session, appointment: Appointment, now: datetime) -> None:
    if appointment.id is not None:
        unplan(session, appointment.patient_id, appointment.id, now)
    session.delete(appointment)


def pending_rows(session: Session, appointment_id: int) -> Sequence[OutboxMessage]:
    return session.exec(
        select(OutboxMessage).where(
            OutboxMessage.dose_number == appointment_id,
            col(OutboxMessage.kind).in_(KINDS),
            col(OutboxMessage.finished_at).is_(None),
        )
    ).all()


def move_on(session: Session, patient: Patient, appointment: Appointment, now: datetime) -> None:
    """A repeating test whose time has passed: its next day at the doctor's interval, counted
    from the day it was first set for (clamped to a month's end like the dose plan), and that
    day's reminders. Called by the sweep, in the claim's transaction."""
    every = appointment.every_months
    if not every:
        return
    anchor = appointment.repeats_from or appointment.day
    day = next_occurrence(anchor, every, appointment.day)
    while has_passed(day, appointment.at, patient.time_zone, now):
        day = next_occurrence(anchor, every, day)
    appointment.day, appointment.updated_at = day, now
    session.add(appointment)
    plan(session, patient, appointment, now)
