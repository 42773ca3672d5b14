"""Broadcasts and their deliveries: the draft, the recipients fixed when staff press ✅, the
lease that lets exactly one process send a broadcast at a time, and every outcome.

Each delivery is closed (and the broadcast's counts moved on) in one transaction right after
Telegram answers, so a restart continues with the recipients still pending and nobody gets the
notice twice; the only window is a crash between Telegram's answer and that commit."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, SelectBase, func, literal, or_, select, union, update
from sqlmodel import Session, col, delete
from sqlmodel import select as sql_select

from bot.db import rowcount
from bot.domain.broadcast import Audience, Status, Tally
from bot.models import (
    Broadcast,
    BroadcastDelivery,
    BroadcastVersion,
    CaregiverLink,
    LanguageChoice,
    Patient,
    table_of,
)
from bot.texts.language import DEFAULT

PENDING = "pending"
DELIVERED = "delivered"
FAILED = "failed"
BLOCKED = "blocked"
CANCELLED = "cancelled"
COUNTERS = {DELIVERED: "delivered", FAILED: "failed", BLOCKED: "blocked"}


def create_draft(
    session: Session, *, sender_id: int, sender_name: str, text: str, now: datetime
) -> Broadcast:
    draft = Broadcast(sender_id=sender_id, sender_name=sender_name[:64], text=text, created_at=now)
    session.add(draft)
    session.flush()
    return draft


def get(session: Session, broadcast_id: int) -> Broadcast | None:
    return session.get(Broadcast, broadcast_id)


def set_preview(session: Session, broadcast: Broadcast, chat_id: int, message_id: int) -> None:
    broadcast.preview_chat_id, broadcast.preview_message_id = chat_id, message_id
    session.add(broadcast)


def recipients(audience: Audience) -> SelectBase:
    """The active users in an audience, as a query of user ids: patients and approved
    caregivers who have not blocked the bot (one row per person)."""
    patients: Select[int] = select(col(Patient.user_id).label("user_id")).where(
        col(Patient.blocked_at).is_(None)
    )
    caregivers: Select[int] = (
        select(col(CaregiverLink.caregiver_id).label("user_id"))
        .where(col(CaregiverLink.approved_at).is_not(None), col(CaregiverLink.blocked_at).is_(None))
        .distinct()
    )
    match audience:
        case Audience.PATIENTS:
            return patients
        case Audience.CAREGIVERS:
            return caregivers
        case Audience.EVERYONE:
            return union(patients, caregivers)


def audience_sizes(session: Session) -> dict[Audience, int]:
    return {
        audience: session.execute(
            select(func.count()).select_from(recipients(audience).subquery())
        ).scalar_one()
        for audience in Audience
    }


def choose_audience(session: Session, broadcast_id: int, audience: Audience) -> bool:
    """Only a draft's audience can change (a conditional UPDATE: a started one keeps its own)."""
    chosen = session.execute(
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id, col(Broadcast.status) == Status.DRAFT)
        .values(audience=audience.value)
    )
    return bool(rowcount(chosen))


def start(
    session: Session, broadcast_id: int, now: datetime, *, was: Status = Status.DRAFT
) -> Broadcast | None:
    """Fix the recipients (one row each, in one INSERT … SELECT) and mark the broadcast as
    sending. Only a draft starts (or, for the worker, a scheduled one: `was`): a second ✅
    finds it already started and does nothing."""
    started = session.execute(
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id, col(Broadcast.status) == was)
        .values(status=Status.SENDING, started_at=now)
    )
    if not rowcount(started):
        return None
    broadcast = session.get(Broadcast, broadcast_id)
    assert broadcast is not None
    session.refresh(broadcast)
    people = recipients(Audience(broadcast.audience)).subquery()
    session.execute(
        table_of(BroadcastDelivery)
        .insert()
        .from_select(
            ["broadcast_id", "user_id", "status", "attempts"],
            select(literal(broadcast_id), people.c.user_id, literal(PENDING), literal(0)),
        )
    )
    total = (
        select(func.count())
        .select_from(BroadcastDelivery)
        .where(col(BroadcastDelivery.broadcast_id) == broadcast_id)
        .scalar_subquery()
    )
    session.execute(update(Broadcast).where(col(Broadcast.id) == broadcast_id).values(total=total))
    session.refresh(broadcast)
    return broadcast


def cancel(session: Session, broadcast_id: int) -> bool:
    """Drop a draft or a scheduled broadcast that has not started; it stays in the audit list
    as cancelled. A conditional UPDATE: against the worker starting it at the same moment,
    exactly one of the two changes the row."""
    cancelled = session.execute(
        update(Broadcast)
        .where(
            col(Broadcast.id) == broadcast_id,
            col(Broadcast.status).in_([Status.DRAFT, Status.SCHEDULED]),
        )
        .values(status=Status.CANCELLED)
    )
    return bool(rowcount(cancelled))


def schedule(session: Session, broadcast_id: int, when: datetime) -> bool:
    """Turn a draft into a broadcast that starts by itself at `when` (its recipients are
    fixed then, so people who join meanwhile get it too)."""
    scheduled = session.execute(
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id, col(Broadcast.status) == Status.DRAFT)
        .values(status=Status.SCHEDULED, scheduled_for=when)
    )
    return bool(rowcount(scheduled))


def start_due(session: Session, now: datetime, limit: int = 10) -> list[Broadcast]:
    """Start the scheduled broadcasts whose time has come. Each starts in `start`'s
    conditional UPDATE, so with several processes (or a cancel at the same moment) exactly one
    succeeds; on PostgreSQL, rows another process is starting are skipped (SKIP LOCKED)
    instead of waited for. Called inside one transaction: a crash before its commit leaves
    them scheduled for the next run."""
    query = (
        sql_select(Broadcast.id)
        .where(
            col(Broadcast.status) == Status.SCHEDULED,
            col(Broadcast.scheduled_for).is_not(None),
            col(Broadcast.scheduled_for) <= now,
        )
        .order_by(col(Broadcast.scheduled_for), col(Broadcast.id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    started = []
    for broadcast_id in session.exec(query).all():
        assert broadcast_id is not None  # a stored row's primary key
        broadcast = start(session, broadcast_id, now, was=Status.SCHEDULED)
        if broadcast is not None:
            started.append(broadcast)
    return started


def upcoming(session: Session, limit: int = 20) -> Sequence[Broadcast]:
    """Scheduled broadcasts not started yet, the soonest first."""
    return session.exec(
        sql_select(Broadcast)
        .where(col(Broadcast.status) == Status.SCHEDULED)
        .order_by(col(Broadcast.scheduled_for), col(Broadcast.id))
        .limit(limit)
    ).all()


def set_version(session: Session, broadcast_id: int, language: str, text: str) -> bool:
    """Add or replace a draft's text in `language` (not the default one: that is the draft's
    own text). False once the broadcast is no longer a draft."""
    broadcast = session.get(Broadcast, broadcast_id)
    if broadcast is None or broadcast.status != Status.DRAFT or language == DEFAULT:
        return False
    row = session.exec(
        sql_select(BroadcastVersion).where(
            col(BroadcastVersion.broadcast_id) == broadcast_id,
            col(BroadcastVersion.language) == language,
        )
    ).first()
    if row is None:
        row = BroadcastVersion(broadcast_id=broadcast_id, language=language, text=text)
    row.text = text
    session.add(row)
    session.flush()
    return True


def versions(session: Session, broadcast_id: int) -> dict[str, str]:
    """A broadcast's texts in the languages other than the default, by language."""
    rows = session.exec(
        sql_select(BroadcastVersion).where(col(BroadcastVersion.broadcast_id) == broadcast_id)
    )
    return {row.language: row.text for row in rows}


def version_counts(session: Session, broadcast_id: int) -> dict[str, int]:
    """How many recipients got each non-default version."""
    rows = session.exec(
        sql_select(BroadcastVersion).where(col(BroadcastVersion.broadcast_id) == broadcast_id)
    )
    return {row.language: row.delivered for row in rows}


def count_version(session: Session, broadcast_id: int, language: str) -> None:
    """One more recipient got the `language` version (in the transaction closing the
    delivery, so it counts once)."""
    session.execute(
        update(BroadcastVersion)
        .where(
            col(BroadcastVersion.broadcast_id) == broadcast_id,
            col(BroadcastVersion.language) == language,
        )
        .values(delivered=BroadcastVersion.delivered + 1)
    )


def speakers(session: Session, audience: Audience) -> dict[str, int]:
    """How many people in an audience speak each language (people without a stored language
    get the default one)."""
    people = recipients(audience).subquery()
    language = func.coalesce(col(LanguageChoice.code), literal(DEFAULT))
    rows = session.execute(
        select(language, func.count())
        .select_from(people)
        .outerjoin(LanguageChoice, col(LanguageChoice.user_id) == people.c.user_id)
        .group_by(language)
    ).all()
    return {str(code): int(count) for code, count in rows}


def stop(session: Session, broadcast_id: int, now: datetime) -> bool:
    """Stop a broadcast that is sending: the recipients not yet reached are dropped."""
    stopped = session.execute(
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id, col(Broadcast.status) == Status.SENDING)
        .values(status=Status.STOPPED)
    )
    if not rowcount(stopped):
        return False
    dropped = rowcount(
        session.execute(
            update(BroadcastDelivery)
            .where(
                col(BroadcastDelivery.broadcast_id) == broadcast_id,
                col(BroadcastDelivery.finished_at).is_(None),
            )
            .values(status=CANCELLED, finished_at=now)
        )
    )
    session.execute(
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id)
        .values(cancelled=Broadcast.cancelled + dropped, finished_at=now)
    )
    return True


@dataclass(frozen=True)
class Lease:
    broadcast_id: int
    token: str


def take_lease(
    session: Session, now: datetime, lease: timedelta, skip: Collection[int] = ()
) -> Lease | None:
    """The oldest broadcast with work (recipients to reach, or a report to send) that no live
    process holds, other than those in `skip`. A conditional UPDATE takes it, so two processes
    never hold one together."""
    candidates = session.exec(
        sql_select(Broadcast.id)
        .where(
            col(Broadcast.id).not_in(list(skip)),
            or_(
                col(Broadcast.status) == Status.SENDING,
                col(Broadcast.status).in_([Status.DONE, Status.STOPPED])
                & col(Broadcast.reported_at).is_(None),
            ),
            or_(col(Broadcast.lease_until).is_(None), col(Broadcast.lease_until) <= now),
        )
        .order_by(col(Broadcast.id))
    ).all()
    for broadcast_id in candidates:
        assert broadcast_id is not None  # a stored row's primary key
        token = uuid.uuid4().hex
        taken = session.execute(
            update(Broadcast)
            .where(
                col(Broadcast.id) == broadcast_id,
                or_(col(Broadcast.lease_until).is_(None), col(Broadcast.lease_until) <= now),
            )
            .values(lease_until=now + lease, lease_token=token)
        )
        if rowcount(taken):
            return Lease(broadcast_id, token)
    return None


def renew(session: Session, held: Lease, now: datetime, lease: timedelta) -> Broadcast | None:
    """Extend the lease; None if another process took it meanwhile (ours had run out)."""
    renewed = session.execute(
        update(Broadcast)
        .where(col(Broadcast.id) == held.broadcast_id, col(Broadcast.lease_token) == held.token)
        .values(lease_until=now + lease)
    )
    if not rowcount(renewed):
        return None
    broadcast = session.get(Broadcast, held.broadcast_id)
    if broadcast is not None:
        session.refresh(broadcast)
    return broadcast


def release(session: Session, held: Lease) -> None:
    session.execute(
        update(Broadcast)
        .where(col(Broadcast.id) == held.broadcast_id, col(Broadcast.lease_token) == held.token)
        .values(lease_until=None, lease_token=None)
    )


def due(
    session: Session, broadcast_id: int, now: datetime, limit: int
) -> Sequence[tuple[int, int, int]]:
    """Up to `limit` pending recipients that may be tried now: (delivery id, user id, attempts)."""
    table = table_of(BroadcastDelivery)
    return session.execute(
        select(table.c.id, table.c.user_id, table.c.attempts)
        .where(
            table.c.broadcast_id == broadcast_id,
            table.c.finished_at.is_(None),
            or_(table.c.not_before.is_(None), table.c.not_before <= now),
        )
        .order_by(table.c.id)
        .limit(limit)
    ).all()


def has_pending(session: Session, broadcast_id: int) -> bool:
    return (
        session.execute(
            select(col(BroadcastDelivery.id)).where(
                col(BroadcastDelivery.broadcast_id) == broadcast_id,
                col(BroadcastDelivery.finished_at).is_(None),
            )
        ).first()
        is not None
    )


def close(
    session: Session,
    broadcast_id: int,
    delivery_id: int,
    outcome: str,
    now: datetime,
    *,
    attempts: int,
    error: str | None = None,
) -> bool:
    """Close one delivery and count it, once: a delivery already closed (or erased) counts
    nothing."""
    closed = session.execute(
        update(BroadcastDelivery)
        .where(
            col(BroadcastDelivery.id) == delivery_id,
            col(BroadcastDelivery.broadcast_id) == broadcast_id,
            col(BroadcastDelivery.finished_at).is_(None),
        )
        .values(
            status=outcome, finished_at=now, attempts=attempts, error=(error or "")[:200] or None
        )
    )
    if not rowcount(closed):
        return outcome == DELIVERED and _delivered_after_stop(session, broadcast_id, delivery_id)
    counter = getattr(Broadcast, COUNTERS[outcome])
    session.execute(
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id)
        .values({COUNTERS[outcome]: counter + 1})
    )
    return True


def _delivered_after_stop(session: Session, broadcast_id: int, delivery_id: int) -> bool:
    """A message already on its way when staff pressed ⏹ did arrive: count it as delivered,
    not as dropped."""
    moved = session.execute(
        update(BroadcastDelivery)
        .where(
            col(BroadcastDelivery.id) == delivery_id,
            col(BroadcastDelivery.broadcast_id) == broadcast_id,
            col(BroadcastDelivery.status) == CANCELLED,
        )
        .values(status=DELIVERED)
    )
    if not rowcount(moved):
        return False
    session.execute(
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id)
        .values(cancelled=Broadcast.cancelled - 1, delivered=Broadcast.delivered + 1)
    )
    return True


def still_pending(session: Session, broadcast_id: int, delivery_id: int) -> bool:
    """Checked just before sending: not stopped meanwhile, and the user has not erased their
    data."""
    return (
        session.execute(
            select(col(BroadcastDelivery.id)).where(
                col(BroadcastDelivery.id) == delivery_id,
                col(BroadcastDelivery.broadcast_id) == broadcast_id,
                col(BroadcastDelivery.finished_at).is_(None),
            )
        ).first()
        is not None
    )


def postpone(
    session: Session, delivery_id: int, until: datetime, error: str, *, attempts: int
) -> None:
    session.execute(
        update(BroadcastDelivery)
        .where(
            col(BroadcastDelivery.id) == delivery_id, col(BroadcastDelivery.finished_at).is_(None)
        )
        .values(not_before=until, attempts=attempts, error=error[:200])
    )


def finish(session: Session, held: Lease, now: datetime) -> bool:
    """Mark a sending broadcast done once no recipient is pending."""
    if has_pending(session, held.broadcast_id):
        return False
    done = session.execute(
        update(Broadcast)
        .where(
            col(Broadcast.id) == held.broadcast_id,
            col(Broadcast.lease_token) == held.token,
            col(Broadcast.status) == Status.SENDING,
        )
        .values(status=Status.DONE, finished_at=now)
    )
    return bool(rowcount(done))


def mark_reported(session: Session, broadcast_id: int, now: datetime) -> None:
    session.execute(
        update(Broadcast).where(col(Broadcast.id) == broadcast_id).values(reported_at=now)
    )


def tally(broadcast: Broadcast) -> Tally:
    return Tally(
        total=broadcast.total,
        delivered=broadcast.delivered,
        failed=broadcast.failed,
        blocked=broadcast.blocked,
        cancelled=broadcast.cancelled,
    )


def recent(session: Session, limit: int = 10) -> Sequence[Broadcast]:
    return session.exec(sql_select(Broadcast).order_by(col(Broadcast.id).desc()).limit(limit)).all()


def erase_recipient(session: Session, user_id: int) -> None:
    """A user erasing their data takes their delivery rows with them; counts stay."""
    session.exec(delete(BroadcastDelivery).where(col(BroadcastDelivery.user_id) == user_id))
