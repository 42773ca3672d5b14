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
from bot.models import Broadcast, BroadcastDelivery, CaregiverLink, Patient, table_of

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


def start(session: Session, broadcast_id: int, now: datetime) -> Broadcast | None:
    """Fix the recipients (one row each, in one INSERT … SELECT) and mark the broadcast as
    sending. Only a draft starts: a second ✅ finds it already started and does nothing."""
    started = session.execute(
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id, col(Broadcast.status) == Status.DRAFT)
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
    """Drop a draft; it stays in the audit list as cancelled."""
    cancelled = session.execute(
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id, col(Broadcast.status) == Status.DRAFT)
        .values(status=Status.CANCELLED)
    )
    return bool(rowcount(cancelled))


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
