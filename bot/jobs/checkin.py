"""The check-in message, composed at send time: not if the dose was undone meanwhile."""

from __future__ import annotations

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.delivery import Message
from bot.models import Patient
from bot.store import doses, outbox
from bot.store.outbox import Claimed
from bot.texts import en

PREFIX = "ci"


def compose(
    session: Session, row: Claimed, patient: Patient | None
) -> tuple[Message | None, str | None]:
    if patient is None or patient.blocked_at is not None:
        return None, outbox.CANCELLED
    number = row.dose_number or 0
    record = doses.get(session, patient.user_id, number)
    if record is None or record.taken_on != row.dose_planned:
        return None, outbox.SUPERSEDED
    return Message(en.checkin_question(number, patient.discreet), keyboard(number)), None


def keyboard(number: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=f"{PREFIX}:{number}:{answer}")]
            for answer, label in en.CHECKIN_ANSWERS.items()
        ]
    )
