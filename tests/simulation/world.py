"""The simulated world: the fake Bot API, the bot's processes, the clock, the faults, and the
loop that moves time from one thing that happens to the next.

The real application runs in this process: `build_application` with the real handlers, the
real store and migrations, and the real sweep and broadcast worker, each called at the
simulated instant where the job queue would have called it (the job queue itself runs on real
time, so it is not started). Updates reach the handlers the way the poller takes them in:
`getUpdates` from the fake Bot API, then `process_update`. Time jumps from one due message,
person's action or fault to the next; between them nothing would happen.

A process "dies" by raising `Death` at a chosen point of a send: from then on its database
connections refuse every statement (so no `finally` of the dead process writes anything) and
its sends never reach Telegram. A new process is built to take its place."""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import os
import random
import re
import warnings
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, event, func, or_, select
from telegram import Bot, InlineKeyboardMarkup
from telegram.ext import Application
from telegram.warnings import PTBUserWarning

from bot import delivery, services
from bot.app import build_application
from bot.clock import FixedClock
from bot.config import Settings
from bot.db import make_engine, migrate, transaction
from bot.domain.outcomes import Outcome
from bot.jobs import broadcast as broadcast_worker
from bot.jobs import retention, sweep
from bot.models import Broadcast, BroadcastDelivery, OutboxClaim, OutboxMessage, table_of
from tests.simulation import events as ev
from tests.simulation.transport import InProcess
from tests.support.fakebotapi import DEFAULT_TOKEN, FakeBotApi

log = logging.getLogger(__name__)

BROADCAST_STEP = timedelta(seconds=20)
TAG = re.compile(r"<[^>]+>")
NAME = re.compile(r"Pat\d{4}")
DIGITS = re.compile(r"\d+")


class Tally(logging.Handler):
    """The bot's error lines during the run, by what they say (numbers left out): "failed for
    good" after a long outage is expected, anything else (an exception in a handler) is not."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        said = DIGITS.sub("N", record.getMessage())[:120]
        if record.exc_info and record.exc_info[1] is not None:
            said += f" ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})"[:200]
        self.seen[said] += 1

    @property
    def unexpected(self) -> Counter[str]:
        return Counter({said: n for said, n in self.seen.items() if "failed for good" not in said})


class Death(BaseException):
    """The process dies here. A BaseException, so no `except Exception` of the bot's keeps it
    alive; whatever it interrupts is lost as it would be with the process."""


@dataclass
class Fuse:
    """A crash waiting for its moment: the next send of the right sort after `armed_at`."""

    armed_at: datetime
    point: str  # "after_claim", "after_accept", "broadcast"
    restart_after: timedelta


_sending: ContextVar[tuple[str, Any] | None] = ContextVar("sending", default=None)
"""What the send under way is: ("row", Claimed) from the sweep, ("broadcast", (id, user))."""


class Process:
    """One bot process on the shared database."""

    def __init__(self, world: World, name: str, role: str) -> None:
        self.world = world
        self.name = name
        self.role = role
        self.dead = True
        self.down_until: datetime | None = None
        self.application: Application | None = None
        self.fuse: Fuse | None = None

    @property
    def services(self) -> services.Services:
        assert self.application is not None
        return services.of(self.application)

    @property
    def bot(self) -> Bot:
        assert self.application is not None
        return self.application.bot

    async def start(self) -> None:
        settings = Settings(
            token=DEFAULT_TOKEN,
            database_url=self.world.database_url,
            admin_ids=frozenset({STAFF}),
            api_base_url=self.world.api.base_url_for(self.name),
            role=self.role,
            rate_limit=False,
            broadcast_rate=0,
        )
        api = self.world.api
        application = build_application(
            settings,
            self.world.clock,
            request=InProcess(api, self.name),
            updates_request=InProcess(api, self.name),
        )
        engine = services.of(application).engine
        self._guard(engine)
        self.application = application
        self.dead = False
        await application.initialize()
        if application.post_init is not None:
            await application.post_init(application)
        self.world.log(ev.Started(self.world.now, self.name))

    def _guard(self, engine: Engine) -> None:
        def refuse(*_: object, **__: object) -> None:
            if self.dead:
                raise Death(f"{self.name} is dead")

        event.listen(engine, "before_cursor_execute", refuse)
        event.listen(engine, "commit", refuse)

    async def die(self, point: str, row: tuple[int, str, int | None, Any] | None) -> None:
        """Record the death; the caller raises `Death` to unwind what the process was doing."""
        self.dead = True
        fuse = self.fuse
        self.fuse = None
        restart = fuse.restart_after if fuse is not None else timedelta(seconds=30)
        self.down_until = self.world.now + restart
        self.world.log(ev.Crash(self.world.now, self.name, point, row))
        self.world.crashes += 1

    async def bury(self) -> None:
        """What the operating system does for a dead process: its connections close."""
        if self.application is None:
            return
        engine = services.of(self.application).engine
        with contextlib.suppress(Exception):  # a dead process's client may be half closed
            await self.application.bot.shutdown()
        engine.dispose()
        self.application = None


STAFF = 9_000_001


@dataclass
class Options:
    patients: int
    days: int
    seed: int
    database_url: str
    start: datetime = datetime(2027, 1, 4, 0, 0, tzinfo=UTC)
    only_patient: int | None = None
    second_sender: bool = False
    faults: bool = True


@dataclass(order=True)
class Action:
    at: datetime
    order: int
    run: Callable[[], Awaitable[None]] = field(compare=False)
    who: int | None = field(default=None, compare=False)
    """Whose action (deferred with the bot down or Telegram out); None: the world's own."""


class World:
    """Everything the simulation runs, and the log it writes."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.clock = FixedClock(options.start)
        self.end = options.start + timedelta(days=options.days)
        self.api = FakeBotApi(clock=lambda: self.clock.now().timestamp())
        self.database_url = options.database_url
        self.events: list[ev.Event] = []
        self.queue: list[Action] = []
        self._order = itertools.count()
        self.processes: list[Process] = [Process(self, "main", "all")]
        if options.second_sender:
            self.processes.append(Process(self, "sender2", "sender"))
        self.offset = 0
        self.failing: str | None = None
        self.storm = False
        self.crashes = 0
        self.surprises: list[tuple[int, str]] = []
        self.on_sent: list[Callable[[ev.Sent, int | None], None]] = []
        self._call_cursor = 0
        self._next_retention = options.start
        self.steps = 0
        self.errors = Tally()
        self.broadcasting = False
        """A broadcast may be under way: the worker runs, and time moves in small steps."""
        self.restore: Callable[[], None] = lambda: None

    # -- time and the log ---------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        return self.clock.now()

    def log(self, event: ev.Event) -> None:
        self.events.append(event)

    def at(self, when: datetime, run: Callable[[], Awaitable[None]], who: int | None) -> None:
        heapq.heappush(self.queue, Action(when, next(self._order), run, who))

    def surprise(self, who: int, what: str) -> None:
        """The bot answered a person unlike the contract says: kept for the report."""
        self.surprises.append((who, f"{self.now:%Y-%m-%d %H:%M} {what}"))

    @property
    def receiver(self) -> Process:
        return self.processes[0]

    @property
    def can_talk(self) -> bool:
        """Whether people's messages reach the bot now (it is up and Telegram is)."""
        return not self.receiver.dead and self.failing is None and not self.storm

    # -- talking to the bot -------------------------------------------------------------------

    async def pump(self) -> None:
        """Take in what people sent, as the poller would, and let the handlers answer."""
        process = self.receiver
        while not process.dead:
            updates = await process.bot.get_updates(offset=self.offset, timeout=0)
            if not updates:
                return
            for update in updates:
                self.offset = update.update_id + 1
                await process.application.process_update(update)  # type: ignore[union-attr]
            await _settle()

    def calls_since(self, index: int) -> Iterator[tuple[str, int, str]]:
        """(method, chat, plain text) of what the bot said since call `index`."""
        for call in self.api.calls_since(index):
            if call.ok and call.method in ("sendMessage", "editMessageText"):
                text = call.params.get("text")
                if isinstance(text, str):
                    yield call.method, int(call.params.get("chat_id", 0)), plain(text)

    def _note_said(self) -> None:
        """Log every answer naming a patient, for the privacy check."""
        calls = self.api.calls_since(self._call_cursor)
        self._call_cursor += len(calls)
        for call in calls:
            if call.ok and call.method in ("sendMessage", "editMessageText"):
                text = call.params.get("text")
                if isinstance(text, str) and NAME.search(text):
                    self.log(ev.Said(self.now, int(call.params.get("chat_id", 0)), text))

    # -- running ------------------------------------------------------------------------------

    async def run(self) -> None:
        migrate(self.database_url)
        install_hooks(self)
        logging.getLogger().addHandler(self.errors)
        for process in self.processes:
            await process.start()
        try:
            while True:
                when = self._next_moment()
                if when is None or when > self.end:
                    break
                self.clock.set(when)
                self.steps += 1
                await self._step()
            await self._wind_down()
        finally:
            self.clock.set(max(self.now, self.end))
            try:
                await self._finish()
            finally:
                self.restore()
                logging.getLogger().removeHandler(self.errors)

    def _next_moment(self) -> datetime | None:
        candidates = [] if self.receiver.dead else [max(self._next_retention, self.now)]
        if self.queue:
            candidates.append(self.queue[0].at)
        for process in self.processes:
            if process.dead and process.down_until is not None:
                candidates.append(process.down_until)
        live = [p for p in self.processes if not p.dead]
        if live:
            due = next_due(live[0].services.engine)
            if due is not None:
                candidates.append(max(due, self.now + timedelta(seconds=1)))
            if self.broadcasting:
                candidates.append(self.now + BROADCAST_STEP)
        return max(min(candidates), self.now) if candidates else None

    async def _step(self) -> None:
        for process in self.processes:
            if process.dead and process.down_until is not None and process.down_until <= self.now:
                await process.bury()
                process.down_until = None
                await process.start()
        while self.queue and self.queue[0].at <= self.now:
            action = heapq.heappop(self.queue)
            if action.who is not None and not self.can_talk:
                self.at(self._when_reachable(), action.run, action.who)
                continue
            await self._guarded(action.run)
            await _settle()
        await self._send_due()
        if self.now >= self._next_retention and not self.receiver.dead:
            self._next_retention = self.now + timedelta(days=1)
            await self._guarded(self._retention)
        self._note_said()

    def _when_reachable(self) -> datetime:
        later = [self.now + timedelta(minutes=5)]
        if self.receiver.dead and self.receiver.down_until is not None:
            later.append(self.receiver.down_until + timedelta(seconds=30))
        return max(later)

    async def _retention(self) -> None:
        await asyncio.to_thread(retention.run, self.receiver.services)

    async def _send_due(self) -> None:
        live = [p for p in self.processes if not p.dead]
        if not live:
            return
        if self.storm:
            rng = random.Random(self.now.timestamp())
            self.api.fail_next(
                "sendMessage", 429, retry_after=rng.randint(1, 30), times=rng.randint(1, 4)
            )
        await asyncio.gather(*(self._guarded(lambda p=p: self._sweep(p)) for p in live))
        live = [p for p in self.processes if not p.dead]
        if self.broadcasting and live:
            await asyncio.gather(*(self._guarded(lambda p=p: self._broadcasts(p)) for p in live))
            live = [p for p in self.processes if not p.dead]
            self.broadcasting = not live or sending_broadcast(live[0].services.engine)
        if self.storm:
            self.api.clear_faults()
            if self.failing is not None:
                self._outage_faults(self.failing)

    async def _sweep(self, process: Process) -> None:
        await sweep.run(process.bot, process.services, lambda: not process.dead)

    async def _broadcasts(self, process: Process) -> None:
        await broadcast_worker.run(process.bot, process.services, None, lambda: not process.dead)

    async def _guarded(self, run: Callable[[], Awaitable[None]]) -> None:
        """Run a step of work; a death inside it ends only that process."""
        try:
            await run()
        except BaseException as error:
            if not _is_death(error):
                raise

    # -- faults -------------------------------------------------------------------------------

    def _outage_faults(self, kind: str) -> None:
        if kind == "timeout":
            self.api.hang_next("sendMessage", times=10**9)
        else:
            self.api.fail_next("sendMessage", 502, times=10**9)

    def outage(self, start: datetime, kind: str, length: timedelta) -> None:
        """Telegram stops answering the bot from `start` for `length`: 5xx, timeouts, or a
        429 storm (a few 429s at every sweep)."""

        async def begin() -> None:
            if kind == "429":
                self.storm = True
            else:
                self.failing = kind
                self._outage_faults(kind)
            self.log(ev.OutageBegan(self.now, kind))

        async def end() -> None:
            self.storm = False
            self.failing = None
            self.api.clear_faults()
            self.log(ev.OutageEnded(self.now, kind))

        self.at(start, begin, None)
        self.at(start + length, end, None)

    def crash(self, when: datetime, process: Process, point: str, restart: timedelta) -> None:
        """Arm a crash: at `when` for "idle", else at the next send of its sort after `when`
        (and at `when` + a day if none came)."""

        async def arm() -> None:
            if process.dead:
                return
            if point == "idle":
                process.fuse = Fuse(self.now, point, restart)
                await process.die("idle", None)
            else:
                process.fuse = Fuse(self.now, point, restart)

        async def fallback() -> None:
            if not process.dead and process.fuse is not None and process.fuse.armed_at == when:
                await process.die("idle", None)

        self.at(when, arm, None)
        self.at(when + timedelta(days=1), fallback, None)

    async def _wind_down(self) -> None:
        """The end of the year: faults lifted, every process back, and what falls due within
        a lease's time goes out (a dead process's claim runs out meanwhile), so that "nothing
        stays claimed" judges the bot, not the moment the simulation stopped."""
        self.clock.set(max(self.now, self.end))
        for kind in [*([self.failing] if self.failing else []), *(["429"] if self.storm else [])]:
            self.log(ev.OutageEnded(self.now, kind))
        self.failing, self.storm = None, False
        self.api.clear_faults()
        for process in self.processes:
            if process.dead:
                await process.bury()
                process.down_until = None
                await process.start()
        settled_by = self.end + sweep.LEASE + timedelta(minutes=1)
        for _ in range(1000):
            due = next_due(self.receiver.services.engine)
            if due is None or due > settled_by:
                break
            self.clock.set(max(due, self.now))
            await self._send_due()
        self.clock.set(settled_by)

    async def _finish(self) -> None:
        self._note_said()
        engine = make_engine(self.database_url)
        try:
            claimed, unsettled = leftovers(engine, self.now)
        finally:
            engine.dispose()
        self.log(ev.Finished(self.now, claimed, unsettled))
        for process in self.processes:
            if not process.dead and process.application is not None:
                await process.application.shutdown()
        self.api.stop()


def plain(html: str) -> str:
    return TAG.sub("", html).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


async def _settle() -> None:
    """Let the tasks handlers started (PTB's non-blocking handlers) finish."""
    current = asyncio.current_task()
    for _ in range(10):
        others = [task for task in asyncio.all_tasks() if task is not current]
        if not others:
            return
        await asyncio.gather(*others, return_exceptions=True)


def _is_death(error: BaseException) -> bool:
    if isinstance(error, Death):
        return True
    if isinstance(error, BaseExceptionGroup):
        return any(_is_death(inner) for inner in error.exceptions)
    cause = error.__context__ or error.__cause__
    return cause is not None and _is_death(cause)


def next_due(engine: Engine) -> datetime | None:
    """When the outbox next has something to claim (its due time, a retry's wait, or the end
    of the lease a claim holds it with)."""
    table, claims = table_of(OutboxMessage), table_of(OutboxClaim)
    with transaction(engine) as session:
        earliest = func.coalesce(claims.c.lease_until, table.c.not_before, table.c.due_at)
        due = session.execute(
            select(func.min(earliest))
            .select_from(table.outerjoin(claims, claims.c.outbox_id == table.c.id))
            .where(table.c.finished_at.is_(None))
        ).scalar()
    return _aware(due) if due is not None else None


def sending_broadcast(engine: Engine) -> bool:
    table = table_of(Broadcast)
    with transaction(engine) as session:
        return (
            session.execute(
                select(func.count()).select_from(table).where(table.c.status == "sending")
            ).scalar()
            or 0
        ) > 0


def leftovers(engine: Engine, now: datetime) -> tuple[int, int]:
    """Rows still claimed at the end, and rows due before the end that were never settled."""
    table, claims = table_of(OutboxMessage), table_of(OutboxClaim)
    deliveries = table_of(BroadcastDelivery)
    held = select(claims.c.outbox_id).where(claims.c.outbox_id == table.c.id).exists()
    with transaction(engine) as session:
        claimed = session.execute(
            select(func.count())
            .select_from(table)
            .where(table.c.finished_at.is_(None), or_(held, table.c.not_before.is_not(None)))
        ).scalar()
        unsettled = session.execute(
            select(func.count())
            .select_from(table)
            .where(table.c.finished_at.is_(None), table.c.due_at < now - timedelta(minutes=5))
        ).scalar()
        waiting = session.execute(
            select(func.count()).select_from(deliveries).where(deliveries.c.finished_at.is_(None))
        ).scalar()
    return int(claimed or 0), int(unsettled or 0) + int(waiting or 0)


def _aware(moment: datetime | str) -> datetime:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def install_hooks(world: World) -> None:
    """Wrap the two places every outbox and broadcast message passes (the sweep's `deliver`,
    the worker's `_deliver`) and the one send under them (`delivery.send`): the log learns
    what Telegram accepted, and a fuse can kill the process before or after Telegram took it."""
    real_deliver = sweep.deliver
    real_broadcast = broadcast_worker._deliver
    real_send = delivery.send

    async def deliver(bot: Bot, app: services.Services, row: Any, *args: Any, **kw: Any) -> int:
        _sending.set(("row", (row, _process_of(world, app))))
        return await real_deliver(bot, app, row, *args, **kw)

    async def broadcast_deliver(
        bot: Bot,
        app: services.Services,
        limiter: Any,
        slots: Any,
        broadcast: Broadcast,
        row: tuple[int, int, int],
        *args: Any,
        **kw: Any,
    ) -> int:
        _sending.set(("broadcast", (broadcast.id, row[1], _process_of(world, app))))
        return await real_broadcast(bot, app, limiter, slots, broadcast, row, *args, **kw)

    async def send(
        bot: Bot,
        chat_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        *,
        paid: bool = False,
    ) -> delivery.Delivery:
        sending = _sending.get()
        process = sending[1][-1] if sending is not None else None
        if process is not None and process.dead:
            raise Death("a dead process sends nothing")
        fuse = process.fuse if process is not None else None
        kind = sending[0] if sending is not None else None
        key = _key(sending)
        lit = fuse is not None and fuse.armed_at <= world.now
        if lit and process is not None and fuse.point == "after_claim" and kind == "row":
            await process.die("after_claim", key)
            raise Death("after the claim, before the send")
        result = await real_send(bot, chat_id, text, markup, paid=paid)
        if result.result is Outcome.SENT and sending is not None:
            if kind == "row":
                row = sending[1][0]
                sent = ev.Sent(
                    world.now,
                    chat_id,
                    row.kind,
                    row.patient_id,
                    row.dose_number,
                    row.dose_planned,
                    _aware(row.due_at),
                    plain(text),
                )
                world.log(sent)
                for listener in world.on_sent:
                    listener(sent, result.message_id)
            else:
                world.log(ev.BroadcastDelivered(world.now, chat_id, sending[1][0]))
        elif result.result is Outcome.BLOCKED:
            world.log(ev.Refused(world.now, chat_id, key[1] if key else "broadcast"))
        if (
            lit
            and process is not None
            and result.result is Outcome.SENT
            and fuse is not None
            and (fuse.point, kind) in (("after_accept", "row"), ("broadcast", "broadcast"))
        ):
            await process.die(fuse.point, key)
            raise Death("Telegram accepted it; the database never heard")
        return result

    sweep.deliver = deliver  # type: ignore[assignment]
    broadcast_worker._deliver = broadcast_deliver  # type: ignore[assignment]
    delivery.send = send  # type: ignore[assignment]
    world.restore = lambda: _restore(real_deliver, real_broadcast, real_send)


def _restore(real_deliver: Any, real_broadcast: Any, real_send: Any) -> None:
    """Put the real functions back (a test runs several worlds in one interpreter)."""
    sweep.deliver = real_deliver
    broadcast_worker._deliver = real_broadcast
    delivery.send = real_send


def _process_of(world: World, app: services.Services) -> Process | None:
    for process in world.processes:
        if process.application is not None and services.of(process.application) is app:
            return process
    return None


def _key(sending: tuple[str, Any] | None) -> tuple[int, str, int | None, Any] | None:
    if sending is None or sending[0] != "row":
        return None
    row = sending[1][0]
    return (row.chat_id, row.kind, row.dose_number, row.dose_planned)


warnings.filterwarnings("ignore", category=PTBUserWarning)
os.environ.setdefault("PTB_TIMEDELTA", "1")
