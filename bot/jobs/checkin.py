"""The check-in message, composed at send time: not if the dose was undone meanwhile, nor
after a downtime long enough to make the question odd."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot import texts
from bot.delivery import Message
from bot.domain.checkin import still_worth_asking
from bot.domain.outcomes import Outcome
from bot.domain.timing import local_date
from bot.keyboards.checkin import answers_keyboard
from bot.models import Patient
from bot.store import doses
from bot.store.outbox import Claimed


def compose(
    session: Session, row: Claimed, patient: Patient | None, now: datetime
) -> tuple[Message | None, Outcome | None]:
    if patient is None or patient.blocked_at is not None:
        return None, Outcome.CANCELLED
    number = row.dose_number or 0
    record = doses.get(session, patient.user_id, number)
    if record is None or record.taken_on != row.dose_planned:
        return None, Outcome.SUPERSEDED
    if not still_worth_asking(record.taken_on, local_date(now, patient.time_zone)):
        return None, Outcome.STALE
    return Message(
        texts.care.checkin_question(number, patient.discreet), answers_keyboard(number)
    ), None
