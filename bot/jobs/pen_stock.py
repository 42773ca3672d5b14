"""The reorder reminder (/pens), composed at send time: only while the reminder is on and the
shortage it was written for is still the one that stands and still within the lead time; the
repeat only after the first went out. Never to caregivers: the pens are the patient's."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot import texts
from bot.delivery import Message
from bot.domain.outcomes import Outcome
from bot.domain.pen_stock import ReorderKind, needs_reorder
from bot.domain.timing import local_date
from bot.models import Patient
from bot.store import pen_stock as stocks
from bot.store.outbox import Claimed


def compose(
    session: Session, row: Claimed, patient: Patient | None, now: datetime
) -> tuple[Message | None, Outcome | None]:
    if patient is None or patient.blocked_at is not None:
        return None, Outcome.CANCELLED
    stock = stocks.get(session, patient.user_id)
    if stock is None or stock.reorder_days is None:
        return None, Outcome.CANCELLED
    cover = stocks.coverage_of(session, patient, stock, now)
    if cover.short.number != row.dose_number:
        return None, Outcome.SUPERSEDED  # a delivery, a new count: re-planned with it
    if not needs_reorder(cover, local_date(now, patient.time_zone), stock.reorder_days):
        return None, Outcome.SUPERSEDED  # the plan moved the shortage later
    again = ReorderKind(row.kind) is ReorderKind.AGAIN
    sent = stocks.sent_reminders(session, patient.user_id, cover.short.number)
    if again and sent.first_at is None:
        return None, Outcome.STALE  # the first never went out: no "once more"
    text = texts.pens.reorder(cover.pens, cover.last_covered, cover.short.planned, again=again)
    return Message(text), None
