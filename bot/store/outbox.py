"""The outbox: rows for everything that must be sent later, claimed with a lease.

A claim writes its lease into the narrow `outbox_claims` table, never into the wide rows. Claims
take turns (SQLite's write lock, a PostgreSQL advisory lock), a few milliseconds each, so two
never take the same row; every write after a send checks that its claim still holds the row."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import (
    BigInteger,
    ClauseElement,
    ColumnElement,
    Connection,
    Integer,
    String,
    bindparam,
    delete,
    exists,
    func,
    insert,
    or_,
    update,
)
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session, col, select

from bot.db import DriverStatement, rowcount
from bot.domain.outcomes import Outcome
from bot.domain.reminders import BROADCAST_PRIORITY, PRIORITY, Kind
from bot.models import OutboxClaim, OutboxMessage, Patient, table_of

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


class Claimed(NamedTuple):
    """A claimed row: what the sweep needs to send it and to record the outcome. `attempts`
    counts the sends that failed before this one. (A named tuple: hundreds are built per
    claim, and it is built several times faster than a frozen dataclass.)"""

    id: int
    chat_id: int
    patient_id: int | None
    dose_number: int | None
    dose_planned: date | None
    kind: str
    priority: int
    due_at: datetime
    attempts: int
    lease_until: datetime
    claim_token: str


@dataclass(frozen=True)
class Lease:
    """What a claim took: the rows' ids, most urgent first, held until `lease_until`."""

    ids: tuple[int, ...]
    token: str
    lease_until: datetime


READ_COLUMNS = tuple(
    table_of(OutboxMessage).c[name]
    for name in Claimed._fields
    if name not in ("lease_until", "claim_token")
)
CLAIM_LOCK = 0x6B65_7369  # PostgreSQL advisory lock: one claim at a time, as SQLite's write lock


def take(session: Session, now: datetime, limit: int, lease: timedelta) -> Lease:
    """Claim up to `limit` due rows, most urgent first, for `lease`: ids only, and the lease is
    written to the narrow `outbox_claims` table. Each priority is a range of the pending index on
    (priority, due_at, not_before), which holds what the query filters on, so no sort is needed
    and the wide rows are not written. A row whose lease ran out (its process died) is due
    again: expired leases are deleted first. Claims take turns: on SQLite through the write lock
    every transaction takes (`bot.db`), on PostgreSQL through an advisory lock held until
    commit, so the next claim sees this one's rows as taken."""
    connection = session.connection()  # Core: no ORM bookkeeping for hundreds of rows
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        connection.execute(_CLAIMS_TAKE_TURNS)
    # Leases that ran out: their process died, or it finished their rows and died before
    # ending its claim. The table holds little more than the batches in flight.
    connection.execute(_EXPIRED, {"now": now})
    found: list[int] = []
    for priority in PRIORITIES:
        room = limit - len(found)
        due = connection.execute(_DUE, {"priority": priority, "now": now, "room": room})
        found.extend(due.scalars())
        if len(found) >= limit:
            break
    token, lease_until = uuid.uuid4().hex, now + lease
    if found:
        ids = found if postgres else json.dumps(found)
        connection.execute(
            _CLAIM_PG if postgres else _CLAIM_SQLITE,
            {"ids": ids, "token": token, "lease": lease_until},
        )
    return Lease(tuple(found), token, lease_until)


def any_due_before(session: Session, priority: int, now: datetime) -> bool:
    """Whether a row more urgent than `priority` may go now, claimed or not (a broadcast gives
    way to it): one row of the pending index per priority at most."""
    connection = session.connection()
    return any(
        connection.execute(_ANY_DUE, {"priority": more_urgent, "now": now}).first() is not None
        for more_urgent in PRIORITIES
        if more_urgent < priority
    )


def rows_of(session: Session, held: Lease) -> list[Claimed]:
    """The claimed rows themselves, in the claim's order."""
    if not held.ids:
        return []
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        rows = connection.execute(_ROWS_PG, {"ids": list(held.ids)})
    else:
        rows = connection.execute(_ROWS_SQLITE, {"ids": json.dumps(held.ids)})
    by_id = {row[0]: Claimed._make((*row, held.lease_until, held.token)) for row in rows}
    return [by_id[id] for id in held.ids if id in by_id]


def claim(session: Session, now: datetime, limit: int, lease: timedelta) -> list[Claimed]:
    """`take` and the rows taken: what the sweep works on."""
    return rows_of(session, take(session, now, limit, lease))


def finish(
    db: Session | Connection,
    row: Claimed,
    now: datetime,
    outcome: Outcome,
    *,
    message_id: int | None = None,
    error: str | None = None,
    attempts: int | None = None,
) -> bool:
    """Record the outcome, only if this claim still holds the row. Returns whether it did. The
    claim itself is deleted with the rest of its batch (`release`)."""
    values = {
        **_held(row),
        "at": now,
        "result": outcome,
        "telegram_id": message_id,
        "why": error[:200] if error else None,
        "tries": row.attempts if attempts is None else attempts,
    }
    connection = _connection(db)
    return bool(_on_driver(_FINISH, connection).run(connection, values).rowcount)


def _connection(db: Session | Connection) -> Connection:
    """The sweep runs the statements on one claimed row on a connection it holds for its batch
    (no session, no pool checkout per message); elsewhere they run in a session."""
    return db if isinstance(db, Connection) else db.connection()


def _held(row: Claimed) -> dict[str, Any]:
    """The parameters of `_HELD` for this row and its claim."""
    return {"row_id": row.id, "token": row.claim_token}


_OUTBOX, _CLAIMS = table_of(OutboxMessage), table_of(OutboxClaim)
_HELD = (
    _OUTBOX.c.id == bindparam("row_id"),
    _OUTBOX.c.finished_at.is_(None),
    exists().where(
        _CLAIMS.c.outbox_id == bindparam("row_id"), _CLAIMS.c.claim_token == bindparam("token")
    ),
)
"""The row, still open and still held by this claim: every write after the send and the check
before it say the same. The statements on one claimed row are built once, here: the sweep runs
them for every message, and building one costs several times what running it does."""
_STILL_CLAIMED = core_select(_OUTBOX.c.id).where(*_HELD)
_FINISH = (
    update(_OUTBOX)
    .where(*_HELD)
    .values(
        finished_at=bindparam("at", type_=_OUTBOX.c.finished_at.type),
        outcome=bindparam("result", type_=_OUTBOX.c.outcome.type),
        message_id=bindparam("telegram_id", type_=_OUTBOX.c.message_id.type),
        error=bindparam("why", type_=_OUTBOX.c.error.type),
        not_before=None,
        attempts=bindparam("tries", type_=_OUTBOX.c.attempts.type),
    )
)
_RETRY = (
    update(_OUTBOX)
    .where(*_HELD)
    .values(
        not_before=bindparam("when", type_=_OUTBOX.c.not_before.type),
        error=bindparam("why", type_=_OUTBOX.c.error.type),
        attempts=bindparam("tries", type_=_OUTBOX.c.attempts.type),
    )
)
_MOVE = update(_OUTBOX).where(*_HELD).values(due_at=bindparam("due", type_=_OUTBOX.c.due_at.type))
_UNCLAIM = delete(_CLAIMS).where(
    _CLAIMS.c.outbox_id == bindparam("row_id"), _CLAIMS.c.claim_token == bindparam("token")
)
_CLAIMS_TAKE_TURNS = core_select(func.pg_advisory_xact_lock(CLAIM_LOCK))
_EXPIRED = delete(_CLAIMS).where(_CLAIMS.c.lease_until <= bindparam("now"))
_DUE_NOW = (
    _OUTBOX.c.finished_at.is_(None),
    _OUTBOX.c.priority == bindparam("priority"),
    _OUTBOX.c.due_at <= bindparam("now"),
    or_(_OUTBOX.c.not_before.is_(None), _OUTBOX.c.not_before <= bindparam("now")),
)
"""A row of one priority that may go now: a range of the pending index. A row waiting out a
back-off or a 429's retry-after (`not_before` later) may not."""
_DUE = (
    core_select(_OUTBOX.c.id)
    .where(*_DUE_NOW, ~exists().where(_CLAIMS.c.outbox_id == _OUTBOX.c.id))
    .order_by(_OUTBOX.c.due_at)
    .limit(bindparam("room", type_=Integer))
)
_ANY_DUE = core_select(_OUTBOX.c.id).where(*_DUE_NOW).limit(1)
_LEASE_COLUMNS = ["outbox_id", "claim_token", "lease_until"]
_TOKEN = bindparam("token", type_=_CLAIMS.c.claim_token.type)
_UNTIL = bindparam("lease", type_=_CLAIMS.c.lease_until.type)
_CLAIM_PG = insert(_CLAIMS).from_select(
    _LEASE_COLUMNS,
    core_select(func.unnest(bindparam("ids", type_=ARRAY(BigInteger))), _TOKEN, _UNTIL),
)
_IDS_JSON = func.json_each(bindparam("ids", type_=String)).table_valued("value")
_CLAIM_SQLITE = insert(_CLAIMS).from_select(
    _LEASE_COLUMNS, core_select(_IDS_JSON.c.value, _TOKEN, _UNTIL)
)
"""A claim's leases in one statement whose parameters do not grow with the rows (an array on
PostgreSQL, a JSON list on SQLite): SQLAlchemy's work per claim stays the same for 500 rows."""
_ROWS_PG = core_select(*READ_COLUMNS).where(
    _OUTBOX.c.id == func.any(bindparam("ids", type_=ARRAY(BigInteger)))
)
_ROWS_SQLITE = core_select(*READ_COLUMNS).where(_OUTBOX.c.id.in_(core_select(_IDS_JSON.c.value)))


def being_sent(now: datetime) -> ColumnElement[bool]:
    """For a query on the outbox: the row is held by a live claim (a sweep may be sending it)."""
    table, claims = table_of(OutboxMessage), table_of(OutboxClaim)
    return exists().where(claims.c.outbox_id == table.c.id, claims.c.lease_until > now)


def in_flight(session: Session, ids: Sequence[int], now: datetime) -> set[int]:
    """Those of these rows a sweep holds (it may already have composed or sent them)."""
    if not ids:
        return set()
    claims = table_of(OutboxClaim)
    found = session.connection().execute(
        core_select(claims.c.outbox_id).where(
            claims.c.outbox_id.in_(list(ids)), claims.c.lease_until > now
        )
    )
    return set(found.scalars())


def _unclaim(db: Session | Connection, row: Claimed) -> None:
    _connection(db).execute(_UNCLAIM, _held(row))


def retry_at(
    db: Session | Connection, row: Claimed, when: datetime, error: str, *, failed: bool = True
) -> None:
    """Give the row back, to be claimed again from `when`: after a failed attempt (back-off),
    or when Telegram asked to wait (`failed=False`: a 429 uses up no attempt)."""
    _connection(db).execute(
        _RETRY,
        {
            **_held(row),
            "when": when,
            "why": error[:200],
            "tries": row.attempts + 1 if failed else row.attempts,
        },
    )
    _unclaim(db, row)


def end_backoff(session: Session, now: datetime) -> int:
    """Telegram answers again: every message waiting out a back-off after a passing fault is
    due now, so the next claims take them in priority order (dose reminders before the missed
    alerts that came due during the outage) rather than in the order their back-offs happen to
    end. Rows a live claim holds, and rows that only wait for a 429's retry-after, keep their
    wait. Only rows already due are looked at: a range of the pending index."""
    table = table_of(OutboxMessage)
    result = session.connection().execute(
        update(table)
        .where(
            table.c.finished_at.is_(None),
            table.c.due_at <= now,
            table.c.not_before > now,
            table.c.attempts > 0,
            ~being_sent(now),
        )
        .values(not_before=None)
    )
    return result.rowcount


def move(session: Session, row: Claimed, due_at: datetime) -> bool:
    """Give the row back with a later due time (a follow-up waiting for its gap after the dose
    reminder), to be composed again then."""
    moved = session.connection().execute(_MOVE, {**_held(row), "due": due_at})
    _unclaim(session, row)
    return bool(moved.rowcount)


def still_claimed(connection: Connection, row: Claimed) -> bool:
    """Checked just before sending: the row was not cancelled (a confirmation, a revocation),
    erased with its patient, or taken over by another process since it was claimed. On the
    connection the sweep holds for its checks, one statement on its own (no transaction)."""
    found = _on_driver(_STILL_CLAIMED, connection).run(connection, _held(row)).fetchone()
    connection.connection.driver_connection.commit()  # type: ignore[union-attr]
    return found is not None


_DRIVER_STATEMENTS: dict[tuple[int, str], DriverStatement] = {}


def _on_driver(statement: ClauseElement, connection: Connection) -> DriverStatement:
    """`statement` compiled once per dialect (see `bot.db.DriverStatement`)."""
    key = (id(statement), connection.dialect.name)
    if key not in _DRIVER_STATEMENTS:
        _DRIVER_STATEMENTS[key] = DriverStatement.compile(statement, connection.dialect)
    return _DRIVER_STATEMENTS[key]


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


def release(session: Session, held: Lease) -> int:
    """End a claim: its rows still unsent (the sweep stopped before sending them, or they waited
    too long for their turn) can be claimed again at once by any process; rows already finished,
    or handed back for a retry later, keep what they have."""
    if not held.ids:
        return 0
    table = table_of(OutboxClaim)
    result = session.connection().execute(delete(table).where(table.c.claim_token == held.token))
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
        query.values(finished_at=now, outcome=Outcome.CANCELLED),
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
        .values(finished_at=now, outcome=Outcome.CANCELLED),
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
        .values(finished_at=now, outcome=Outcome.CANCELLED),
        execution_options={"synchronize_session": False},
    )
    return rowcount(result)


def cancel_pending_to_chat(session: Session, now: datetime, *, chat_id: int) -> int:
    """Cancel everything still to go to one chat (a caregiver who blocked the bot)."""
    result = session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.chat_id) == chat_id, col(OutboxMessage.finished_at).is_(None))
        .values(finished_at=now, outcome=Outcome.CANCELLED),
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
