"""The check-in message, composed at send time: not if the dose was undone meanwhile, nor
after a downtime long enough to make the question odd."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.delivery import Message
from bot.domain.checkin import still_worth_asking
from bot.domain.timing import local_date
from bot.models import Patient
from bot.store import doses, outbox
from bot.store.outbox import Claimed

PREFIX = "ci"


def compose(
    session: Session, row: Claimed, patient: Patient | None, now: datetime
) -> tuple[Message | None, str | None]:
    if patient is None or patient.blocked_at is not None:
        return None, outbox.CANCELLED
    number = row.dose_number or 0
    record = doses.get(session, patient.user_id, number)
    if record is None or record.taken_on != row.dose_planned:
        return None, outbox.SUPERSEDED
    if not still_worth_asking(record.taken_on, local_date(now, patient.time_zone)):
        return None, outbox.STALE
    return Message(texts.care.checkin_question(number, patient.discreet), keyboard(number)), None


def keyboard(number: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=f"{PREFIX}:{number}:{answer}")]
            for answer, label in texts.care.checkin_answers().items()
        ]
    )
