"""The outbox: rows for everything that must be sent later, claimed with a lease.

PostgreSQL: several processes claim side by side with `FOR UPDATE SKIP LOCKED`. SQLite ignores
that clause; there every transaction starts with BEGIN IMMEDIATE (see `bot.db`), so the claiming
UPDATE … RETURNING holds the write lock and two claims never overlap."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, or_, update
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from bot.db import rowcount
from bot.domain.outcomes import Outcome
from bot.domain.reminders import BROADCAST_PRIORITY, PRIORITY, Kind
from bot.models import OutboxMessage, Patient, table_of

PRIORITIES = tuple(sorted({*PRIORITY.values(), BROADCAST_PRIORITY}))


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


def add_to_patient(
    session: Session,
    patient: Patient,
    kind: str,
    priority: int,
    due_at: datetime,
    now: datetime,
    *,
    number: int,
    planned: date,
) -> OutboxMessage:
    """A message to the patient themself about one of their doses."""
    return add(
        session,
        chat_id=patient.chat_id,
        patient_id=patient.user_id,
        dose_number=number,
        dose_planned=planned,
        kind=kind,
        priority=priority,
        due_at=due_at,
        now=now,
    )


@dataclass(frozen=True)
class Claimed:
    """A claimed row: what the sweep needs to send it and to record the outcome. `attempts`
    counts the sends that failed before this one."""

    id: int
    chat_id: int
    patient_id: int | None
    dose_number: int | None
    dose_planned: date | None
    kind: str
    priority: int
    due_at: datetime
    attempts: int
    lease_until: datetime = field(kw_only=True)
    claim_token: str = field(kw_only=True)


READ_COLUMNS = tuple(
    table_of(OutboxMessage).c[name]
    for name in Claimed.__dataclass_fields__
    if name not in ("lease_until", "claim_token")
)


def claim(session: Session, now: datetime, limit: int, lease: timedelta) -> list[Claimed]:
    """Take up to `limit` due rows, most urgent first, for `lease`; a row whose lease ran out
    (its process died) is due again. Each priority is a range scan of the pending index on
    (priority, due_at), so no sort is needed however many rows are due; the rows are read
    there (locked on PostgreSQL) and the update only writes the lease."""
    postgres = session.get_bind().dialect.name == "postgresql"
    found: list[Any] = []
    table = table_of(OutboxMessage)
    connection = session.connection()  # Core rows: no ORM bookkeeping for hundreds of them
    for priority in PRIORITIES:
        due = (
            select(*READ_COLUMNS)
            .where(
                table.c.finished_at.is_(None),
                table.c.priority == priority,
                table.c.due_at <= now,
                or_(table.c.lease_until.is_(None), table.c.lease_until <= now),
            )
            .order_by(table.c.due_at)
            .limit(limit - len(found))
        )
        if postgres:
            due = due.with_for_update(skip_locked=True)
        found.extend(connection.execute(due).all())
        if len(found) >= limit:
            break
    if not found:
        return []
    token, lease_until = uuid.uuid4().hex, now + lease
    connection.execute(
        update(table)
        .where(table.c.id.in_([row.id for row in found]))
        .values(lease_until=lease_until, claim_token=token)
    )
    return [Claimed(*row, lease_until=lease_until, claim_token=token) for row in found]


def finish(
    session: Session,
    row: Claimed,
    now: datetime,
    outcome: Outcome,
    *,
    message_id: int | None = None,
    error: str | None = None,
    attempts: int | None = None,
) -> bool:
    """Record the outcome, only if this claim still holds the row. Returns whether it did."""
    table = table_of(OutboxMessage)
    result = session.connection().execute(
        update(table)
        .where(*_held(row))
        .values(
            finished_at=now,
            outcome=outcome,
            message_id=message_id,
            error=error[:200] if error else None,
            lease_until=None,
            attempts=row.attempts if attempts is None else attempts,
        )
    )
    return bool(result.rowcount)


def _held(row: Claimed) -> tuple[ColumnElement[bool], ...]:
    """The row, still open and still held by this claim: every write after the send and the
    check before it say the same."""
    table = table_of(OutboxMessage)
    return (
        table.c.id == row.id,
        table.c.claim_token == row.claim_token,
        table.c.finished_at.is_(None),
    )


def retry_at(
    session: Session, row: Claimed, when: datetime, error: str, *, failed: bool = True
) -> None:
    """Give the row back, to be claimed again from `when`: after a failed attempt (back-off),
    or when Telegram asked to wait (`failed=False`: a 429 uses up no attempt)."""
    table = table_of(OutboxMessage)
    session.connection().execute(
        update(table)
        .where(table.c.id == row.id, table.c.claim_token == row.claim_token)
        .values(
            lease_until=when,
            claim_token=None,
            error=error[:200],
            attempts=row.attempts + 1 if failed else row.attempts,
        )
    )


def end_backoff(session: Session, now: datetime) -> int:
    """Telegram answers again: every message waiting out a back-off after a passing fault is
    due now, so the next claims take them in priority order (dose reminders before the missed
    alerts that came due during the outage) rather than in the order their back-offs happen to
    end. Rows a live claim holds, and rows that only wait for a 429's retry-after, keep their
    lease. Only rows already due are looked at: a range of the pending index."""
    table = table_of(OutboxMessage)
    result = session.connection().execute(
        update(table)
        .where(
            table.c.finished_at.is_(None),
            table.c.due_at <= now,
            table.c.claim_token.is_(None),
            table.c.lease_until > now,
            table.c.attempts > 0,
        )
        .values(lease_until=None)
    )
    return result.rowcount


def move(session: Session, row: Claimed, due_at: datetime) -> bool:
    """Give the row back with a later due time (a follow-up waiting for its gap after the dose
    reminder), to be composed again then."""
    table = table_of(OutboxMessage)
    moved = session.connection().execute(
        update(table).where(*_held(row)).values(due_at=due_at, lease_until=None, claim_token=None)
    )
    return bool(moved.rowcount)


def still_claimed(session: Session, row: Claimed) -> bool:
    """Checked just before sending: the row was not cancelled (a confirmation, a revocation),
    erased with its patient, or taken over by another process since it was claimed."""
    table = table_of(OutboxMessage)
    found = session.connection().execute(select(table.c.id).where(*_held(row)))
    return found.first() is not None


@dataclass(frozen=True)
class Reached:
    """Whether a dose's reminder reached the patient: when it was sent, or whether it still
    may be (pending)."""

    sent_at: datetime | None = None
    pending: bool = False


def dose_reminders(
    session: Session, doses: Iterable[tuple[int, int, date]]
) -> dict[tuple[int, int, date], Reached]:
    """For (patient, dose number, planned date) keys: how their dose reminder fared."""
    keys = set(doses)
    if not keys:
        return {}
    table = table_of(OutboxMessage)
    rows = session.connection().execute(
        core_select(
            table.c.patient_id,
            table.c.dose_number,
            table.c.dose_planned,
            table.c.finished_at,
            table.c.outcome,
        ).where(
            table.c.patient_id.in_(sorted({patient_id for patient_id, _, _ in keys})),
            table.c.kind == Kind.DOSE.value,
            or_(table.c.finished_at.is_(None), table.c.outcome == Outcome.SENT),
        )
    )
    found: dict[tuple[int, int, date], Reached] = {}
    for patient_id, number, planned, finished_at, outcome in rows:
        key = (patient_id, number, planned)
        if key not in keys:
            continue
        if outcome == Outcome.SENT:
            found[key] = Reached(sent_at=finished_at)
        elif found.get(key) is None:
            found[key] = Reached(pending=True)
    return found


def release(session: Session, batch: Sequence[Claimed]) -> int:
    """Give back what a claim still holds unsent (the sweep stopped before sending it, or it
    waited too long for its turn), to be claimed again at once by any process. Rows already
    finished, or handed back for a retry later, keep what they have."""
    if not batch:
        return 0
    table = table_of(OutboxMessage)
    result = session.connection().execute(
        update(table)
        .where(
            table.c.id.in_([row.id for row in batch]),
            table.c.claim_token == batch[0].claim_token,
            table.c.finished_at.is_(None),
        )
        .values(lease_until=None, claim_token=None)
    )
    return result.rowcount


def cancel_pending(
    session: Session, now: datetime, *, patient_id: int, kinds: Iterable[str] | None = None
) -> int:
    """Cancel what is still to be sent about a patient (all of it, or only some kinds)."""
    query = update(OutboxMessage).where(
        col(OutboxMessage.patient_id) == patient_id, col(OutboxMessage.finished_at).is_(None)
    )
    if kinds is not None:
        query = query.where(col(OutboxMessage.kind).in_(list(kinds)))
    result = session.execute(
        query.values(finished_at=now, outcome=Outcome.CANCELLED, lease_until=None),
        execution_options={"synchronize_session": False},
    )
    return rowcount(result)


def postpone(
    session: Session,
    *,
    patient_id: int,
    number: int,
    planned: date,
    kinds: Iterable[str],
    due_at: datetime,
) -> int:
    """Give a dose's pending rows of these kinds (to anyone) a later due time, keeping the
    rows themselves: a snooze moves the missed alert, not who gets it. Rows another process
    already claimed keep their claim; only their time changes, which the claim does not read."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.patient_id) == patient_id,
            col(OutboxMessage.dose_number) == number,
            col(OutboxMessage.dose_planned) == planned,
            col(OutboxMessage.kind).in_(list(kinds)),
            col(OutboxMessage.finished_at).is_(None),
            col(OutboxMessage.due_at) < due_at,
        )
        .values(due_at=due_at),
        execution_options={"synchronize_session": False},
    )
    return rowcount(result)


def cancel_rows(session: Session, now: datetime, ids: Iterable[int]) -> int:
    """Cancel these rows if still pending (a newer notice replaces them)."""
    result = session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(list(ids)), col(OutboxMessage.finished_at).is_(None))
        .values(finished_at=now, outcome=Outcome.CANCELLED, lease_until=None),
        execution_options={"synchronize_session": False},
    )
    return rowcount(result)


def cancel_pending_to(session: Session, now: datetime, *, patient_id: int, chat_id: int) -> int:
    """Cancel what is still to go to one recipient about a patient (a caregiver who left)."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.patient_id) == patient_id,
            col(OutboxMessage.chat_id) == chat_id,
            col(OutboxMessage.finished_at).is_(None),
        )
        .values(finished_at=now, outcome=Outcome.CANCELLED, lease_until=None),
        execution_options={"synchronize_session": False},
    )
    return rowcount(result)


def cancel_pending_to_chat(session: Session, now: datetime, *, chat_id: int) -> int:
    """Cancel everything still to go to one chat (a caregiver who blocked the bot)."""
    result = session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.chat_id) == chat_id, col(OutboxMessage.finished_at).is_(None))
        .values(finished_at=now, outcome=Outcome.CANCELLED, lease_until=None),
        execution_options={"synchronize_session": False},
    )
    return rowcount(result)


@dataclass(frozen=True)
class Snoozed:
    until: datetime
    sent: bool


@dataclass(frozen=True)
class DoseHistory:
    """What a re-plan needs to know about one dose's rows, read in one query: the kinds
    already delivered (never repeated), when the dose reminder and the latest missed or
    overdue reminder went out, and its newest snooze (pending or sent)."""

    sent: frozenset[str] = frozenset()
    reminded_at: datetime | None = None
    nagged_at: datetime | None = None
    snooze: Snoozed | None = None


def dose_history(session: Session, patient_id: int, number: int, planned: date) -> DoseHistory:
    rows = session.exec(
        select(
            OutboxMessage.kind,
            OutboxMessage.outcome,
            OutboxMessage.due_at,
            OutboxMessage.finished_at,
        ).where(
            OutboxMessage.patient_id == patient_id,
            OutboxMessage.dose_number == number,
            OutboxMessage.dose_planned == planned,
            or_(
                col(OutboxMessage.finished_at).is_(None), col(OutboxMessage.outcome) == Outcome.SENT
            ),
        )
    ).all()
    sent = [(kind, finished) for kind, outcome, _, finished in rows if outcome == Outcome.SENT]
    reminded = [at for kind, at in sent if kind == Kind.DOSE and at is not None]
    nagged = [at for kind, at in sent if kind in (Kind.MISSED, Kind.OVERDUE) and at is not None]
    snoozes = [
        (due, outcome == Outcome.SENT) for kind, outcome, due, _ in rows if kind == Kind.SNOOZED
    ]
    newest = max(snoozes, default=None, key=lambda snooze: snooze[0])
    return DoseHistory(
        sent=frozenset(kind for kind, _ in sent),
        reminded_at=max(reminded, default=None),
        nagged_at=max(nagged, default=None),
        snooze=Snoozed(*newest) if newest is not None else None,
    )


def pending(session: Session, patient_id: int) -> Sequence[OutboxMessage]:
    return session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.patient_id == patient_id, col(OutboxMessage.finished_at).is_(None))
        .order_by(col(OutboxMessage.due_at))
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
