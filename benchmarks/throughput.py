"""Throughput: reminders per second to a local fake Bot API, bare PTB against the real sweep.

Why: the outbox costs database work per message (claim, compose, record); this shows how much
of the transport's rate survives it, and that with the rate limiter on the bot stays under
Telegram's ~30 messages per second without being answered 429.

Run: `python -m benchmarks.throughput` (2,000 messages for the first two, 300 rate-limited).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from benchmarks.common import TELEGRAM_RATE, ServerProcess, max_in_window, print_table, verdict
from bot import services, texts
from bot.app import build_application
from bot.clock import FixedClock
from bot.config import load_settings
from bot.db import make_engine, migrate
from bot.domain.outcomes import Outcome
from bot.domain.reminders import PRIORITY, Kind
from bot.domain.timing import local_date, local_instant
from bot.jobs import sweep
from bot.keyboards.doses import reminder_keyboard
from bot.models import OutboxMessage, Patient
from bot.store import outbox

GOAL_RATIO = 0.8
GOAL_OWN_CPU_MS = 1.0
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "UTC")
FIRST_USER_ID = 20_000_000
LIMITED_DEFAULT = 300


@dataclass(frozen=True)
class Options:
    size: int
    limited: int
    seed: int


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.throughput",
        description="Messages per second to a local fake Bot API: (a) a bare PTB loop, (b) the "
        "outbox sweep, (c) the sweep with the rate limiter on against a server that answers 429 "
        "above 30 sendMessage per second.",
    )
    parser.add_argument("--size", type=int, default=2_000, help="messages for (a) and (b)")
    parser.add_argument(
        "--limited",
        type=int,
        help=f"messages for (c); default {LIMITED_DEFAULT}, or --size if that is smaller",
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    limited = args.limited if args.limited is not None else min(LIMITED_DEFAULT, args.size)
    return Options(size=args.size, limited=limited, seed=args.seed)


@dataclass(frozen=True)
class Recipient:
    user_id: int
    zone: str
    reminder_time: clock_time


def recipients(rng: random.Random, first_id: int, count: int, now: datetime) -> list[Recipient]:
    """Patients whose reminder time today (their local date) passed 1-9 minutes before `now`."""
    people = []
    for index in range(count):
        zone = rng.choice(ZONES)
        due = (now - timedelta(minutes=rng.randint(1, 9))).astimezone(ZoneInfo(zone))
        same_day = due.date() == local_date(now, zone)
        at = due.time().replace(second=0, microsecond=0) if same_day else clock_time(0, 0)
        people.append(Recipient(first_id + index, zone, at))
    return people


def build_database(url: str, people: Sequence[Recipient], now: datetime) -> None:
    """One due dose reminder per patient, each for dose 1 planned today (their local date),
    as `replan` writes it; nothing else is due."""
    migrate(url)
    engine = make_engine(url)
    patients: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    for person in people:
        today = local_date(now, person.zone)
        patients.append(
            {
                "user_id": person.user_id,
                "chat_id": person.user_id,
                "time_zone": person.zone,
                "reminder_time": person.reminder_time,
                "first_injection": today,
                "enrolled_after": 0,
                "paused": False,
                "discreet": False,
                "blocked_at": None,
                "enrolled_at": now - timedelta(days=1),
                "updated_at": now - timedelta(days=1),
            }
        )
        rows.append(
            {
                "chat_id": person.user_id,
                "patient_id": person.user_id,
                "dose_number": 1,
                "dose_planned": today,
                "kind": Kind.DOSE.value,
                "priority": PRIORITY[Kind.DOSE],
                "due_at": local_instant(today, person.reminder_time, person.zone),
                "not_before": None,
                "attempts": 0,
                "finished_at": None,
                "outcome": None,
                "message_id": None,
                "error": None,
                "created_at": now - timedelta(days=1),
            }
        )
    with engine.begin() as connection:
        connection.execute(insert(Patient.__table__), patients)
        connection.execute(insert(OutboxMessage.__table__), rows)
    engine.dispose()


def outcomes(url: str) -> dict[str | None, int]:
    engine = make_engine(url)
    with engine.connect() as connection:
        found = [row[0] for row in connection.execute(select(OutboxMessage.outcome))]
        connection.rollback()
    engine.dispose()
    return {outcome: found.count(outcome) for outcome in set(found)}


@dataclass(frozen=True)
class Timed:
    """Wall-clock and CPU seconds (this process: the fake Bot API runs in another) of a run."""

    wall: float
    cpu: float


async def bare_loop(
    server: ServerProcess, url: str, people: Sequence[Recipient], now: datetime, in_flight: int
) -> Timed:
    """(a) The transport alone: the application's own `Bot` (PTB's ExtBot with the bot's
    defaults and HTTP settings) sends the text and keyboard a dose reminder has, `in_flight` at a
    time, with no database and nothing composed beyond building the keyboard."""
    today = now.date()
    text = texts.reminders.dose_reminder(1, today, late=False, discreet=False, snoozed=False)
    application = build_application(load_settings(environment(server, url, rate_limit=False)))
    slots = asyncio.Semaphore(in_flight)

    async def send(person: Recipient) -> None:
        async with slots:
            markup = reminder_keyboard(person.user_id, 1, today)
            await application.bot.send_message(person.user_id, text, reply_markup=markup)

    async with application:
        started, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(send(person) for person in people))
        timed = Timed(time.perf_counter() - started, time.process_time() - cpu)
    services.of(application).engine.dispose()
    return timed


def environment(server: ServerProcess, url: str, *, rate_limit: bool) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": server.token,
        "TELEGRAM_API_BASE_URL": server.base_url,
        "DATABASE_URL": url,
        "TELEGRAM_RATE_LIMIT": "on" if rate_limit else "off",
        "BOT_ROLE": "sender",
    }


PHASES = (
    ("claim (ids and leases)", outbox, "take"),
    ("read the claimed rows", outbox, "rows_of"),
    ("compose (patients, plans, texts, keyboards)", sweep, "prepare"),
    ("check just before each send", outbox, "still_claimed"),
    ("record each outcome", sweep, "record"),
)


@contextmanager
def cpu_by_phase() -> Iterator[dict[str, float]]:
    """CPU seconds spent inside each of the sweep's own steps (`PHASES`), by wrapping them for
    the duration; their transactions' BEGIN and COMMIT fall outside and are in the total."""
    spent = dict.fromkeys((label for label, _, _ in PHASES), 0.0)
    originals = [(module, name, getattr(module, name)) for _, module, name in PHASES]

    def timed(label: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return real(*args, **kwargs)
            finally:
                spent[label] += time.thread_time() - started

        return run

    for (label, _, _), (module, name, real) in zip(PHASES, originals, strict=True):
        setattr(module, name, timed(label, real))
    try:
        yield spent
    finally:
        for module, name, real in originals:
            setattr(module, name, real)


async def sweep_once(server: ServerProcess, url: str, now: datetime, rate_limit: bool) -> Timed:
    """(b)/(c) The application as `bot.app` builds it, with a fixed clock; one `sweep.run`."""
    env = environment(server, url, rate_limit=rate_limit)
    application = build_application(load_settings(env), clock=FixedClock(now))
    async with application:
        started, cpu = time.perf_counter(), time.process_time()
        await sweep.run(application.bot, services.of(application))
        timed = Timed(time.perf_counter() - started, time.process_time() - cpu)
    services.of(application).engine.dispose()
    return timed


def run(options: Options, workdir: Path) -> None:
    rng = random.Random(options.seed)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    plain = recipients(rng, FIRST_USER_ID, options.size, now)
    limited = recipients(rng, FIRST_USER_ID + options.size, options.limited, now)
    plain_url = f"sqlite:///{workdir}/plain.db"
    limited_url = f"sqlite:///{workdir}/limited.db"
    build_database(plain_url, plain, now)
    build_database(limited_url, limited, now)

    with ServerProcess() as server:
        server.add_users([person.user_id for person in plain])
        one = asyncio.run(bare_loop(server, plain_url, plain, now, 1))
        bare = asyncio.run(bare_loop(server, plain_url, plain, now, sweep.IN_FLIGHT))
        with cpu_by_phase() as phases:
            swept = asyncio.run(sweep_once(server, plain_url, now, rate_limit=False))
        plain_sends = server.calls("sendMessage")
    sent = outcomes(plain_url).get(Outcome.SENT, 0)
    best = min(one.wall, bare.wall)
    bare_rate, sweep_rate = options.size / best, sent / swept.wall
    ratio = sweep_rate / bare_rate
    bare_cpu, sweep_cpu = bare.cpu / options.size * 1000, swept.cpu / max(sent, 1) * 1000
    own = sweep_cpu - bare_cpu
    print_table(
        f"Throughput to a local fake Bot API (separate process), {options.size:,} messages each",
        [
            (
                "(a) bare PTB loop: one at a time / 4 in flight",
                f"{options.size / one.wall:,.0f} / {options.size / bare.wall:,.0f} msg/s",
                "the application's Bot, no database; (a) = the faster",
            ),
            (
                "(b) outbox sweep (sweep.run)",
                f"{sweep_rate:,.0f} msg/s",
                f"{sent:,} sent in {swept.wall:.2f} s; SQLite temp file",
            ),
            (
                "(b) / (a)",
                f"{ratio:.2f}",
                f"≥ {GOAL_RATIO}: {verdict(ratio >= GOAL_RATIO)}",
            ),
            (
                "sendMessage refused by the server",
                str(sum(call.status != 200 for call in plain_sends)),
                "",
            ),
            (
                "CPU per message: (a) 4 in flight / (b)",
                f"{bare_cpu:.3f} / {sweep_cpu:.3f} ms",
                "this process",
            ),
            (
                "the bot's own CPU per message, (b) − (a)",
                f"{own:.3f} ms",
                f"≤ {GOAL_OWN_CPU_MS} ms: {verdict(own <= GOAL_OWN_CPU_MS)}; claim, compose, "
                "check, record, their transactions",
            ),
            *(
                (f"  {label}", f"{seconds / max(sent, 1) * 1000:.3f} ms", "per message")
                for label, seconds in phases.items()
            ),
        ],
    )

    with ServerProcess(per_second=TELEGRAM_RATE) as server:
        server.add_users([person.user_id for person in limited])
        limited_s = asyncio.run(sweep_once(server, limited_url, now, rate_limit=True)).wall
        calls = server.calls("sendMessage")
    accepted = [call.time for call in calls if call.status == 200]
    refused = sum(call.status == 429 for call in calls)
    sent = outcomes(limited_url).get(Outcome.SENT, 0)
    window = max_in_window(accepted)
    attempted = max_in_window([call.time for call in calls])
    rate = sent / limited_s
    print_table(
        f"(c) sweep with AIORateLimiter(max_retries=2), {options.limited:,} messages; the server "
        f"answers 429 above {TELEGRAM_RATE} sendMessage in any 1 s",
        [
            (
                "achieved rate",
                f"{rate:,.1f} msg/s",
                f"≤ {TELEGRAM_RATE}: {verdict(rate <= TELEGRAM_RATE)}; {sent:,} sent in "
                f"{limited_s:.2f} s",
            ),
            (
                "429 answers",
                str(refused),
                f"0: {verdict(refused == 0)}",
            ),
            (
                "max sendMessage in any 1 s (attempted / accepted)",
                f"{attempted} / {window}",
                f"≤ {TELEGRAM_RATE}: {verdict(attempted <= TELEGRAM_RATE)}",
            ),
        ],
    )


def main(argv: Sequence[str] | None = None) -> None:
    options = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-throughput-") as workdir:
        run(options, Path(workdir))


if __name__ == "__main__":
    main()
