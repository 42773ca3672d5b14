"""Appointments: add, change, cancel, share with caregivers, and a repeating test moving on to
its next day. Each acts in one transaction on the patient's own appointment only (a forged or
someone else's id changes nothing) and re-plans its reminders with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import Engine

from bot.db import transaction
from bot.domain.appointments import AppointmentKind, has_passed
from bot.models import Appointment, Patient
from bot.store import appointments, caregivers, patients


@dataclass(frozen=True)
class Details:
    """What the patient answered: a new appointment, or one's new values."""

    kind: AppointmentKind
    note: str | None
    day: date
    at: time
    every_months: int | None = None


@dataclass(frozen=True)
class Overview:
    patient: Patient
    upcoming: list[Appointment]
    has_caregivers: bool


def overview(engine: Engine, now: datetime, patient_id: int) -> Overview | None:
    """The patient's upcoming appointments; None for someone not enrolled."""
    with transaction(engine) as session:
        patient = patients.get(session, patient_id)
        if patient is None:
            return None
        found = appointments.upcoming(session, patient, now)
        shared = bool(caregivers.approved_links(session, patient_id))
    return Overview(patient, found, shared)


def add(engine: Engine, now: datetime, patient_id: int, details: Details) -> Appointment | None:
    """Store it and plan its reminders; None for someone not enrolled, or a time that has
    passed meanwhile (the question was asked before)."""
    with transaction(engine) as session:
        patient = patients.get(session, patient_id)
        if patient is None or has_passed(details.day, details.at, patient.time_zone, now):
            return None
        return appointments.add(
            session,
            patient,
            now,
            kind=details.kind,
            note=details.note,
            day=details.day,
            at=details.at,
            every_months=details.every_months,
        )


def change(
    engine: Engine, now: datetime, patient_id: int, appointment_id: int, details: Details
) -> Appointment | None:
    """New day, time or kind for the patient's own appointment, its reminders re-planned;
    None (nothing changed) for another's, a gone one, or a new time already past."""
    with transaction(engine) as session:
        patient = patients.get(session, patient_id)
        found = appointments.own(session, patient_id, appointment_id)
        if patient is None or found is None:
            return None
        if has_passed(details.day, details.at, patient.time_zone, now):
            return None
        found.kind = details.kind.value
        found.note = details.note if details.kind is AppointmentKind.OTHER else None
        if found.day != details.day or found.repeats_from is None:
            found.repeats_from = details.day if details.every_months else None
        found.every_months = details.every_months
        found.day, found.at, found.updated_at = details.day, details.at, now
        session.add(found)
        appointments.plan(session, patient, found, now)
        return found


def cancel(engine: Engine, now: datetime, patient_id: int, appointment_id: int) -> bool:
    """The patient's own appointment goes, with every reminder still pending for it."""
    with transaction(engine) as session:
        found = appointments.own(session, patient_id, appointment_id)
        if found is None:
            return False
        appointments.remove(session, found, now)
    return True


def toggle_share(
    engine: Engine, now: datetime, patient_id: int, appointment_id: int
) -> Appointment | None:
    """Caregivers reminded of this appointment, or no longer: its reminders re-planned."""
    with transaction(engine) as session:
        patient = patients.get(session, patient_id)
        found = appointments.own(session, patient_id, appointment_id)
        if patient is None or found is None:
            return None
        found.share, found.updated_at = not found.share, now
        session.add(found)
        appointments.plan(session, patient, found, now)
        return found
