"""The broadcast worker: sends a broadcast to its recipients under a rate cap, edits the
preview with progress, then reports to the staff member who sent it.

It runs as a job that schedules its own next run, so a broadcast of an hour is one long run
(checking between messages whether the bot is stopping; sends in flight then get a few
seconds, see `inflight`) rather than a repeating job that APScheduler would keep skipping.
A lease on the broadcast row means one process sends it, so the cap holds across processes;
reminders keep the rest of Telegram's ~30 msg/s. A free broadcast also gives way: while a
reminder, alert or note is due and unsent (asked of the database, so it holds across
processes), it sends nothing, so at a peak the reminders get all of Telegram's rate and the
broadcast goes on after them, as the contract orders ("dose reminders first, … then
broadcasts")."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable
from datetime import datetime, timedelta

from aiolimiter import AsyncLimiter
from sqlmodel import Session
from telegram import Bot, InlineKeyboardMarkup
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import delivery, services, texts
from bot.db import transaction
from bot.domain.broadcast import Status, delivered_by_language, text_for
from bot.domain.outcomes import Outcome
from bot.domain.reminders import BROADCAST_PRIORITY
from bot.domain.retries import BROADCAST, backoff, keeps_trying
from bot.jobs import inflight
from bot.keyboards.broadcast import progress_keyboard
from bot.models import Broadcast
from bot.services import Services
from bot.store import broadcasts, languages, outbox, reminders
from bot.texts import language

log = logging.getLogger(__name__)

JOB_NAME = "broadcast worker"
LIMITER = "broadcast_limiter"
IDLE = timedelta(seconds=2)
LEASE = timedelta(seconds=30)
LEASE_MARGIN = timedelta(seconds=10)
IN_FLIGHT = 8
UNCAPPED_BATCH = 50
PROGRESS_EVERY = timedelta(seconds=5)
GIVE_WAY_PAUSE = 0.5
"""Seconds between looks at the outbox while a free broadcast waits for the reminders."""


def limiter_for(rate: float) -> AsyncLimiter | None:
    """`rate` messages per second (0: no cap). The bucket holds a quarter of a second's worth:
    enough to make up for a late wake-up (with room for one message only, each delay is lost
    and the rate falls ~2 % short), too little for a burst that would take the reminders'
    share of Telegram's limit."""
    if rate <= 0:
        return None
    room = max(1.0, rate / 4)
    return AsyncLimiter(room, room / rate)


async def work(context: ContextTypes.DEFAULT_TYPE) -> None:
    application = context.application
    try:
        await run(
            context.bot, services.of(context), application.bot_data[LIMITER], _running(context)
        )
    finally:
        if application.running:
            assert context.job_queue is not None  # this runs as a job: there is a queue
            context.job_queue.run_once(work, when=IDLE, name=JOB_NAME)


def _running(context: ContextTypes.DEFAULT_TYPE) -> Callable[[], bool]:
    return lambda: context.application.running


async def run(
    bot: Bot, app: Services, limiter: AsyncLimiter | None, keep_going: Callable[[], bool]
) -> int:
    """Work on broadcasts until none has anything to do now; returns the messages delivered."""
    delivered = 0
    visited: set[int] = set()  # once per run: one waiting out a 429 must not spin the loop
    with transaction(app.engine) as session:
        started = broadcasts.start_due(session, app.clock.now())
    for broadcast in started:
        log.info("broadcast %s: scheduled start, %s recipients", broadcast.id, broadcast.total)
        await _edit_preview(bot, broadcast, progress_markup(broadcast))
    while keep_going():
        with transaction(app.engine) as session:
            held = broadcasts.take_lease(session, app.clock.now(), LEASE, skip=visited)
        if held is None:
            return delivered
        visited.add(held.broadcast_id)
        try:
            delivered += await _work_on(bot, app, limiter, held, keep_going)
        finally:
            with transaction(app.engine) as session:
                broadcasts.release(session, held)
    return delivered


async def _work_on(
    bot: Bot,
    app: Services,
    limiter: AsyncLimiter | None,
    held: broadcasts.Lease,
    keep_going: Callable[[], bool],
) -> int:
    """Send in batches of about one second's worth, renewing the lease before each; a free
    broadcast waits (renewing it) while a reminder is due and unsent."""
    batch_size = (
        math.ceil(limiter.max_rate / limiter.time_period) if limiter is not None else UNCAPPED_BATCH
    )
    slots = asyncio.Semaphore(IN_FLIGHT)
    delivered = 0
    progress_at = app.clock.now()
    yields = gives_way(app)
    while keep_going():
        now = app.clock.now()
        with transaction(app.engine) as session:
            broadcast = broadcasts.renew(session, held, now, LEASE)
            if broadcast is None:
                return delivered  # another process took over
            waiting = (
                yields
                and broadcast.status == Status.SENDING
                and outbox.any_due_before(session, BROADCAST_PRIORITY, now)
            )
            if not waiting:
                language.activate(languages.of(session, broadcast.sender_id))
                rows = broadcasts.due(session, held.broadcast_id, now, batch_size)
                versions = broadcasts.versions(session, held.broadcast_id)
                spoken = languages.of_many(session, [user_id for _, user_id, _ in rows])
                if not rows and broadcasts.finish(session, held, now):
                    session.refresh(broadcast)  # now done, with its finishing time
        if waiting:
            await asyncio.sleep(GIVE_WAY_PAUSE)  # the lease, renewed above, stays ours
            continue
        if broadcast.status != Status.SENDING:
            await _report(bot, app, broadcast)
            return delivered
        if not rows:
            return delivered  # only postponed recipients left: back on a later run
        lease_until = now + LEASE
        sent = await inflight.run_all(
            (
                _deliver(
                    bot,
                    app,
                    limiter,
                    slots,
                    broadcast,
                    row,
                    text_for(
                        spoken.get(row[1], language.DEFAULT),
                        language.DEFAULT,
                        broadcast.text,
                        versions,
                    ),
                    lease_until,
                    keep_going,
                )
                for row in rows
            ),
            keep_going,
        )
        delivered += sum(sent)
        if keep_going() and app.clock.now() - progress_at >= PROGRESS_EVERY:
            progress_at = app.clock.now()
            with transaction(app.engine) as session:
                current = broadcasts.get(session, held.broadcast_id)
            if current is not None:
                await _edit_preview(bot, current, progress_markup(current))
    return delivered


def gives_way(app: Services) -> bool:
    """Whether this process's broadcasts wait while reminders are due. A free broadcast does:
    it shares Telegram's ~30 msg/s with them. A paid one (PAID_BROADCAST) does not: Telegram
    lets those messages past the free limit for a fee, so they take nothing from the
    reminders' rate, and stalling them at every reminder peak would only break the pace the
    operator pays for."""
    return not app.settings.paid_broadcast


async def _deliver(
    bot: Bot,
    app: Services,
    limiter: AsyncLimiter | None,
    slots: asyncio.Semaphore,
    broadcast: Broadcast,
    row: tuple[int, int, int],
    version: tuple[str, str],
    lease_until: datetime,
    keep_going: Callable[[], bool],
) -> int:
    """Send one recipient `version` (the language and text they get)."""
    delivery_id, user_id, attempts = row
    text_language, text = version
    async with slots:
        if limiter is not None:
            await limiter.acquire()
        if not keep_going() or app.clock.now() >= lease_until - LEASE_MARGIN:
            return 0  # stopping, or held up too long: it stays pending for the next run
        with transaction(app.engine) as session:
            if not broadcasts.still_pending(session, broadcast.id or 0, delivery_id):
                return 0  # ⏹ pressed, or the user erased their data, while it waited its turn
        result = await delivery.send(bot, user_id, text, paid=app.settings.paid_broadcast)
    now = app.clock.now()
    with transaction(app.engine) as session:
        return record(
            session,
            broadcast.id or 0,
            delivery_id,
            user_id,
            attempts,
            result,
            now,
            started_at=broadcast.started_at or now,
            language=None if text_language == language.DEFAULT else text_language,
        )


def record(
    session: Session,
    broadcast_id: int,
    delivery_id: int,
    user_id: int,
    attempts: int,
    result: delivery.Delivery,
    now: datetime,
    *,
    started_at: datetime,
    language: str | None = None,
) -> int:
    """Close or postpone one delivery; returns 1 if it was delivered. A user who blocked the
    bot is marked inactive (no more reminders or broadcasts until they come back). A passing
    fault is tried again, backing off, for a day after the broadcast started. `language`: the
    version delivered, when not the default language's text (counted for the report)."""
    if result.result is Outcome.SENT:
        if (
            broadcasts.close(
                session,
                broadcast_id,
                delivery_id,
                broadcasts.DELIVERED,
                now,
                attempts=attempts + 1,
            )
            and language is not None
        ):
            broadcasts.count_version(session, broadcast_id, language)
        return 1
    if result.result is Outcome.BLOCKED:
        broadcasts.close(
            session,
            broadcast_id,
            delivery_id,
            broadcasts.BLOCKED,
            now,
            attempts=attempts + 1,
            error=result.error,
        )
        reminders.user_blocked(session, user_id, now)
        return 0
    tries = attempts if result.retry_after else attempts + 1
    if result.result is Outcome.RETRY and (
        result.retry_after or keeps_trying(BROADCAST, started_at, now)
    ):
        wait = result.retry_after or backoff(tries)
        broadcasts.postpone(
            session, delivery_id, now + wait, result.error or "retry", attempts=tries
        )
        return 0
    broadcasts.close(
        session,
        broadcast_id,
        delivery_id,
        broadcasts.FAILED,
        now,
        attempts=tries,
        error=result.error,
    )
    log.warning("broadcast %s: one delivery failed for good: %s", broadcast_id, result.error)
    return 0


async def _report(bot: Bot, app: Services, broadcast: Broadcast) -> None:
    """The final report as a new message to the sender; kept pending until Telegram takes it."""
    duration = (broadcast.finished_at or app.clock.now()) - (
        broadcast.started_at or app.clock.now()
    )
    with transaction(app.engine) as session:
        counts = broadcasts.version_counts(session, broadcast.id or 0)
    text = texts.staff.broadcast_report(
        broadcast.id or 0,
        broadcasts.tally(broadcast),
        duration,
        stopped=broadcast.status == Status.STOPPED,
        by_language=delivered_by_language(broadcast.delivered, language.DEFAULT, counts),
    )
    result = await delivery.send(bot, broadcast.preview_chat_id or broadcast.sender_id, text)
    if result.result is Outcome.RETRY:
        log.warning("broadcast %s: report not sent yet: %s", broadcast.id, result.error)
        return
    with transaction(app.engine) as session:
        broadcasts.mark_reported(session, broadcast.id or 0, app.clock.now())
    await _edit_preview(bot, broadcast, progress_markup(broadcast))


async def _edit_preview(bot: Bot, broadcast: Broadcast, markup: InlineKeyboardMarkup) -> None:
    """Best effort: progress on the preview is a courtesy; the report is what counts."""
    if broadcast.preview_chat_id is None or broadcast.preview_message_id is None:
        return
    try:
        await bot.edit_message_reply_markup(
            broadcast.preview_chat_id, broadcast.preview_message_id, reply_markup=markup
        )
    except TelegramError as error:
        log.info("broadcast %s: preview not updated: %s", broadcast.id, type(error).__name__)


def progress_markup(broadcast: Broadcast) -> InlineKeyboardMarkup:
    return progress_keyboard(
        broadcast.id or 0, broadcasts.tally(broadcast), sending=broadcast.status == Status.SENDING
    )
