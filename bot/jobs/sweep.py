"""The outbox sweep: one repeating job claims due rows, sends them, records each outcome.

Each message is committed as sent right after Telegram accepts it, so the only window in which
a crash can repeat a message is that one commit. A row whose process died mid-way is claimed
again when its lease runs out. A few messages are in flight at once: Telegram's latency, not
the database, would otherwise set the pace.

When the bot is stopping (SIGTERM), no new batch is claimed and no new send starts; sends in
flight get a few seconds (`inflight.GRACE`), and every claimed row not sent is given back, so
the next process sends it at once and nothing stays claimed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from types import MappingProxyType

from sqlalchemy import Connection
from sqlmodel import Session
from telegram import Bot
from telegram.ext import ContextTypes

from bot import delivery, services, texts
from bot.db import session_on, transaction
from bot.delivery import Message
from bot.domain.caregivers import Alert
from bot.domain.checkin import KIND as CHECKIN
from bot.domain.checklist import CHECK_OF_KIND
from bot.domain.outcomes import Outcome
from bot.domain.pen import PenAlert
from bot.domain.pen_stock import ReorderKind
from bot.domain.reminders import Kind, after_the_reminder, chains_after, is_late, is_stale
from bot.domain.retries import BACKOFF_CAP, backoff, keeps_trying
from bot.domain.schedule import Course, next_dose
from bot.domain.timing import local_date, local_instant
from bot.jobs import (
    alerts,
    appointments,
    checkin,
    checklist,
    inflight,
    pen,
    pen_stock,
    retention,
)
from bot.keyboards.doses import reminder_keyboard
from bot.models import CaregiverLink, Patient
from bot.services import Services
from bot.store import caregivers as caregiver_store
from bot.store import languages, outbox, patients, reminders
from bot.store.outbox import Claimed, Reached
from bot.texts import language

log = logging.getLogger(__name__)

INTERVAL = timedelta(seconds=20)
BATCH = 100
IN_FLIGHT = 4
LEASE = timedelta(minutes=5)
LEASE_MARGIN = timedelta(seconds=30)
CAREGIVER_ALERTS = frozenset(alert.value for alert in Alert)
PEN_ALERTS = frozenset(alert.value for alert in PenAlert)
REORDER = frozenset(kind.value for kind in ReorderKind)
CHAINING = frozenset(kind.value for kind in Kind if chains_after(kind))
DOSE_KINDS = frozenset(
    {Kind.DOSE, Kind.SNOOZED, Kind.FOLLOW_UP, Kind.EVENING, Kind.MISSED, Kind.OVERDUE}
)
AFTER_THE_REMINDER = frozenset({Kind.FOLLOW_UP.value, Kind.EVENING.value})
CHAIN_GOES_ON = frozenset({Outcome.STALE, Outcome.FAILED})
"""A missed or overdue reminder dropped or failed for good still leads to the next day's:
only the dose's recording (or a pause, a block) ends the chain."""


def chains(kind: str) -> bool:
    """Whether this row, sent, dropped as stale or failed, writes the next daily overdue
    reminder (any outbox kind: caregiver alerts are not `Kind`s)."""
    return kind in CHAINING


async def sweep(context: ContextTypes.DEFAULT_TYPE) -> None:
    application = context.application
    await run(context.bot, services.of(context), lambda: application.running)


def _always() -> bool:
    return True


async def run(bot: Bot, app: Services, keep_going: Callable[[], bool] = _always) -> int:
    """Send everything due now, most urgent first, until done or asked to stop. Returns how
    many messages went out."""
    sent = 0
    slots = asyncio.Semaphore(IN_FLIGHT)
    while keep_going():
        now = app.clock.now()
        faults = app.heartbeat.faults
        with transaction(app.engine) as session:
            held = outbox.take(session, now, BATCH, LEASE)
            batch = outbox.rows_of(session, held)
            messages = prepare(session, batch, now)
        app.heartbeat.swept_at = now  # each batch: a long backlog is progress, not a stall
        try:
            with held_connections(app) as line:
                results = await inflight.run_all(
                    (
                        deliver(bot, app, row, message, slots, line, keep_going)
                        for row, message in messages
                    ),
                    keep_going,
                )
        finally:
            if held.ids:  # what was neither sent nor given back for a retry: claimable again now
                with transaction(app.engine) as session:
                    outbox.release(session, held)
        sent += sum(results)
        released = end_backoff(app) if sum(results) and app.heartbeat.faults == faults else 0
        if len(held.ids) < BATCH and not released:
            return sent
    return sent


@dataclass(frozen=True)
class Line:
    """Two connections a batch holds for its messages: one checks a row just before its send
    (one statement on its own: no transaction, no write lock), one records the outcome. Without
    a session or a pool checkout per message, the database's share of a message's cost stays
    small (measured: a session and a checkout cost more than the statements themselves). The
    sends in flight share them safely: each use is whole, with no `await` inside."""

    checks: Connection
    writes: Connection


@contextmanager
def held_connections(app: Services) -> Iterator[Line]:
    with app.engine.connect() as checks, app.engine.connect() as writes:
        yield Line(checks, writes)


def end_backoff(app: Services) -> int:
    """A batch went out without a fault, so Telegram answers again: whatever waits out a
    back-off is due now (see `outbox.end_backoff`). At most once per BACKOFF_CAP, so a message
    that keeps failing while others go out is still tried no more often than its back-off."""
    beat, now = app.heartbeat, app.clock.now()
    if not beat.backing_off or (
        beat.backoff_ended_at is not None and now - beat.backoff_ended_at < BACKOFF_CAP
    ):
        return 0
    with transaction(app.engine) as session:
        released = outbox.end_backoff(session, now)
    beat.backing_off, beat.backoff_ended_at = False, now
    if released:
        log.info("Telegram answers again: %s messages waiting out a back-off are due", released)
    return released


def prepare(session: Session, batch: list[Claimed], now: datetime) -> list[tuple[Claimed, Message]]:
    """Compose each claimed row as things stand now; rows no longer worth sending are closed
    here (cancelled or stale), and notes that must wait for their gap after the dose reminder
    are moved, in the claim's transaction. A row that cannot be composed (a bug, or a patient
    whose dose records form no course) fails alone."""
    ids = {row.patient_id for row in batch if row.patient_id is not None}
    people = patients.get_many(session, ids)
    broken: set[int] = set()
    courses = patients.courses_of(session, people.values(), invalid=broken)
    links = caregiver_store.links_of(session, ids)
    speaks = languages.of_many(session, {row.chat_id for row in batch})
    reached = outbox.dose_reminders(
        session,
        (
            (row.patient_id, row.dose_number, row.dose_planned)
            for row in batch
            if row.kind in AFTER_THE_REMINDER
            and row.patient_id is not None
            and row.dose_number is not None
            and row.dose_planned is not None
        ),
    )
    ready = []

    def course_of(row: Claimed) -> Course | None:
        if row.patient_id in broken:
            raise ValueError("the patient's dose records form no course")
        return courses.get(row.patient_id) if row.patient_id is not None else None

    for row in batch:
        patient = people.get(row.patient_id) if row.patient_id is not None else None
        language.activate(speaks.get(row.chat_id, language.DEFAULT))
        pid, number, planned = row.patient_id, row.dose_number, row.dose_planned
        composing = Composing(
            session=session,
            row=row,
            patient=patient,
            course=partial(course_of, row),
            link=links.get((pid, row.chat_id)) if pid is not None else None,
            reached=(
                reached.get((pid, number, planned), Reached())
                if pid is not None and number is not None and planned is not None
                else Reached()
            ),
            now=now,
        )
        try:
            message, skip = COMPOSERS.get(row.kind, _reminder)(composing)
        except Exception:  # one row the code cannot compose must not hold up all the others
            log.exception("message %s cannot be composed", row.id)
            skip = Outcome.FAILED
            finished = outbox.finish(session, row, now, skip, error="cannot be composed")
        else:
            if message is not None:
                ready.append((row, message))
                continue
            if isinstance(skip, datetime):
                outbox.move(session, row, skip)
                continue
            skip = skip or Outcome.STALE
            finished = outbox.finish(session, row, now, skip)
        if finished and patient is not None and skip in CHAIN_GOES_ON and chains(row.kind):
            reminders.chain_overdue(session, patient, row, now)
    return ready


@dataclass(frozen=True)
class Composing:
    """What a composer is given: a claimed row and how things stand now."""

    session: Session
    row: Claimed
    patient: Patient | None
    course: Callable[[], Course | None]
    """Raises for a patient whose dose records form no course: only the kinds that need it ask."""
    link: CaregiverLink | None
    """The approved link between the row's patient and its recipient, for caregiver alerts."""
    reached: Reached
    """Whether the dose reminder went out, for the notes that wait their gap after it."""
    now: datetime


Composed = tuple[Message | None, Outcome | datetime | None]
"""The message, or why it is no longer sent (an outbox outcome), or the later time it moves to."""


def _caregiver_alert(it: Composing) -> Composed:
    return alerts.compose(it.session, it.row, it.patient, it.course(), it.link, it.now)


def _pen_alert(it: Composing) -> Composed:
    return pen.compose(it.session, it.row, it.patient, it.course(), it.now)


def _reorder(it: Composing) -> Composed:
    return pen_stock.compose(it.session, it.row, it.patient, it.now)


def _appointment(it: Composing) -> Composed:
    return appointments.compose(it.session, it.row, it.patient, it.link, it.now)


def _checkin(it: Composing) -> Composed:
    return checkin.compose(it.session, it.row, it.patient, it.now)


def _checklist(it: Composing) -> Composed:
    return checklist.compose(it.row, it.patient, it.now)


def _retention_warning(it: Composing) -> Composed:
    return retention.compose(it.session, it.row, it.now)


def _reminder(it: Composing) -> Composed:
    return compose(it.row, it.patient, it.course(), it.now, it.reached)


def _by_kind(
    *groups: tuple[Iterable[str], Callable[[Composing], Composed]],
) -> Mapping[str, Callable[[Composing], Composed]]:
    table: dict[str, Callable[[Composing], Composed]] = {}
    for kinds, composer in groups:
        for kind in kinds:
            if kind in table:
                raise ValueError(f"two composers for {kind!r}")
            table[kind] = composer
    return MappingProxyType(table)


COMPOSERS: Mapping[str, Callable[[Composing], Composed]] = _by_kind(
    (CAREGIVER_ALERTS, _caregiver_alert),
    (PEN_ALERTS, _pen_alert),
    (REORDER, _reorder),
    (appointments.KINDS, _appointment),
    ((CHECKIN,), _checkin),
    (CHECK_OF_KIND, _checklist),
    ((retention.KIND,), _retention_warning),
    ((kind.value for kind in Kind), _reminder),
)
"""Who composes each kind of outbox row. A kind not listed goes to the dose reminders' composer,
which cancels it when no one is left to remind and otherwise fails it as unknown."""


def compose(
    row: Claimed,
    patient: Patient | None,
    course: Course | None,
    now: datetime,
    reached: Reached | None = None,
) -> tuple[Message | None, Outcome | datetime | None]:
    """The message for a reminder row, or why it is no longer sent, or (a follow-up or evening
    note) the later time it moves to, its gap after the dose reminder (`reached`)."""
    if patient is None or course is None or patient.paused or patient.blocked_at is not None:
        return None, Outcome.CANCELLED
    kind = Kind(row.kind)
    current = next_dose(course, local_date(now, patient.time_zone))
    if (row.dose_number, row.dose_planned) != (current.number, current.planned):
        return None, Outcome.SUPERSEDED
    reminder_at = local_instant(current.planned, patient.reminder_time, patient.time_zone)
    if is_stale(kind, row.due_at, now, reminder_at, patient.time_zone):
        return None, Outcome.STALE
    if kind in (Kind.FOLLOW_UP, Kind.EVENING):
        reached = reached or Reached()
        goes_at = after_the_reminder(
            kind,
            row.due_at,
            now,
            reminder_sent_at=reached.sent_at,
            reminder_pending=reached.pending,
        )
        if goes_at is None:
            return None, Outcome.STALE
        if goes_at > now:
            return None, goes_at
    number, planned, discreet = current.number, current.planned, patient.discreet
    late = is_late(kind, row.due_at, now)
    match kind:
        case Kind.HEADS_UP:
            text = texts.reminders.heads_up(number, planned, patient.reminder_time, discreet)
        case Kind.TAKE_OUT:
            text = texts.reminders.take_out(number, discreet)
        case Kind.DOSE if planned < local_date(now, patient.time_zone):
            days = (local_date(now, patient.time_zone) - planned).days
            text = texts.reminders.dose_overdue(number, planned, days, discreet)
        case Kind.DOSE | Kind.SNOOZED:
            snoozed = kind is Kind.SNOOZED
            text = texts.reminders.dose_reminder(
                number, planned, late=late, discreet=discreet, snoozed=snoozed
            )
        case Kind.FOLLOW_UP | Kind.EVENING:
            text = texts.reminders.follow_up(number, planned, discreet)
        case Kind.MISSED:
            text = texts.reminders.missed(number, planned, discreet)
        case Kind.OVERDUE:
            text = texts.reminders.overdue(number, planned, discreet)
    markup = (
        reminder_keyboard(patient.user_id, number, planned, patient.reminder_time)
        if kind in DOSE_KINDS
        else None
    )
    return Message(text, markup), None


async def deliver(
    bot: Bot,
    app: Services,
    row: Claimed,
    message: Message,
    slots: asyncio.Semaphore,
    line: Line,
    keep_going: Callable[[], bool] = _always,
) -> int:
    async with slots:
        if not keep_going() or app.clock.now() >= row.lease_until - LEASE_MARGIN:
            return 0  # stopping, or held up too long (rate limits): given back after the batch
        if not outbox.still_claimed(line.checks, row):
            return 0  # confirmed, revoked or erased while it waited for its turn
        result = await delivery.send(bot, row.chat_id, message.text, message.markup)
        if result.result is Outcome.RETRY and result.retry_after is None:
            app.heartbeat.faults += 1
            app.heartbeat.backing_off = True
        with line.writes.begin():
            return record(line.writes, row, result, app.clock.now())


def record(connection: Connection, row: Claimed, result: delivery.Delivery, now: datetime) -> int:
    """Write what happened to the message; returns 1 if it was sent. A 429 waits as Telegram
    asks; a passing fault is tried again, backing off, for as long as the message makes sense
    (`retries.keeps_trying`). A session (for the patient) is opened only when the outcome
    touches them: most messages just need their row closed."""
    if result.result is Outcome.SENT:
        finished = outbox.finish(connection, row, now, Outcome.SENT, message_id=result.message_id)
        if finished and chains(row.kind):
            _chain(connection, row, now)
        return 1
    attempts = row.attempts + 1
    if result.result is Outcome.RETRY and (
        result.retry_after or keeps_trying(row.kind, row.due_at, now)
    ):
        wait = result.retry_after or backoff(attempts)
        failed = result.retry_after is None
        outbox.retry_at(connection, row, now + wait, result.error or "retry", failed=failed)
        log.warning("message %s will be retried in %s: %s", row.id, wait, result.error)
        return 0
    if result.result is Outcome.BLOCKED:
        outbox.finish(connection, row, now, Outcome.BLOCKED, error=result.error)
        with session_on(connection) as session:  # private chats: chat id = user id
            reminders.user_blocked(session, row.chat_id, now)
        log.info("message %s not sent: the user blocked the bot", row.id)
        return 0
    finished = outbox.finish(
        connection, row, now, Outcome.FAILED, error=result.error, attempts=attempts
    )
    log.error("message %s failed for good after %s attempts: %s", row.id, attempts, result.error)
    if finished and chains(row.kind):
        _chain(connection, row, now)
    return 0


def _chain(connection: Connection, row: Claimed, now: datetime) -> None:
    """The next daily overdue reminder after this one (if its patient is still there)."""
    if row.patient_id is None:
        return
    with session_on(connection) as session:
        if (patient := patients.get(session, row.patient_id)) is not None:
            reminders.chain_overdue(session, patient, row, now)
