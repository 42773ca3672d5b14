"""The check-in after a loading dose: one outbox row, the next local day at the reminder time."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, select

from bot.domain.checkin import CHECKIN_PRIORITY, KIND, needs_checkin
from bot.domain.outcomes import Outcome
from bot.domain.timing import local_date, local_instant
from bot.models import OutboxMessage, Patient
from bot.store import diary, outbox


def plan(session: Session, patient: Patient, number: int, taken_on: date, now: datetime) -> None:
    """Only for doses 1 to 3, and only while "how did it go?" still makes sense (recorded by
    the day after at the latest)."""
    following = taken_on + timedelta(days=1)
    if not needs_checkin(number) or following < local_date(now, patient.time_zone):
        return
    at = local_instant(following, patient.reminder_time, patient.time_zone)
    outbox.add_to_patient(
        session, patient, KIND, CHECKIN_PRIORITY, max(at, now), now, number=number, planned=taken_on
    )


def cancel(session: Session, patient_id: int, number: int, now: datetime) -> None:
    """A dose taken back (undo) is asked about no more; recorded again, it gets its own
    check-in, so the two never both go out."""
    session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.patient_id) == patient_id,
            col(OutboxMessage.kind) == KIND,
            col(OutboxMessage.dose_number) == number,
            col(OutboxMessage.finished_at).is_(None),
        )
        .values(finished_at=now, outcome=Outcome.CANCELLED),
        execution_options={"synchronize_session": False},
    )


def open_question(session: Session, patient: Patient, now: datetime) -> int | None:
    """The dose whose check-in went out today (the patient's local day) and has no answer yet:
    the patient's next plain message is its answer, since most people type without Telegram's
    Reply. A check-in still being sent counts too: the patient may read it, and answer, before
    its send is recorded."""
    today = local_date(now, patient.time_zone)
    since = local_instant(today, time(0, 0), patient.time_zone)
    sent = and_(col(OutboxMessage.outcome) == Outcome.SENT, col(OutboxMessage.finished_at) >= since)
    sending = and_(
        col(OutboxMessage.finished_at).is_(None),
        or_(outbox.being_sent(now), col(OutboxMessage.not_before) > now),
        col(OutboxMessage.due_at) >= since,
    )
    number = session.exec(
        select(OutboxMessage.dose_number)
        .where(
            OutboxMessage.patient_id == patient.user_id,
            OutboxMessage.kind == KIND,
            or_(sent, sending),
        )
        .order_by(col(OutboxMessage.due_at).desc())
        .limit(1)
    ).first()
    if number is None or diary.answered_checkin(session, patient.user_id, number, since):
        return None
    return number
