"""Patients and the injections they reported."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Protocol

from sqlalchemy import update as sql_update
from sqlmodel import Session, col, delete, select

from bot.domain.schedule import Course
from bot.models import (
    Appointment,
    Conversation,
    DiaryEntry,
    DoseRecord,
    DoseStatus,
    LanguageChoice,
    OutboxMessage,
    Patient,
    PenPeriod,
    PenStock,
    PenUse,
)
from bot.store import broadcasts, caregivers, languages, support


@dataclass(frozen=True)
class Enrolment:
    """The complete answers of an enrolment, ready to be stored in one go."""

    user_id: int
    chat_id: int
    first_name: str | None
    language: str
    time_zone: str
    reminder_time: time
    first_injection: date
    last_injection: date | None
    last_dose_number: int


def get(session: Session, user_id: int) -> Patient | None:
    return session.get(Patient, user_id)


def enrol(session: Session, enrolment: Enrolment, now: datetime) -> Patient:
    """Create the patient with the injections known from before enrolment, and close the
    enrolment conversation, in the caller's transaction."""
    patient = Patient(
        user_id=enrolment.user_id,
        chat_id=enrolment.chat_id,
        first_name=enrolment.first_name,
        time_zone=enrolment.time_zone,
        reminder_time=enrolment.reminder_time,
        first_injection=enrolment.first_injection,
        enrolled_after=enrolment.last_dose_number,
        enrolled_at=now,
        updated_at=now,
    )
    session.add(patient)
    session.flush()
    if enrolment.last_injection is not None:
        known = {1: enrolment.first_injection, enrolment.last_dose_number: enrolment.last_injection}
        for number, day in sorted(known.items()):
            session.add(
                DoseRecord(patient_id=patient.user_id, number=number, taken_on=day, recorded_at=now)
            )
    session.exec(delete(Conversation).where(col(Conversation.user_id) == enrolment.user_id))
    languages.remember(session, enrolment.user_id, enrolment.language, now)
    return patient


def get_many(session: Session, user_ids: Iterable[int]) -> dict[int, Patient]:
    ids = list(user_ids)
    if not ids:
        return {}
    found = session.exec(select(Patient).where(col(Patient.user_id).in_(ids))).all()
    return {patient.user_id: patient for patient in found}


def course_of(session: Session, patient: Patient) -> Course:
    """The facts the dose plan is computed from."""
    return courses_of(session, [patient])[patient.user_id]


class CourseFacts(Protocol):
    """What a course is computed from: a Patient, or a row with these columns."""

    user_id: int
    first_injection: date
    enrolled_after: int


def courses_of(
    session: Session, people: Iterable[CourseFacts], *, invalid: set[int] | None = None
) -> dict[int, Course]:
    """The courses of several patients in one query (the sweep composes a batch at once). With
    `invalid`, a patient whose records form no course is left out and named there, so that
    one person's inconsistent records cannot stop everyone else's messages; without it, that
    raises ValueError."""
    by_id = {patient.user_id: patient for patient in people}
    taken: dict[int, dict[int, date]] = {user_id: {} for user_id in by_id}
    if by_id:
        records = session.exec(
            select(
                col(DoseRecord.patient_id), col(DoseRecord.number), col(DoseRecord.taken_on)
            ).where(col(DoseRecord.patient_id).in_(list(by_id)))
        ).all()
        for patient_id, number, day in records:
            taken[patient_id][number] = day
    courses = {}
    for user_id, patient in by_id.items():
        try:
            courses[user_id] = Course(
                first_injection=patient.first_injection,
                taken=taken[user_id],
                enrolled_after=patient.enrolled_after,
            )
        except ValueError:
            if invalid is None:
                raise
            invalid.add(user_id)
    return courses


def update(session: Session, patient: Patient, now: datetime, **changes: object) -> Patient:
    """Change settings (reminder time, time zone, pause). Recorded doses keep their local dates."""
    for name, value in changes.items():
        if name not in {"reminder_time", "time_zone", "paused", "discreet", "blocked_at"}:
            raise ValueError(f"not a patient setting: {name}")
        setattr(patient, name, value)
    patient.updated_at = now
    session.add(patient)
    return patient


def mark_blocked(session: Session, patient: Patient, now: datetime) -> None:
    """The user blocked the bot: nothing more is sent until they come back."""
    patient.blocked_at = now
    patient.updated_at = now
    session.add(patient)


def erase(session: Session, user_id: int) -> bool:
    """Delete every row about this user. Returns whether anything was there."""
    caregivers.erase(session, user_id)
    broadcasts.erase_recipient(session, user_id)
    support.erase(session, user_id)
    session.execute(  # doses they recorded for someone they followed stay, unattributed
        sql_update(DoseRecord)
        .where(col(DoseRecord.recorded_by) == user_id)
        .values(recorded_by=None)
    )
    found = False
    for table, column in (
        (OutboxMessage, col(OutboxMessage.patient_id)),
        (OutboxMessage, col(OutboxMessage.chat_id)),
        (DoseRecord, col(DoseRecord.patient_id)),
        (DoseStatus, col(DoseStatus.patient_id)),
        (DiaryEntry, col(DiaryEntry.patient_id)),
        (PenPeriod, col(PenPeriod.patient_id)),
        (PenUse, col(PenUse.patient_id)),
        (PenStock, col(PenStock.patient_id)),
        (Appointment, col(Appointment.patient_id)),
        (Patient, col(Patient.user_id)),
        (Conversation, col(Conversation.user_id)),
        (LanguageChoice, col(LanguageChoice.user_id)),
    ):
        result = session.exec(delete(table).where(column == user_id))
        found = found or bool(result.rowcount)
    return found
