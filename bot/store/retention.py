"""Queries of the retention rules (`bot.domain.retention`): who is quiet or gone, the warning,
and the deletion. Each deletion re-checks its condition in the statement that acts on it, so
someone who writes at that very moment is kept. `RULES` says how the rows of each table end;
a test fails for a table missing from it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Exists, SQLColumnExpression, exists, or_, select, update
from sqlmodel import Session, col

from bot.db import rowcount
from bot.models import (
    BroadcastDelivery,
    CaregiverLink,
    Conversation,
    LanguageChoice,
    OutboxMessage,
    Patient,
    SupportRequest,
    table_of,
)
from bot.store import languages, outbox, patients

WITH_THE_PATIENT = "with their patient: /deletedata, or deleted with them"
RULES: dict[str, str] = {
    "patients": "/deletedata; blocked longer than the retention period: deleted",
    "dose_records": WITH_THE_PATIENT + " (a caregiver's id in it is emptied with the caregiver)",
    "dose_statuses": WITH_THE_PATIENT,
    "diary_entries": WITH_THE_PATIENT,
    "pen_periods": WITH_THE_PATIENT,
    "pen_stocks": WITH_THE_PATIENT,
    "pen_uses": WITH_THE_PATIENT,
    "appointments": WITH_THE_PATIENT,
    "invites": WITH_THE_PATIENT + " (the opener's id is emptied with the caregiver)",
    "caregiver_links": WITH_THE_PATIENT + " or the caregiver; a caregiver who blocked the bot "
    "on every link longer than the retention period is deleted",
    "conversations": "with the person; of someone who is nothing else here: a sign-up "
    "(also one interrupted by /deletedata or a support answer) is warned after the retention "
    "period and deleted a week later; any other quiet that long is deleted",
    "outbox": "with the person it is about or sent to; a finished message to someone the bot "
    "no longer serves: deleted after the retention period",
    "broadcast_deliveries": "with the recipient; finished, of someone the bot no longer "
    "serves: deleted after the retention period",
    "support_requests": "with the person; of someone the bot no longer serves: deleted the "
    "retention period after it was made",
    "languages": "with the person; of someone the bot no longer serves, not seen for the "
    "retention period (and with no support request left): deleted",
}
"""How the rows of each table holding personal data end. 'The bot no longer serves' someone
who is not a patient, has no caregiver link and no conversation, and is not staff."""
NO_PERSONAL_DATA: dict[str, str] = {
    "broadcasts": "staff audit: only the sending staff member's id and name, by design",
    "broadcast_versions": "a broadcast's text in another language, written by staff",
    "leases": "which process receives updates: a process name, no person",
    "outbox_claims": "a sweep's lease on an outbox row (its id, a token, a time), deleted when "
    "its batch ends or its lease runs out",
}

SIGN_UP = "enrolment"
"""The conversation flow of a sign-up (`bot.domain.conversations.FlowName.ENROLMENT`)."""
WARNING = "signup_warning"
WARNING_PRIORITY = 2  # with the other notes, after dose reminders and missed-dose alerts


@dataclass(frozen=True)
class SignUp:
    user_id: int
    updated_at: datetime
    warned_at: datetime | None


def _is_patient(user_id_column: SQLColumnExpression[int]) -> Exists:
    return exists().where(col(Patient.user_id) == user_id_column)


def _is_caregiver(user_id_column: SQLColumnExpression[int]) -> Exists:
    return exists().where(col(CaregiverLink.caregiver_id) == user_id_column)


def quiet_sign_ups(session: Session, since: datetime) -> list[SignUp]:
    """Unfinished sign-ups untouched since `since`, of people who are nothing else here (not a
    patient, not a caregiver)."""
    rows = session.execute(
        select(
            col(Conversation.user_id), col(Conversation.updated_at), col(Conversation.warned_at)
        ).where(
            col(Conversation.flow) == SIGN_UP,
            col(Conversation.updated_at) <= since,
            ~_is_patient(col(Conversation.user_id)),
            ~_is_caregiver(col(Conversation.user_id)),
        )
    ).all()
    return [SignUp(*row) for row in rows]


def touch_sign_up(session: Session, user_id: int, language: str, now: datetime) -> bool:
    """Someone wrote or tapped: their unfinished sign-up (if any) is not quiet, and a warning
    given earlier no longer holds. Their language is kept from then on, so that a warning
    composed later speaks it."""
    touched = rowcount(
        session.execute(
            update(Conversation)
            .where(col(Conversation.user_id) == user_id, col(Conversation.flow) == SIGN_UP)
            .values(updated_at=now, warned_at=None)
        )
    )
    if touched and session.get(LanguageChoice, user_id) is None:
        languages.remember(session, user_id, language, now)
    return bool(touched)


def warn(session: Session, user_id: int, since: datetime, now: datetime) -> bool:
    """Record the warning and queue its message, unless the person wrote after `since`
    meanwhile."""
    warned = rowcount(
        session.execute(
            update(Conversation)
            .where(
                col(Conversation.user_id) == user_id,
                col(Conversation.flow) == SIGN_UP,
                col(Conversation.updated_at) <= since,
            )
            .values(warned_at=now)
        )
    )
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
        select(
            col(Conversation.updated_at), col(Conversation.warned_at), col(Conversation.answers)
        ).where(
            col(Conversation.user_id) == user_id,
            col(Conversation.flow) == SIGN_UP,
            ~_is_patient(col(Conversation.user_id)),
            ~_is_caregiver(col(Conversation.user_id)),
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
    table = table_of(Conversation)
    gone = rowcount(
        session.execute(
            table.delete().where(
                table.c.user_id == user_id,
                table.c.flow == SIGN_UP,
                table.c.warned_at <= warned_before,
                table.c.updated_at <= table.c.warned_at,
            )
        )
    )
    if gone:
        patients.erase(session, user_id)
    return bool(gone)


def blocked_people(session: Session, since: datetime) -> set[int]:
    """Patients and caregivers with a role that blocked the bot before `since`: candidates,
    each checked in full against `blocked_moments`."""
    found = session.execute(select(col(Patient.user_id)).where(col(Patient.blocked_at) <= since))
    linked = session.execute(
        select(col(CaregiverLink.caregiver_id)).where(col(CaregiverLink.blocked_at) <= since)
    )
    return {*found.scalars(), *linked.scalars()}


def blocked_moments(session: Session, user_id: int) -> list[datetime | None]:
    """When each role of this person blocked the bot (None: still reachable in that role).
    Locks the rows (PostgreSQL), so that coming back at that moment waits for the deletion."""
    patient = session.execute(
        select(col(Patient.blocked_at)).where(col(Patient.user_id) == user_id).with_for_update()
    )
    links = session.execute(
        select(col(CaregiverLink.blocked_at))
        .where(col(CaregiverLink.caregiver_id) == user_id)
        .with_for_update()
    )
    return [*patient.scalars(), *links.scalars()]


def erase(session: Session, user_id: int) -> None:
    """Everything about this person, in every table (as /deletedata)."""
    patients.erase(session, user_id)


def served(user_id: Any, staff: Collection[int]) -> ColumnElement[bool]:
    """Whether the person in this column is someone the bot serves: a patient, a caregiver on
    some link, someone in the middle of a conversation, or staff."""
    return or_(
        _is_patient(user_id),
        _is_caregiver(user_id),
        exists().where(col(Conversation.user_id) == user_id),
        user_id.in_(list(staff)),
    )


def quiet_exchanges(session: Session, since: datetime) -> list[int]:
    """People who are nothing else here and whose conversation is not a sign-up (an erase
    request, a support answer, a settings prompt…), untouched since `since`."""
    return list(
        session.execute(
            select(col(Conversation.user_id)).where(
                col(Conversation.flow) != SIGN_UP,
                col(Conversation.updated_at) <= since,
                ~_is_patient(col(Conversation.user_id)),
                ~_is_caregiver(col(Conversation.user_id)),
            )
        ).scalars()
    )


def end_exchange(session: Session, user_id: int, since: datetime) -> bool:
    """End an exchange left since `since`: a sign-up it interrupted comes back, still dated
    when they last wrote to it, so the sign-up rules apply to it; anything else is deleted."""
    found = session.execute(
        select(Conversation)
        .where(
            col(Conversation.user_id) == user_id,
            col(Conversation.flow) != SIGN_UP,
            col(Conversation.updated_at) <= since,
        )
        .with_for_update()
    ).scalar_one_or_none()
    if found is None:
        return False
    earlier = found.answers.get("earlier")
    if isinstance(earlier, dict) and earlier.get("flow") == SIGN_UP:
        found.flow, found.step = SIGN_UP, str(earlier.get("step"))
        found.answers, found.warned_at = dict(earlier.get("answers") or {}), None
        session.add(found)
    else:
        session.delete(found)
    return True


def delete_loose_rows(session: Session, since: datetime, staff: Collection[int]) -> int:
    """Rows about people the bot no longer serves, older than `since`: support requests,
    finished broadcast deliveries and messages, then languages (kept while a support request
    may still be answered in it). Returns how many went."""
    requests = table_of(SupportRequest)
    deliveries = table_of(BroadcastDelivery)
    messages = table_of(OutboxMessage)
    chosen = table_of(LanguageChoice)
    statements = (
        requests.delete().where(requests.c.created_at <= since, ~served(requests.c.user_id, staff)),
        deliveries.delete().where(
            deliveries.c.finished_at <= since, ~served(deliveries.c.user_id, staff)
        ),
        messages.delete().where(
            messages.c.patient_id.is_(None),
            messages.c.finished_at <= since,
            ~served(messages.c.chat_id, staff),
        ),
        chosen.delete().where(
            chosen.c.updated_at <= since,
            ~served(chosen.c.user_id, staff),
            ~exists().where(requests.c.user_id == chosen.c.user_id),
        ),
    )
    return sum(rowcount(session.execute(statement)) for statement in statements)
