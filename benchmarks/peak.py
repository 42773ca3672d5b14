"""The day's peak: N patients in one zone, all with reminders at 09:00 on the busiest day of
their plans, and a staff broadcast to everyone started at 08:55, through the real bot process
against the fake Bot API enforcing Telegram's free rate.

Why: the contract sends dose reminders first and broadcasts last; this shows how long the last
dose reminder waits when 30 msg/s is all there is, and that the broadcast waits behind them.
Time is controlled: the bot (and the fake Bot API, so its rate counts in the same time base)
run under libfaketime from 08:28 local with a speed factor, so an hour of the morning takes
minutes. Every figure is in bot time (the outbox's and deliveries' stored timestamps).
Run: `python -m benchmarks.peak [--patients 100000] [--speed 5]`.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select

from benchmarks.common import TELEGRAM_RATE, LimitedBotApi, max_in_window, p95_ms, print_table
from benchmarks.scale import Enrolled, Timer, chunks, on_time_dates, pending_rows
from bot.db import make_engine, migrate, transaction
from bot.domain.dose_statuses import counted_doses
from bot.domain.reminders import Kind, reminders_for_dose
from bot.domain.schedule import Course, next_dose
from bot.models import (
    Broadcast,
    BroadcastDelivery,
    DoseRecord,
    DoseStatus,
    OutboxMessage,
    Patient,
)
from bot.store import broadcasts, dose_statuses
from tests.support.harness import REPO_ROOT, faketime_env, libfaketime_path

ZONE = "Europe/Berlin"
AT = clock_time(9)
DAY = date(2027, 3, 9)
"""A Tuesday in winter time (UTC+1), so 09:00 local is 08:00 UTC."""
START = clock_time(8, 28)
"""The bot starts two minutes before the take-out notes (08:30) come due."""
BROADCAST_AT = clock_time(8, 55)
STAFF_ID = 4242
FIRST_USER_ID = 50_000_000
MARGIN = timedelta(minutes=1)
"""Bot time kept running after the last dose reminder, to see the broadcast resume."""
NOTICE = "🛠 <b>Maintenance tonight</b> from 22:00 to 22:30; reminders due then follow at once."


@dataclass(frozen=True)
class Options:
    patients: int
    speed: float
    seed: int
    start: clock_time = START


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.peak",
        description="N patients in Europe/Berlin, all with a dose at 09:00 today and a "
        "broadcast to everyone from 08:55; the real bot under libfaketime against a fake Bot "
        "API answering 429 beyond 30 msg/s. Prints each dose reminder's delay and the order.",
    )
    parser.add_argument(
        "--patients",
        type=int,
        default=10_000,
        help="default 10,000 (100,000 takes ~40 min of real time here: the printout says how "
        "its figures follow from this one's rate)",
    )
    parser.add_argument(
        "--speed",
        type=float,
        default=1.5,
        help="libfaketime's speed factor: bot seconds per real second (default 1.5: at x5 the "
        "bot on this shared 2-core machine managed only ~12 msg/s of bot time, not 30)",
    )
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument(
        "--start",
        type=clock_time.fromisoformat,
        default=START,
        help="local time the bot starts (default 08:28; a smoke run starts at 08:59 and sends "
        "the take-out notes late)",
    )
    args = parser.parse_args(argv)
    if args.patients < 1 or args.speed <= 0:
        parser.error("--patients must be at least 1 and --speed above 0")
    return Options(args.patients, args.speed, args.seed, args.start)


def local(at: clock_time, day: date = DAY) -> datetime:
    return datetime.combine(day, at, ZoneInfo(ZONE)).astimezone(UTC)


# --- the day: who has what ---------------------------------------------------------------


def busiest_day_kinds() -> list[tuple[Kind, datetime]]:
    """What `reminders_for_dose` plans for a dose at 09:00 on DAY, as of the bot's start:
    the messages of that local day (the missed alert falls a day later, the heads-up the day
    before)."""
    plan = reminders_for_dose(DAY, AT, ZONE, local(START))
    return [
        (due.kind, due.due_at)
        for due in plan
        if due.due_at < local(clock_time(0), DAY + timedelta(days=1))
    ]


def offsets_with_a_dose_on(day: date) -> list[int]:
    """First injections (days before `day`) whose on-time plan has a dose on `day`: loading
    doses and monthly ones, as far back as ~2.5 years."""
    return [days for days in range(7, 900) if day in on_time_dates(day - timedelta(days=days))]


def patient_on(rng: random.Random, user_id: int, offsets: Sequence[int], now: datetime) -> Enrolled:
    first = DAY - timedelta(days=rng.choice(offsets))
    dates = on_time_dates(first)
    enrolled_after = sum(1 for day in dates if day < DAY)
    known = {1: first, enrolled_after: dates[enrolled_after - 1]}
    dose = next_dose(Course(first, known, enrolled_after), DAY)
    assert dose.planned == DAY, (first, dose)
    patient = {
        "user_id": user_id,
        "chat_id": user_id,
        "time_zone": ZONE,
        "reminder_time": AT,
        "first_injection": first,
        "enrolled_after": enrolled_after,
        "paused": False,
        "discreet": False,
        "blocked_at": None,
        "enrolled_at": now,
        "updated_at": now,
    }
    records = [
        {
            "patient_id": user_id,
            "number": number,
            "taken_on": taken,
            "recorded_at": now,
            "recorded_by": None,
            "source": "enrolment",
            "injector": None,
            "site": None,
        }
        for number, taken in sorted(known.items())
    ]
    course = Course(first, known, enrolled_after)
    counted = counted_doses(course, zone=ZONE, reminder_time=AT, enrolled_at=now)
    return Enrolled(patient, records, dose, dose_statuses.rows_for(user_id, counted))


def seed(url: str, options: Options) -> tuple[float, Counter[str]]:
    """Migrate, insert the patients, their records and the rows `replan` writes (the scale
    benchmark's `pending_rows`), and a broadcast to everyone scheduled for 08:55."""
    started = time.perf_counter()
    migrate(url)
    engine = make_engine(url)
    now = local(min(START, options.start)) - timedelta(minutes=1)
    rng = random.Random(options.seed)
    offsets = offsets_with_a_dose_on(DAY)
    kinds: Counter[str] = Counter()
    timer = Timer()
    people = [patient_on(rng, FIRST_USER_ID + i, offsets, now) for i in range(options.patients)]
    for part in chunks(people, 10_000):
        timer.insert(engine, Patient.__table__, [item.patient for item in part])
        timer.insert(engine, DoseRecord.__table__, [r for item in part for r in item.records])
        timer.insert(engine, DoseStatus.__table__, [r for item in part for r in item.statuses])
        rows = [row for item in part for row in pending_rows(item, now)]
        kinds.update(row["kind"] for row in rows)
        timer.insert(engine, OutboxMessage.__table__, rows)
    with transaction(engine) as session:
        draft = broadcasts.create_draft(
            session, sender_id=STAFF_ID, sender_name="Sam", text=NOTICE, now=now
        )
        broadcasts.schedule(session, draft.id or 0, local(BROADCAST_AT))
    engine.dispose()
    return time.perf_counter() - started, kinds


# --- the fake Bot API under the same fake clock ---------------------------------------------


def _serve(connection: Connection, per_second: int) -> None:
    api = LimitedBotApi(per_second)
    api.accept_any_chat()
    with api:
        connection.send((api.base_url, api.token))
        while True:
            command = connection.recv()
            if command == "polled":
                connection.send(api.count("getUpdates", ok=None))
            elif command == "statuses":
                connection.send(Counter(call.status for call in api.calls_to("sendMessage")))
            else:
                connection.send(None)
                return


class FakeApiProcess:
    """The fake Bot API (enforcing `TELEGRAM_RATE` per second) in a child process started
    under the same FAKETIME as the bot, so its one-second window is a second of bot time."""

    def __init__(self, faketime: dict[str, str]) -> None:
        self._connection, child = multiprocessing.get_context("spawn").Pipe()
        saved = dict(os.environ)
        os.environ.update(faketime)  # the spawned interpreter inherits it, and preloads the library
        try:
            self._process = multiprocessing.get_context("spawn").Process(
                target=_serve, args=(child, TELEGRAM_RATE), daemon=True
            )
            self._process.start()
        finally:
            os.environ.clear()
            os.environ.update(saved)
        if not self._connection.poll(60):
            raise RuntimeError("the fake Bot API did not start within 60 s")
        self.base_url, self.token = self._connection.recv()

    def ask(self, command: str) -> Any:
        self._connection.send(command)
        return self._connection.recv()

    def close(self) -> None:
        if self._process.is_alive():
            self.ask("stop")
        self._process.join(timeout=15)
        if self._process.is_alive():
            self._process.kill()


# --- the run ---------------------------------------------------------------------------------


def dose_reminders_left(engine: Engine) -> int:
    table = OutboxMessage.__table__
    with engine.connect() as connection:
        return len(
            connection.execute(
                select(table.c.id).where(
                    table.c.kind == Kind.DOSE.value, table.c.finished_at.is_(None)
                )
            ).all()
        )


def bot_now(engine: Engine) -> datetime | None:
    """The bot's latest recorded instant (its clock, read back from what it wrote)."""
    table = OutboxMessage.__table__
    with engine.connect() as connection:
        return connection.execute(
            select(table.c.finished_at).order_by(table.c.finished_at.desc()).limit(1)
        ).scalar()


def run_bot(url: str, workdir: Path, options: Options) -> tuple[float, Counter[int | None], str]:
    """Start the fake Bot API and `python -m bot` under FAKETIME; return when the last dose
    reminder is out (plus MARGIN of bot time): real seconds, the fake's answers, the logs."""
    spec = f"@{local(options.start).strftime('%Y-%m-%d %H:%M:%S')} x{options.speed:g}"
    faketime = {**faketime_env(spec), "TZ": "UTC"}
    api = FakeApiProcess(faketime)
    engine = make_engine(url)
    env = {
        **os.environ,
        **faketime,
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "DATABASE_URL": url,
        "ADMIN_IDS": str(STAFF_ID),
        "TELEGRAM_RATE_LIMIT": "on",
        "PTB_TIMEDELTA": "1",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    log_path = workdir / "bot.log"
    started = time.monotonic()
    with open(log_path, "wb") as log:
        bot = subprocess.Popen(
            [sys.executable, "-m", "bot"], cwd=REPO_ROOT, env=env, stdout=log, stderr=log
        )
    try:
        while not api.ask("polled"):
            if bot.poll() is not None:
                raise RuntimeError(f"the bot exited\n{log_path.read_text()}")
            time.sleep(0.2)
        shown = time.monotonic()
        while dose_reminders_left(engine):
            if bot.poll() is not None:
                raise RuntimeError(f"the bot exited\n{log_path.read_text()}")
            if time.monotonic() - shown > 30:
                shown = time.monotonic()
                print(
                    f"  {dose_reminders_left(engine):,} dose reminders left at bot time "
                    f"{bot_now(engine)}",
                    file=sys.stderr,
                    flush=True,
                )
            time.sleep(1)
        time.sleep(MARGIN.total_seconds() / options.speed)
    finally:
        bot.terminate()
        try:
            bot.wait(30)
        except subprocess.TimeoutExpired:
            bot.kill()
        statuses = api.ask("statuses") if bot.returncode is not None else Counter()
        api.close()
        engine.dispose()
    return time.monotonic() - started, statuses, log_path.read_text(errors="replace")


# --- figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    kind: str
    at: datetime
    due: datetime | None = None


def sent_messages(url: str) -> list[Sent]:
    """Every message the bot recorded as sent (outbox and broadcast), in bot time (UTC)."""
    engine = make_engine(url)
    outbox, deliveries = OutboxMessage.__table__, BroadcastDelivery.__table__
    with engine.connect() as connection:
        rows = connection.execute(
            select(outbox.c.kind, outbox.c.finished_at, outbox.c.due_at).where(
                outbox.c.outcome == "sent"
            )
        ).all()
        delivered = connection.execute(
            select(deliveries.c.finished_at).where(deliveries.c.status == broadcasts.DELIVERED)
        ).all()
    engine.dispose()
    aware = lambda moment: moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # noqa: E731
    found = [Sent(kind, aware(at), aware(due)) for kind, at, due in rows]
    found += [Sent("broadcast", aware(at)) for (at,) in delivered]
    return sorted(found, key=lambda sent: sent.at)


def broadcast_started(url: str) -> datetime | None:
    engine = make_engine(url)
    with engine.connect() as connection:
        started = connection.execute(select(Broadcast.__table__.c.started_at)).scalar()
    engine.dispose()
    return (
        started.replace(tzinfo=UTC) if started is not None and started.tzinfo is None else started
    )


def clock_of(moment: datetime | None) -> str:
    return moment.astimezone(ZoneInfo(ZONE)).strftime("%H:%M:%S") if moment else "-"


def minutes(seconds: float) -> str:
    return f"{int(seconds // 60)} min {seconds % 60:04.1f} s"


def per_minute(sent: Sequence[Sent]) -> None:
    """Minute (local) → messages sent per kind: the order the priorities give."""
    kinds = [kind for kind in ("take_out", "dose", "missed", "follow_up", "broadcast")]
    counts: dict[str, Counter[str]] = {}
    for message in sent:
        counts.setdefault(clock_of(message.at)[:5], Counter())[message.kind] += 1
    kinds += sorted({kind for row in counts.values() for kind in row} - set(kinds))
    kinds = [kind for kind in kinds if any(row[kind] for row in counts.values())]
    header = ["minute", *kinds, "total"]
    print("\nMessages sent per minute of bot time (Europe/Berlin), by kind")
    print("  ".join(f"{name:>9}" for name in header))
    for minute, row in sorted(counts.items()):
        cells = [minute, *(str(row[kind]) for kind in kinds), str(sum(row.values()))]
        print("  ".join(f"{cell:>9}" for cell in cells))


def figures(
    options: Options, sent: Sequence[Sent], started: datetime | None, statuses: Counter[int | None]
) -> list[tuple[str, str, str]]:
    doses = [message for message in sent if message.kind == Kind.DOSE.value]
    delays = sorted((m.at - m.due).total_seconds() for m in doses if m.due is not None)
    notes = [message for message in sent if message.kind == "broadcast"]
    last_dose = doses[-1].at if doses else None
    first_dose = doses[0].at if doses else None
    window = [
        m.at.timestamp()
        for m in sent
        if first_dose is not None and last_dose is not None and first_dose <= m.at <= last_dose
    ]
    span = window[-1] - window[0] if len(window) > 1 else 0
    before = sum(1 for m in notes if last_dose is not None and m.at < last_dose)
    rate = len(window) / span if span else 0.0
    at_100k = (
        f"last out at ≈ {clock_of(local(AT) + timedelta(seconds=delays[0] + 100_000 / rate))}"
        f" ({minutes(delays[0] + 100_000 / rate)})"
        if rate and delays
        else "-"
    )
    return [
        ("dose reminders sent", f"{len(doses):,} of {options.patients:,}", "all"),
        (
            "dose reminder delay p50 / p95",
            f"{statistics.median(delays):.0f} s / {p95_ms(delays) / 1000:.0f} s" if delays else "-",
            "sent − due, bot time",
        ),
        (
            "longest dose reminder delay",
            minutes(delays[-1]) if delays else "-",
            f"≈ N / {TELEGRAM_RATE} s",
        ),
        ("last dose reminder out at", clock_of(last_dose), "local"),
        (
            "all messages, first → last dose reminder",
            f"{len(window):,} in {minutes(span)}",
            f"{len(window) / span:.1f} msg/s" if span else "-",
        ),
        ("most sends in any second (bot time)", str(max_in_window(window)), f"≤ {TELEGRAM_RATE}"),
        (
            "429 answers from the fake Bot API",
            str(statuses.get(429, 0)),
            f"of {sum(statuses.values()):,} sendMessage calls",
        ),
        ("the same at 100,000 patients (linear in N)", at_100k, "first delay + 100,000 / rate"),
        ("broadcast started (scheduled 08:55)", clock_of(started), ""),
        (
            "broadcast: first / last delivery",
            f"{clock_of(notes[0].at if notes else None)} / "
            f"{clock_of(notes[-1].at if notes else None)}",
            f"{len(notes):,} delivered in the run",
        ),
        ("broadcast deliveries before the last dose reminder", str(before), "0: it gives way"),
    ]


def main(argv: Sequence[str] | None = None) -> None:
    options = parse_args(argv)
    if libfaketime_path() is None:
        raise SystemExit("libfaketime is not installed (Debian: apt-get install faketime)")
    day = busiest_day_kinds()
    print(
        f"The peak: {options.patients:,} patients in {ZONE}, reminder time 09:00, all with a dose "
        f"on {DAY} (their plan's busiest day: "
        + ", ".join(f"{kind.value} {clock_of(at)}" for kind, at in day)
        + "; no heads-up falls on a dose day, as doses are at least 7 days apart), a broadcast "
        f"to everyone scheduled for {BROADCAST_AT:%H:%M}; bot and fake Bot API under "
        f"libfaketime from {options.start:%H:%M} at x{options.speed:g}, PTB's rate limiter on, "
        f"the fake answering 429 beyond {TELEGRAM_RATE} msg/s.",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="peak-") as folder:
        workdir = Path(folder)
        url = f"sqlite:///{workdir}/bot.db"
        seed_s, kinds = seed(url, options)
        print(
            f"seeded in {seed_s:.1f} s: "
            + ", ".join(f"{n:,} {k}" for k, n in sorted(kinds.items())),
            flush=True,
        )
        real_s, statuses, logs = run_bot(url, workdir, options)
        sent = sent_messages(url)
        started = broadcast_started(url)
    rows = figures(options, sent, started, statuses)
    rows.append(
        ("real time of the run (bot under libfaketime)", minutes(real_s), f"x{options.speed:g}")
    )
    errors = sum(" ERROR " in line or "Traceback" in line for line in logs.splitlines())
    rows.append(("error lines in the bot's log", str(errors), "0"))
    print_table("The day's peak", rows)
    per_minute(sent)


if __name__ == "__main__":
    main()
