"""The outbox sweep: one repeating job claims due rows, sends them, records each outcome.

Each message is committed as sent right after Telegram accepts it, so the only window in which
a crash can repeat a message is that one commit. A row whose process died mid-way is claimed
again when its lease runs out."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session
from telegram import Bot, InlineKeyboardMarkup
from telegram.ext import ContextTypes

from bot import delivery, dose_buttons, services
from bot.db import transaction
from bot.delivery import Result
from bot.domain.reminders import Kind, chains_after, is_late, is_stale
from bot.domain.schedule import next_dose
from bot.domain.timing import local_date, local_instant
from bot.models import OutboxMessage, Patient
from bot.services import Services
from bot.store import outbox, patients, reminders
from bot.texts import en

log = logging.getLogger(__name__)

INTERVAL = timedelta(seconds=20)
BATCH = 50
LEASE = timedelta(minutes=5)
LEASE_MARGIN = timedelta(seconds=30)
DOSE_KINDS = frozenset(
    {Kind.DOSE, Kind.SNOOZED, Kind.FOLLOW_UP, Kind.EVENING, Kind.MISSED, Kind.OVERDUE}
)


@dataclass(frozen=True)
class Message:
    text: str
    markup: InlineKeyboardMarkup | None


async def sweep(context: ContextTypes.DEFAULT_TYPE) -> None:
    await run(context.bot, services.of(context))


async def run(bot: Bot, app: Services) -> int:
    """Send everything due now, most urgent first. Returns how many messages went out."""
    sent = 0
    while True:
        with transaction(app.engine) as session:
            batch = outbox.claim(session, app.clock.now(), BATCH, LEASE)
        for row in batch:
            assert row.lease_until is not None
            if app.clock.now() >= row.lease_until - LEASE_MARGIN:
                break  # too slow (rate limits): leave the rest to be claimed again
            sent += await deliver(bot, app, row)
        if len(batch) < BATCH:
            return sent


async def deliver(bot: Bot, app: Services, row: OutboxMessage) -> int:
    now = app.clock.now()
    with transaction(app.engine) as session:
        patient = patients.get(session, row.patient_id) if row.patient_id is not None else None
        message, skip = compose(session, row, patient, now)
        if skip is not None:
            if outbox.finish(session, row, now, skip) and patient and chains_after(Kind(row.kind)):
                reminders.chain_overdue(session, patient, row, now)
            return 0
    assert message is not None
    result = await delivery.send(bot, row.chat_id, message.text, message.markup)
    now = app.clock.now()
    with transaction(app.engine) as session:
        return record(session, row, patient, result, now)


def compose(
    session: Session, row: OutboxMessage, patient: Patient | None, now: datetime
) -> tuple[Message | None, str | None]:
    """The message for a reminder row as things stand now, or why it is no longer sent."""
    if patient is None or patient.paused or patient.blocked_at is not None:
        return None, outbox.CANCELLED
    kind = Kind(row.kind)
    course = patients.course_of(session, patient)
    current = next_dose(course, local_date(now, patient.time_zone))
    if (row.dose_number, row.dose_planned) != (current.number, current.planned):
        return None, outbox.STALE
    reminder_at = local_instant(current.planned, patient.reminder_time, patient.time_zone)
    if is_stale(kind, row.due_at, now, reminder_at):
        return None, outbox.STALE
    number, planned, discreet = current.number, current.planned, patient.discreet
    late = is_late(kind, row.due_at, now)
    match kind:
        case Kind.HEADS_UP:
            text = en.heads_up(number, planned, patient.reminder_time, discreet)
        case Kind.TAKE_OUT:
            text = en.take_out(number, discreet)
        case Kind.DOSE | Kind.SNOOZED:
            snoozed = kind is Kind.SNOOZED
            text = en.dose_reminder(number, planned, late=late, discreet=discreet, snoozed=snoozed)
        case Kind.FOLLOW_UP | Kind.EVENING:
            text = en.follow_up(number, planned, discreet)
        case Kind.MISSED:
            text = en.missed(number, planned, discreet)
        case Kind.OVERDUE:
            text = en.overdue(number, planned, discreet)
    markup = (
        dose_buttons.reminder_keyboard(patient.user_id, number, planned)
        if kind in DOSE_KINDS
        else None
    )
    return Message(text, markup), None


def record(
    session: Session,
    row: OutboxMessage,
    patient: Patient | None,
    result: delivery.Delivery,
    now: datetime,
) -> int:
    """Write what happened to the message; returns 1 if it was sent."""
    if result.result is Result.SENT:
        finished = outbox.finish(session, row, now, outbox.SENT, message_id=result.message_id)
        if finished and patient is not None and chains_after(Kind(row.kind)):
            reminders.chain_overdue(session, patient, row, now)
        return 1
    if result.result is Result.RETRY and row.attempts < delivery.MAX_ATTEMPTS:
        wait = result.retry_after or delivery.backoff(row.attempts)
        outbox.retry_at(session, row, now + wait, result.error or "retry")
        log.warning("message %s will be retried in %s: %s", row.id, wait, result.error)
        return 0
    if result.result is Result.BLOCKED:
        outbox.finish(session, row, now, outbox.BLOCKED, error=result.error)
        if patient is not None:
            patients.mark_blocked(session, patient, now)
            outbox.cancel_pending(session, now, patient_id=patient.user_id)
        log.info("message %s not sent: the user blocked the bot", row.id)
        return 0
    outbox.finish(session, row, now, outbox.FAILED, error=result.error)
    log.error(
        "message %s failed for good after %s attempts: %s", row.id, row.attempts, result.error
    )
    return 0
