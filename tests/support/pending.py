"""What the outbox still holds to send, read back for tests of anything that re-plans."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Engine
from sqlmodel import col, select

from bot.db import transaction
from bot.models import OutboxMessage


def pending(engine: Engine, chat_id: int) -> list[tuple[str, int | None, date | None]]:
    """The unfinished rows to one chat as (kind, dose number, planned date), by due time."""
    return [(kind, number, planned) for kind, number, planned, _ in pending_at(engine, chat_id)]


def pending_at(engine: Engine, chat_id: int) -> list[tuple[str, int | None, date | None, datetime]]:
    """As `pending`, with each row's due time."""
    with transaction(engine) as session:
        rows = session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.chat_id == chat_id, col(OutboxMessage.finished_at).is_(None))
            .order_by(col(OutboxMessage.due_at), col(OutboxMessage.id))
        ).all()
        return [(row.kind, row.dose_number, row.dose_planned, row.due_at) for row in rows]


def pending_ids(engine: Engine, chat_id: int) -> list[int | None]:
    """The ids of the unfinished rows to one chat: a re-plan replaces them with new ones."""
    with transaction(engine) as session:
        return list(
            session.exec(
                select(OutboxMessage.id).where(
                    OutboxMessage.chat_id == chat_id, col(OutboxMessage.finished_at).is_(None)
                )
            ).all()
        )
