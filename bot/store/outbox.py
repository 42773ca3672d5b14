"""The outbox: rows for everything that must be sent later, claimed with a lease.

PostgreSQL: several processes claim side by side with `FOR UPDATE SKIP LOCKED`. SQLite ignores
that clause; there every transaction starts with BEGIN IMMEDIATE (see `bot.db`), so the claiming
UPDATE … RETURNING holds the write lock and two claims never overlap."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, update
from sqlmodel import Session, col, select

from bot.models import OutboxMessage

SENT = "sent"
STALE = "stale"
CANCELLED = "cancelled"
BLOCKED = "blocked"
FAILED = "failed"


def add(
    session: Session,
    *,
    chat_id: int,
    kind: str,
    priority: int,
    due_at: datetime,
    now: datetime,
    patient_id: int | None = None,
    dose_number: int | None = None,
    dose_planned: date | None = None,
) -> OutboxMessage:
    row = OutboxMessage(
        chat_id=chat_id,
        patient_id=patient_id,
        dose_number=dose_number,
        dose_planned=dose_planned,
        kind=kind,
        priority=priority,
        due_at=due_at,
        created_at=now,
    )
    session.add(row)
    return row


def claim(session: Session, now: datetime, limit: int, lease: timedelta) -> list[OutboxMessage]:
    """Take up to `limit` due rows, most urgent first, for `lease`; a row whose lease ran out
    (its process died) is due again."""
    due = (
        select(OutboxMessage.id)
        .where(
            col(OutboxMessage.finished_at).is_(None),
            OutboxMessage.due_at <= now,
            or_(col(OutboxMessage.lease_until).is_(None), OutboxMessage.lease_until <= now),
        )
        .order_by(OutboxMessage.priority, OutboxMessage.due_at, OutboxMessage.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    token = uuid.uuid4().hex
    claimed = session.scalars(
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(due.scalar_subquery()))
        .values(
            lease_until=now + lease,
            claim_token=token,
            attempts=OutboxMessage.attempts + 1,
        )
        .returning(OutboxMessage),
        execution_options={"synchronize_session": False},
    ).all()
    return sorted(claimed, key=lambda row: (row.priority, row.due_at, row.id or 0))


def finish(
    session: Session,
    row: OutboxMessage,
    now: datetime,
    outcome: str,
    *,
    message_id: int | None = None,
    error: str | None = None,
) -> bool:
    """Record the outcome, only if this claim still holds the row. Returns whether it did."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == row.id,
            OutboxMessage.claim_token == row.claim_token,
            col(OutboxMessage.finished_at).is_(None),
        )
        .values(
            finished_at=now,
            outcome=outcome,
            message_id=message_id,
            error=error[:200] if error else None,
            lease_until=None,
        ),
        execution_options={"synchronize_session": False},
    )
    return bool(result.rowcount)


def retry_at(session: Session, row: OutboxMessage, when: datetime, error: str) -> None:
    """Give the row back, to be claimed again from `when` (back-off, or Telegram's retry_after)."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row.id, OutboxMessage.claim_token == row.claim_token)
        .values(lease_until=when, claim_token=None, error=error[:200]),
        execution_options={"synchronize_session": False},
    )


def cancel_pending(
    session: Session, now: datetime, *, patient_id: int, kinds: Iterable[str] | None = None
) -> int:
    """Cancel what is still to be sent about a patient (all of it, or only some kinds)."""
    query = update(OutboxMessage).where(
        OutboxMessage.patient_id == patient_id, col(OutboxMessage.finished_at).is_(None)
    )
    if kinds is not None:
        query = query.where(col(OutboxMessage.kind).in_(list(kinds)))
    result = session.execute(
        query.values(finished_at=now, outcome=CANCELLED, lease_until=None),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount


def sent_kinds(session: Session, patient_id: int, number: int, planned: date) -> frozenset[str]:
    """Kinds already delivered for this dose as planned, so a re-plan never repeats them."""
    rows = session.exec(
        select(OutboxMessage.kind).where(
            OutboxMessage.patient_id == patient_id,
            OutboxMessage.dose_number == number,
            OutboxMessage.dose_planned == planned,
            OutboxMessage.outcome == SENT,
        )
    ).all()
    return frozenset(rows)


def pending(session: Session, patient_id: int) -> Sequence[OutboxMessage]:
    return session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.patient_id == patient_id, col(OutboxMessage.finished_at).is_(None))
        .order_by(OutboxMessage.due_at)
    ).all()


def by_message(session: Session, chat_id: int, message_id: int) -> OutboxMessage | None:
    """The outbox row that became this Telegram message (a reply to a reminder)."""
    return session.exec(
        select(OutboxMessage).where(
            OutboxMessage.chat_id == chat_id,
            OutboxMessage.message_id == message_id,
            col(OutboxMessage.message_id).is_not(None),
        )
    ).first()


def count_pending(session: Session) -> int:
    return session.exec(
        select(func.count())
        .select_from(OutboxMessage)
        .where(col(OutboxMessage.finished_at).is_(None))
    ).one()
