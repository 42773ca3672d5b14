"""The pen alerts, composed at send time: nothing once the pen's dose is recorded, its period
closed (too warm), or the patient unreachable."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot import texts
from bot.delivery import Message
from bot.domain.outcomes import Outcome
from bot.domain.pen import PenAlert, PenState, pen_status
from bot.domain.schedule import Course, next_dose
from bot.domain.timing import local_date
from bot.models import Patient
from bot.store import pen as pens
from bot.store.outbox import Claimed


def compose(
    session: Session, row: Claimed, patient: Patient | None, course: Course | None, now: datetime
) -> tuple[Message | None, Outcome | None]:
    if patient is None or course is None or patient.blocked_at is not None:
        return None, Outcome.CANCELLED
    period = pens.open_period(session, patient.user_id)
    if period is None or period.dose_number != row.dose_number:
        return None, Outcome.SUPERSEDED
    if next_dose(course, local_date(now, patient.time_zone)).number > period.dose_number:
        pens.close(session, period, pens.USED, now)
        return None, Outcome.SUPERSEDED
    status = pen_status(period.removed_at, now)
    if PenAlert(row.kind) is PenAlert.DISCARD:
        return Message(texts.care.pen_discard(patient.discreet)), None
    if status.state is PenState.DISCARD:
        return None, Outcome.STALE  # the end-of-period message says it all
    text = texts.care.pen_last_days(status.discard_at, patient.time_zone, patient.discreet)
    return Message(text), None
