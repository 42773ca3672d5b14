"""Queries of the retention rules (`bot.domain.retention`): who is quiet or gone, the warning,
and the deletion. Each deletion re-checks its condition in the statement that acts on it, so
someone who writes at that very moment is kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select, update
from sqlmodel import Session, col

from bot.models import CaregiverLink, Conversation, LanguageChoice, Patient
from bot.store import languages, outbox, patients

SIGN_UP = "enrolment"
"""The conversation flow of a sign-up (`bot.handlers.enrolment.FLOW`)."""
WARNING = "signup_warning"
WARNING_PRIORITY = 2  # with the other notes, after dose reminders and missed-dose alerts


@dataclass(frozen=True)
class SignUp:
    user_id: int
    updated_at: datetime
    warned_at: datetime | None


def _is_patient(user_id_column):  # type: ignore[no-untyped-def]
    return exists().where(col(Patient.user_id) == user_id_column)


def _is_caregiver(user_id_column):  # type: ignore[no-untyped-def]
    return exists().where(col(CaregiverLink.caregiver_id) == user_id_column)


def quiet_sign_ups(session: Session, since: datetime) -> list[SignUp]:
    """Unfinished sign-ups untouched since `since`, of people who are nothing else here (not a
    patient, not a caregiver)."""
    rows = session.execute(
        select(Conversation.user_id, Conversation.updated_at, Conversation.warned_at).where(
            col(Conversation.flow) == SIGN_UP,
            col(Conversation.updated_at) <= since,
            ~_is_patient(Conversation.user_id),
            ~_is_caregiver(Conversation.user_id),
        )
    ).all()
    return [SignUp(*row) for row in rows]


def touch_sign_up(session: Session, user_id: int, language: str, now: datetime) -> bool:
    """Someone wrote or tapped: their unfinished sign-up (if any) is not quiet, and a warning
    given earlier no longer holds. Their language is kept from then on, so that a warning
    composed later speaks it."""
    touched = session.execute(
        update(Conversation)
        .where(col(Conversation.user_id) == user_id, col(Conversation.flow) == SIGN_UP)
        .values(updated_at=now, warned_at=None)
    ).rowcount
    if touched and session.get(LanguageChoice, user_id) is None:
        languages.remember(session, user_id, language, now)
    return bool(touched)


def warn(session: Session, user_id: int, since: datetime, now: datetime) -> bool:
    """Record the warning and queue its message, unless the person wrote after `since`
    meanwhile."""
    warned = session.execute(
        update(Conversation)
        .where(
            col(Conversation.user_id) == user_id,
            col(Conversation.flow) == SIGN_UP,
            col(Conversation.updated_at) <= since,
        )
        .values(warned_at=now)
    ).rowcount
    if warned:
        outbox.add(
            session, chat_id=user_id, kind=WARNING, priority=WARNING_PRIORITY, due_at=now, now=now
        )
    return bool(warned)


@dataclass(frozen=True)
class SignUpWarning:
    warned_at: datetime
    zone: str | None


def warning_of(session: Session, user_id: int) -> SignUpWarning | None:
    """The warning given to this person, while it stands (still quiet, still only signing up),
    with the time zone they answered, if they got that far."""
    row = session.execute(
        select(Conversation.updated_at, Conversation.warned_at, Conversation.answers).where(
            col(Conversation.user_id) == user_id,
            col(Conversation.flow) == SIGN_UP,
            ~_is_patient(Conversation.user_id),
            ~_is_caregiver(Conversation.user_id),
        )
    ).first()
    if row is None or row.warned_at is None or row.updated_at > row.warned_at:
        return None
    zone = (row.answers or {}).get("zone")
    return SignUpWarning(row.warned_at, zone if isinstance(zone, str) else None)


def delete_sign_up(session: Session, user_id: int, warned_before: datetime) -> bool:
    """Delete an unfinished sign-up warned before `warned_before` and quiet since, with
    everything about that person. The conversation goes first, on those conditions: if they
    wrote meanwhile, nothing is deleted."""
    table = Conversation.__table__
    gone = session.execute(
        table.delete().where(
            table.c.user_id == user_id,
            table.c.flow == SIGN_UP,
            table.c.warned_at <= warned_before,
            table.c.updated_at <= table.c.warned_at,
        )
    ).rowcount
    if gone:
        patients.erase(session, user_id)
    return bool(gone)


def blocked_people(session: Session, since: datetime) -> set[int]:
    """Patients and caregivers with a role that blocked the bot before `since`: candidates,
    each checked in full against `blocked_moments`."""
    found = session.execute(select(Patient.user_id).where(col(Patient.blocked_at) <= since))
    linked = session.execute(
        select(CaregiverLink.caregiver_id).where(col(CaregiverLink.blocked_at) <= since)
    )
    return {*found.scalars(), *linked.scalars()}


def blocked_moments(session: Session, user_id: int) -> list[datetime | None]:
    """When each role of this person blocked the bot (None: still reachable in that role).
    Locks the rows (PostgreSQL), so that coming back at that moment waits for the deletion."""
    patient = session.execute(
        select(Patient.blocked_at).where(col(Patient.user_id) == user_id).with_for_update()
    )
    links = session.execute(
        select(CaregiverLink.blocked_at)
        .where(col(CaregiverLink.caregiver_id) == user_id)
        .with_for_update()
    )
    return [*patient.scalars(), *links.scalars()]


def erase(session: Session, user_id: int) -> None:
    """Everything about this person, in every table (as /deletedata)."""
    patients.erase(session, user_id)
