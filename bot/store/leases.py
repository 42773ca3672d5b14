"""Leases: a role only one process may hold at a time (receiving updates by long polling).

A holder keeps its lease by renewing it before it expires; when it dies, another process takes
it once it has expired. Taking and renewing are one conditional UPDATE (or an INSERT that does
nothing if the row appeared meanwhile), so two processes never both succeed: on PostgreSQL the
second UPDATE waits for the first's row lock and then re-checks its condition; on SQLite every
transaction holds the write lock from its start (see `bot.db`). Expiry is compared with the
app's clock, passed in as `now`."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from bot.models import Lease, table_of

TABLE = table_of(Lease)


def acquire(
    session: Session,
    name: str,
    holder: str,
    now: datetime,
    ttl: timedelta,
    *,
    replacing: str | None = None,
) -> bool:
    """Take or renew `name` for `holder` until `now + ttl`; False while someone else holds it.
    `replacing` names a holder known to be dead, whose lease may be taken before it expires."""
    holders = [holder] if replacing is None else [holder, replacing]
    connection = session.connection()
    renewed = connection.execute(
        update(TABLE)
        .where(
            TABLE.c.name == name,
            or_(TABLE.c.holder.in_(holders), TABLE.c.expires_at <= now),
        )
        .values(holder=holder, expires_at=now + ttl)
    )
    if renewed.rowcount == 1:
        return True
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    inserted = connection.execute(
        dialect.insert(TABLE)
        .values(name=name, holder=holder, expires_at=now + ttl)
        .on_conflict_do_nothing(index_elements=[TABLE.c.name])
        .returning(TABLE.c.name)
    )
    return inserted.first() is not None


def holder_of(session: Session, name: str, now: datetime) -> str | None:
    """Who holds `name` now (None when nobody does, or the lease has expired)."""
    return session.connection().scalar(
        select(TABLE.c.holder).where(TABLE.c.name == name, TABLE.c.expires_at > now)
    )


def release(session: Session, name: str, holder: str) -> bool:
    """Give `name` up at once (a clean stop), so another process need not wait for expiry."""
    released = session.connection().execute(
        delete(TABLE).where(TABLE.c.name == name, TABLE.c.holder == holder)
    )
    return released.rowcount == 1
