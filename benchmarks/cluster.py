"""Cluster: a million patients on PostgreSQL, one receiving process and three senders.

Why: Telegram's rate should be the only limit the bot meets. This seeds N enrolled patients
(as `benchmarks.scale` computes them) with PostgreSQL's COPY, times the outbox claim under four
concurrent claimers, measures the messages per second the processes send together (and how that
grows from one to four processes), then a paid broadcast to everyone at PAID_BROADCAST_RATE
with reminders falling due meanwhile; each figure with the CPU and memory behind it.

Run: `python -m benchmarks.cluster --database-url postgresql://…/empty_db` (1,000,000 patients),
or `--server-url postgresql://…/postgres` to create and drop a database of its own.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import sqlalchemy
import telegram
from sqlalchemy import Engine, Table, text
from sqlmodel import Session

from benchmarks.broadcast import NOTICE, SEND_BUTTON, cpu_seconds, wait_for_preview
from benchmarks.common import max_in_window, median_ms, memory_mb, p95_ms, print_table, verdict
from benchmarks.scale import (
    CHUNK,
    FIRST_USER_ID,
    PLAN_AHEAD,
    Enrolled,
    claim_instant,
    enrolled,
    make_due,
    pending_rows,
    sent_rows,
)
from bot.config import normalize_database_url
from bot.db import make_engine, migrate
from bot.jobs.sweep import LEASE
from bot.models import DoseRecord, OutboxClaim, OutboxMessage, Patient, table_of
from bot.store import outbox
from tests.support.fakebotapi import FakeBotApi
from tests.support.harness import REPO_ROOT

GOAL_RSS_MB = 150.0
GOAL_CLAIM_MS = 5.0
PAID_RATE = 1000
TOLERANCE = 0.05
CLAIMERS = 4
STAFF_ID = 4242
READY_TIMEOUT = 60.0
POLL = 1.0
"""Seconds between reads of the fake's call log while messages go out."""
SLOWEST = 20.0
"""For time limits only: the cluster is assumed to send at least this many messages a second."""


@dataclass(frozen=True)
class Options:
    database_url: str | None
    server_url: str | None
    patients: int
    sent_rows: int
    due: int
    senders: int
    broadcast_seconds: float
    broadcast_due: int
    claim: int
    repeats: int
    keep: bool
    growth: bool
    seed: int


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.cluster",
        description="Seed N patients into PostgreSQL with COPY, time concurrent claims, run one "
        "receiving bot and --senders senders against a fake Bot API in its own process "
        "(messages per second, each exactly once, RSS, CPU; 1 to 1+senders processes), then a "
        "paid broadcast to everyone at 1,000 msg/s with reminders falling due meanwhile.",
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument(
        "--database-url", help="an empty, migrated or not, PostgreSQL database (emptied after)"
    )
    where.add_argument(
        "--server-url",
        help="a PostgreSQL server's maintenance database: a database of its own is created "
        "there and dropped after",
    )
    parser.add_argument("--patients", type=int, default=1_000_000, help="default 1,000,000")
    parser.add_argument(
        "--sent-rows", type=int, default=1_000_000, help="sent history in the outbox (1,000,000)"
    )
    parser.add_argument("--due", type=int, default=20_000, help="reminders due per run (20,000)")
    parser.add_argument("--senders", type=int, default=3, help="BOT_ROLE=sender processes (3)")
    parser.add_argument(
        "--broadcast-seconds",
        type=float,
        default=120.0,
        help="how long the paid broadcast is measured from its 1st delivery (0: to the end)",
    )
    parser.add_argument(
        "--broadcast-due",
        type=int,
        default=1_000,
        help="reminders made due during the broadcast (1,000)",
    )
    parser.add_argument("--claim", type=int, default=500, help="rows per timed claim (500)")
    parser.add_argument("--repeats", type=int, default=25, help="claims per claimer (25)")
    parser.add_argument("--keep", action="store_true", help="leave the tables filled")
    parser.add_argument(
        "--no-growth",
        dest="growth",
        action="store_false",
        help="skip the runs with 1 to --senders processes (a quicker smoke run)",
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    runs = args.senders + 1
    if args.patients < args.due * (runs + 1):
        parser.error(f"--patients must be at least --due × {runs + 1} (a fresh due set per run)")
    return Options(
        database_url=args.database_url,
        server_url=args.server_url,
        patients=args.patients,
        sent_rows=args.sent_rows,
        due=args.due,
        senders=args.senders,
        broadcast_seconds=args.broadcast_seconds,
        broadcast_due=min(args.broadcast_due, args.patients - args.due * runs),
        claim=args.claim,
        repeats=args.repeats,
        keep=args.keep,
        growth=args.growth,
        seed=args.seed,
    )


def psycopg_url(url: str) -> str:
    """The URL as psycopg takes it (SQLAlchemy's `+psycopg` dialect suffix removed)."""
    return normalize_database_url(url).replace("postgresql+psycopg://", "postgresql://", 1)


def with_database(url: str, name: str) -> str:
    parts = urlsplit(psycopg_url(url))
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def print_environment(argv: Sequence[str], url: str) -> None:
    python = sys.executable
    if python.startswith(os.getcwd() + os.sep):
        python = os.path.relpath(python)
    with psycopg.connect(psycopg_url(url)) as connection:
        server = connection.execute("SHOW server_version").fetchone()
    print(f"command: {shlex.join([python, '-m', 'benchmarks.cluster', *argv])}")
    print(
        f"python {platform.python_version()} ({platform.python_implementation()}), "
        f"python-telegram-bot {telegram.__version__}, SQLAlchemy {sqlalchemy.__version__}, "
        f"psycopg {psycopg.__version__}, PostgreSQL {server[0] if server else '?'}"
    )
    print(f"platform: {platform.platform()}; {os.cpu_count()} CPUs ({cpu_model()})")
    print(f"started {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; a shared machine: figures vary")


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.partition(":")[2].strip()
    return platform.processor() or "unknown CPU"


# --- seeding with COPY -------------------------------------------------------------------------


@dataclass
class Copier:
    """COPY … FROM STDIN into one table, the columns in the table's order, Python-side scalar
    defaults filled in (COPY knows only the server's), rows and seconds counted."""

    table: Table
    columns: list[str] = field(init=False)
    defaults: dict[str, Any] = field(init=False)
    rows: int = 0
    seconds: float = 0.0

    def __post_init__(self) -> None:
        self.columns = [c.name for c in self.table.c if not (c.primary_key and c.name == "id")]
        self.defaults = {
            c.name: getattr(c.default, "arg", None)
            for c in self.table.c
            if c.default is not None and getattr(c.default, "is_scalar", False)
        }

    def copy(self, cursor: psycopg.Cursor[Any], rows: Sequence[dict[str, Any]]) -> None:
        names = ", ".join(self.columns)
        started = time.perf_counter()
        with cursor.copy(f"COPY {self.table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    tuple(row.get(name, self.defaults.get(name)) for name in self.columns)
                )
        self.seconds += time.perf_counter() - started
        self.rows += len(rows)


def people(options: Options, plan_now: datetime) -> Iterator[list[Enrolled]]:
    """`benchmarks.scale`'s enrolled patients, CHUNK at a time (a million do not fit in memory
    as objects)."""
    rng = random.Random(options.seed)
    for start in range(0, options.patients, CHUNK):
        stop = min(start + CHUNK, options.patients)
        yield [enrolled(rng, FIRST_USER_ID + i, plan_now) for i in range(start, stop)]


def seed(url: str, options: Options, plan_now: datetime) -> list[tuple[str, str, str]]:
    """Patients, their enrolment doses, pending reminders and a sent history, by COPY, one
    transaction per chunk; then ANALYZE, as autovacuum would soon do."""
    patients = Copier(table_of(Patient))
    records = Copier(table_of(DoseRecord))
    pending = Copier(table_of(OutboxMessage))
    sent = Copier(table_of(OutboxMessage))
    history_rng = random.Random(options.seed + 1)
    per_patient = options.sent_rows / max(options.patients, 1)
    started = time.perf_counter()
    with psycopg.connect(psycopg_url(url)) as connection, connection.cursor() as cursor:
        for done, chunk in enumerate_chunks(options, plan_now):
            rows = [row for item in chunk for row in pending_rows(item, plan_now)]
            history = [item for item in chunk if item.patient["enrolled_after"]]
            count = round(per_patient * (done + len(chunk))) - round(per_patient * done)
            old = [row for part in sent_rows(history_rng, history, count, plan_now) for row in part]
            patients.copy(cursor, [item.patient for item in chunk])
            records.copy(cursor, [r for item in chunk for r in item.records])
            pending.copy(cursor, rows)
            if history:
                sent.copy(cursor, old)
            connection.commit()
        total = time.perf_counter() - started
        began = time.perf_counter()
        connection.execute("ANALYZE patients, dose_records, outbox")
        connection.commit()
        analyze = time.perf_counter() - began
    copied = [patients, records, pending, sent]
    rows_all = sum(c.rows for c in copied)
    copy_s = sum(c.seconds for c in copied)
    return [
        *(
            (
                f"{name} (COPY)",
                f"{c.rows:,}",
                f"{c.rows / c.seconds:,.0f} rows/s" if c.seconds else "-",
            )
            for name, c in (
                ("patients", patients),
                ("dose records", records),
                ("pending outbox rows", pending),
                ("sent outbox rows (history)", sent),
            )
        ),
        (
            "creation in all",
            f"{total:.1f} s",
            f"{rows_all:,} rows, {rows_all / total:,.0f} rows/s; of which COPY {copy_s:.1f} s, "
            f"generating rows in Python {total - copy_s:.1f} s",
        ),
        ("ANALYZE", f"{analyze:.1f} s", "planner statistics, as autovacuum would gather"),
    ]


def enumerate_chunks(options: Options, plan_now: datetime) -> Iterator[tuple[int, list[Enrolled]]]:
    done = 0
    for chunk in people(options, plan_now):
        yield done, chunk
        done += len(chunk)


def sizes(engine: Engine) -> list[tuple[str, str, str]]:
    with engine.connect() as connection:
        database = connection.scalar(text("SELECT pg_database_size(current_database())")) or 0
        table = connection.scalar(text("SELECT pg_relation_size('outbox')")) or 0
        indexes = connection.execute(
            text(
                "SELECT indexrelname, pg_relation_size(indexrelid) FROM pg_stat_user_indexes "
                "WHERE relname = 'outbox' ORDER BY 2 DESC"
            )
        ).all()
        counts = connection.execute(
            text("SELECT count(*) FILTER (WHERE finished_at IS NULL), count(*) FROM outbox")
        ).one()
        connection.rollback()
    return [
        ("outbox rows: pending / all", f"{counts[0]:,} / {counts[1]:,}", ""),
        ("database size (pg_database_size)", mb(database), ""),
        ("outbox table (heap)", mb(table), ""),
        *((f"  index {name}", mb(size), "") for name, size in indexes),
    ]


def mb(size: int) -> str:
    return f"{size / 1e6:,.0f} MB"


# --- concurrent claims -------------------------------------------------------------------------


def claimer(
    url: str,
    now: datetime,
    limit: int,
    repeats: int,
    barrier: Barrier,
    results: Connection,
    finish: bool,
) -> None:
    """Child process: `repeats` claims, each committed as the sweep commits it; sends back
    the durations, every id claimed and this process's CPU seconds. `finish`: each claimed
    row is then marked sent (untimed), as the sweep records it within seconds; otherwise the
    leased rows stay in the pending index and every later claim must step over them."""
    engine = make_engine(url)
    with Session(engine) as session:
        session.connection()  # the pool's connection open before the clock starts
        session.rollback()
    barrier.wait()
    samples: list[float] = []
    ids: list[int] = []
    cpu = time.process_time()
    for _ in range(repeats):
        with Session(engine) as session:
            session.connection()
            started = time.perf_counter()
            claimed = outbox.claim(session, now, limit, LEASE)
            session.commit()
            samples.append(time.perf_counter() - started)
        ids.extend(row.id for row in claimed)
        if finish:
            mark_finished(engine, [row.id for row in claimed], now)
    results.send((samples, ids, time.process_time() - cpu))
    engine.dispose()


def mark_finished(engine: Engine, ids: list[int], now: datetime | None) -> None:
    """Set (or with None, clear) the rows' outcome, and end their claims (as the sweep's
    `outbox.release` does when its batch ends)."""
    table, claims = table_of(OutboxMessage), table_of(OutboxClaim)
    values: dict[str, Any] = {"finished_at": now, "outcome": "sent" if now else None}
    if now is None:
        values |= {"not_before": None}
    with engine.begin() as connection:
        connection.execute(sqlalchemy.update(table).where(table.c.id.in_(ids)).values(values))
        connection.execute(sqlalchemy.delete(claims).where(claims.c.outbox_id.in_(ids)))


def run_claimers(
    url: str, now: datetime, limit: int, repeats: int, count: int, finish: bool
) -> tuple[list[float], list[int], float, float]:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(count + 1)
    pipes = [context.Pipe(duplex=False) for _ in range(count)]
    processes = [
        context.Process(target=claimer, args=(url, now, limit, repeats, barrier, sender, finish))
        for _, sender in pipes
    ]
    for process in processes:
        process.start()
    barrier.wait()
    started = time.perf_counter()
    samples: list[float] = []
    ids: list[int] = []
    cpu = 0.0
    for receiver, _ in pipes:
        got_samples, got_ids, got_cpu = receiver.recv()
        samples += got_samples
        ids += got_ids
        cpu += got_cpu
    wall = time.perf_counter() - started
    for process in processes:
        process.join()
    return samples, ids, cpu, wall


def claims(url: str, engine: Engine, options: Options) -> list[tuple[str, str, str]]:
    """One claimer alone, then four at once, each claim's rows marked sent after it (the steady
    state: the sweep records them within seconds); then four whose claimed rows stay leased (a
    backlog every later claim steps over). The same due rows each time (restored in between);
    nothing is released during a run, so no row may come back to a second claimer."""
    with engine.connect() as connection:
        pending = connection.scalar(text("SELECT count(*) FROM outbox WHERE finished_at IS NULL"))
        connection.rollback()
    repeats = max(1, min(options.repeats, (pending or 0) // (CLAIMERS * options.claim) - 1))
    need = CLAIMERS * repeats * options.claim
    moment, due = claim_instant(engine, need + options.claim)
    rows: list[tuple[str, str, str]] = [
        ("due rows at the claims' instant", f"{due:,}", f"≥ {need:,}: none runs dry")
    ]
    for count, finish in ((1, True), (CLAIMERS, True), (CLAIMERS, False)):
        samples, ids, cpu, wall = run_claimers(url, moment, options.claim, repeats, count, finish)
        twice = len(ids) - len(set(ids))
        mark_finished(engine, ids, None)
        median = statistics.median(samples) * 1000
        plural = "s" if count > 1 else ""
        how = "each claim's rows then sent" if finish else "claimed rows left leased"
        rows += [
            (
                f"{count} claimer{plural}, {how}: claim {options.claim}, p50 / p95",
                f"{median_ms(samples):.2f} / {p95_ms(samples):.2f} ms",
                f"≤ {GOAL_CLAIM_MS:.0f} ms: {verdict(median <= GOAL_CLAIM_MS)}; "
                f"{len(samples)} claims, {repeats} per claimer",
            ),
            (
                "  rows claimed; claimed twice",
                f"{len(ids):,}; {twice}",
                f"{len(ids) / wall:,.0f} rows/s together; claimers' CPU {cpu:.1f} s "
                f"in {wall:.1f} s: {verdict(twice == 0)}",
            ),
        ]
    return rows


# --- the fake Bot API in its own process -------------------------------------------------------


Send = tuple[float, int, str, int, str]
"""One sendMessage as the fake saw it: time, chat id, client tag, status, label."""


def label_of(params: dict[str, Any]) -> str:
    """What a sendMessage was: the broadcast's notice to a patient, the report or another
    message to staff, or (nothing else is due) a reminder."""
    body = str(params.get("text", ""))
    if str(params.get("chat_id")) == str(STAFF_ID):
        return "report" if body.startswith("📣 Broadcast #") else "staff"
    return "notice" if body == NOTICE else "reminder"


def fake_main(connection: Connection) -> None:
    """Child process: the fake Bot API (accepting any chat) and the staff member's taps, on
    the parent's commands."""
    api = FakeBotApi()
    with api:
        api.accept_any_chat()
        connection.send((api.token, api.base_url))
        while True:
            command, argument = connection.recv()
            if command == "sends":
                connection.send(sends_since(api, argument))
            elif command == "ready":
                method, client, timeout = argument
                connection.send(wait_ready(api, method, client, timeout))
            elif command == "broadcast":
                staff = api.user(STAFF_ID, "Sam", last_name="Support")
                staff.send(f"/broadcast {NOTICE}")
                preview = wait_for_preview(staff, timeout=argument)
                tapped = time.time()
                staff.tap(preview, SEND_BUTTON)
                connection.send((preview.button(SEND_BUTTON)["text"], tapped))
            else:
                connection.send(None)
                return


def sends_since(api: FakeBotApi, index: int) -> tuple[int, list[Send]]:
    """The answered sendMessage calls from `index` on, up to the first still unanswered."""
    found: list[Send] = []
    calls = api.calls_since(index)
    for call in calls:
        if call.status is None:
            break
        index += 1
        if call.method == "sendMessage":
            chat = int(call.params.get("chat_id", 0))
            found.append((call.time, chat, call.client or "", call.status, label_of(call.params)))
    return index, found


def wait_ready(api: FakeBotApi, method: str, client: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(c.method == method and c.client == client for c in api.calls):
            return True
        time.sleep(0.1)
    return False


class FakeProcess:
    """The parent's handle on `fake_main`; the log of sends is read incrementally."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self.process = context.Process(target=fake_main, args=(child,), name="fake-bot-api")
        self.process.start()
        if not self._connection.poll(30):
            raise RuntimeError("the fake Bot API did not start within 30 s")
        self.token, self.base_url = self._connection.recv()
        self.index = 0
        self.sends: list[Send] = []

    @property
    def pid(self) -> int:
        assert self.process.pid is not None
        return self.process.pid

    def request(self, command: str, argument: Any) -> Any:
        self._connection.send((command, argument))
        return self._connection.recv()

    def base_url_for(self, client: str) -> str:
        return self.base_url.removesuffix("/bot") + f"/{client}/bot"

    def read(self) -> list[Send]:
        """The sends answered since the last read (also kept in `sends`)."""
        self.index, new = self.request("sends", self.index)
        self.sends += new
        return new

    def close(self) -> None:
        self.request("stop", None)
        self.process.join(15)
        if self.process.is_alive():
            self.process.kill()


# --- bot processes -----------------------------------------------------------------------------


@dataclass
class Node:
    """One `python -m bot` process, tagged so the fake knows its calls apart."""

    tag: str
    role: str
    process: subprocess.Popen[bytes]
    log: Path
    cpu_start: float = 0.0

    @property
    def pid(self) -> int:
        return self.process.pid

    def cpu(self) -> float:
        return cpu_seconds(self.pid) or 0.0

    def wait(self) -> None:
        """After SIGTERM: the bot's own graceful stop, or SIGKILL after 15 s."""
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def errors(self) -> int:
        return sum(" ERROR " in line for line in self.log.read_text(errors="replace").splitlines())


def stop_all(nodes: Sequence[Node]) -> None:
    """SIGTERM to every process at once, then wait for each: their stops overlap."""
    for node in nodes:
        if node.process.poll() is None:
            node.process.terminate()
    for node in nodes:
        node.wait()


def start_nodes(
    fake: FakeProcess, url: str, count: int, workdir: Path, extra: dict[str, str]
) -> list[Node]:
    """One receiving process and `count - 1` senders, started at once, then waited for."""
    nodes = []
    for number in range(count):
        role = "all" if number == 0 else "sender"
        tag = f"p{number}"
        log = workdir / f"{tag}-{time.monotonic_ns()}.log"
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_BASE_URL": fake.base_url_for(tag),
            "DATABASE_URL": url,
            "BOT_ROLE": role,
            "TELEGRAM_RATE_LIMIT": "off",
            "LOG_LEVEL": "WARNING",
            "ADMIN_IDS": str(STAFF_ID),
            "PTB_TIMEDELTA": "1",
            "PYTHONUNBUFFERED": "1",
            **extra,
        }
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot"],
                cwd=REPO_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        nodes.append(Node(tag, role, process, log))
    for node in nodes:
        method = "getUpdates" if node.role == "all" else "getMe"
        if not fake.request("ready", (method, node.tag, READY_TIMEOUT)):
            stop_all(nodes)
            raise RuntimeError(f"{node.tag} not ready\n{node.log.read_text(errors='replace')}")
    return nodes


def backend_cpu(engine: Engine) -> float:
    """CPU seconds of the PostgreSQL backends now connected to this database (the bots')."""
    with engine.connect() as connection:
        pids = connection.scalars(
            text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
        ).all()
        connection.rollback()
    return sum(cpu_seconds(pid) or 0.0 for pid in pids)


def machine_busy() -> tuple[float, float]:
    """All CPUs' busy and total seconds so far (/proc/stat), to show what saturates."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / tick, sum(fields) / tick


def rate(times: Sequence[float]) -> tuple[float, float]:
    """Messages per second from the first to the last, and over the middle 80 %."""
    ordered = sorted(times)
    if len(ordered) < 2 or ordered[-1] == ordered[0]:
        return 0.0, 0.0
    whole = (len(ordered) - 1) / (ordered[-1] - ordered[0])
    low, high = len(ordered) // 10, len(ordered) * 9 // 10 - 1
    middle = (high - low) / (ordered[high] - ordered[low]) if high > low else whole
    return whole, middle


# --- throughput --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Throughput:
    processes: int
    due: int
    delivered: int
    span: float
    whole: float
    middle: float
    twice: int
    missing: int
    strangers: int
    per_node: list[tuple[Node, int, float, float, float, int]]
    """node, messages, CPU s, VmRSS, VmHWM, ERROR lines"""
    fake_cpu: float
    backends_cpu: float
    busy: float
    wall: float


def throughput(
    engine: Engine, url: str, fake: FakeProcess, count: int, ids: range, workdir: Path
) -> Throughput:
    """Make one reminder due for each of `ids`, start `count` processes, wait until the fake
    has them all (or nothing more comes), read each process's CPU and memory, stop them."""
    made_due = make_due(engine, list(ids), datetime.now(UTC) - timedelta(minutes=1))
    fake.read()
    first = len(fake.sends)
    fake_cpu = cpu_seconds(fake.pid) or 0.0
    busy, total = machine_busy()
    nodes = start_nodes(fake, url, count, workdir, {})
    for node in nodes:
        node.cpu_start = node.cpu()
    started = time.monotonic()
    deadline = started + made_due / SLOWEST + 60
    last_news = started
    delivered = 0
    while delivered < made_due and time.monotonic() < deadline:
        time.sleep(POLL)
        new = [s for s in fake.read() if s[3] == 200 and s[4] == "reminder"]
        delivered += len(new)
        if new:
            last_news = time.monotonic()
        elif time.monotonic() - last_news > 60:
            break
    time.sleep(0.5)
    fake.read()
    backends = backend_cpu(engine)
    per_node = []
    sends = [s for s in fake.sends[first:] if s[4] == "reminder"]
    for node in nodes:
        rss, peak = memory_mb(node.pid)
        mine = sum(1 for s in sends if s[2] == node.tag and s[3] == 200)
        per_node.append((node, mine, node.cpu() - node.cpu_start, rss, peak, 0))
    busy_after, total_after = machine_busy()
    fake_after = cpu_seconds(fake.pid) or 0.0
    stop_all(nodes)
    per_node = [(n, m, c, r, p, n.errors()) for n, m, c, r, p, _ in per_node]
    ok = [s for s in sends if s[3] == 200]
    per_chat = Counter(s[1] for s in ok)
    expected = set(ids)
    whole, middle = rate([s[0] for s in ok])
    times = sorted(s[0] for s in ok)
    return Throughput(
        processes=count,
        due=made_due,
        delivered=len(ok),
        span=times[-1] - times[0] if len(times) > 1 else 0.0,
        whole=whole,
        middle=middle,
        twice=sum(n > 1 for n in per_chat.values()),
        missing=sum(chat not in per_chat for chat in expected),
        strangers=sum(chat not in expected for chat in per_chat),
        per_node=per_node,
        fake_cpu=fake_after - fake_cpu,
        backends_cpu=backends,
        busy=busy_after - busy,
        wall=(total_after - total) / (os.cpu_count() or 1),
    )


def detail(result: Throughput) -> list[tuple[str, str, str]]:
    exact = not (result.twice or result.missing or result.strangers)
    bots = sum(cpu for _, _, cpu, _, _, _ in result.per_node)
    rows = [
        ("reminders made due (one per patient)", f"{result.due:,}", "just before the start"),
        (
            "delivered, 1st → last",
            f"{result.delivered:,} in {result.span:.1f} s",
            f"{result.whole:,.0f} msg/s in total; middle 80 %: {result.middle:,.0f} msg/s",
        ),
        (
            "each chat exactly once",
            f"{result.delivered - result.twice:,} of {result.due:,}",
            f"{result.twice} twice or more, {result.missing} missing, {result.strangers} "
            f"unknown chats: {verdict(exact)}",
        ),
    ]
    for node, mine, cpu, rss, peak, errors in result.per_node:
        rows.append(
            (
                f"{node.tag} ({'receiving' if node.role == 'all' else 'sender'})",
                f"{mine:,} msgs, {cpu:.1f} CPU s",
                f"RSS {rss:.0f} MB, peak {peak:.0f} MB (≤ {GOAL_RSS_MB:.0f}: "
                f"{verdict(peak <= GOAL_RSS_MB)}); {per_message(cpu, mine)} CPU/msg; "
                f"{errors} ERROR lines",
            )
        )
    rows += [
        (
            "CPU: bots / fake Bot API / PostgreSQL backends",
            f"{bots:.1f} / {result.fake_cpu:.1f} / {result.backends_cpu:.1f} s",
            f"per message: {bots / max(result.delivered, 1) * 1000:.2f} / "
            f"{result.fake_cpu / max(result.delivered, 1) * 1000:.2f} / "
            f"{result.backends_cpu / max(result.delivered, 1) * 1000:.2f} ms",
        ),
        (
            "machine busy (all processes, /proc/stat)",
            f"{result.busy / result.wall:.2f} of {os.cpu_count()} CPUs",
            f"over {result.wall:.0f} s from the start to the last delivery",
        ),
    ]
    return rows


def per_message(seconds: float, messages: int) -> str:
    return f"{seconds / messages * 1000:.2f} ms" if messages else "-"


def growth(results: Sequence[Throughput]) -> list[tuple[str, str, str]]:
    base = results[0].middle or 1.0
    rows = []
    for result in results:
        bots = sum(cpu for _, _, cpu, _, _, _ in result.per_node)
        peak = max(p for _, _, _, _, p, _ in result.per_node)
        exact = not (result.twice or result.missing or result.strangers)
        rows.append(
            (
                f"{result.processes} process{'es' if result.processes > 1 else ''}",
                f"{result.whole:,.0f} / {result.middle:,.0f} msg/s",
                f"×{result.middle / base:.2f}; machine {result.busy / result.wall:.2f} CPUs busy; "
                f"bots {bots:.0f} s, fake {result.fake_cpu:.0f} s, PG {result.backends_cpu:.0f} s; "
                f"peak RSS {peak:.0f} MB; exactly once: {verdict(exact)}",
            )
        )
    return rows


# --- the paid broadcast ------------------------------------------------------------------------


def paid_broadcast(
    engine: Engine, url: str, fake: FakeProcess, options: Options, due_ids: range, workdir: Path
) -> list[tuple[str, str, str]]:
    """A staff member broadcasts to everyone with PAID_BROADCAST at 1,000 msg/s while the
    whole cluster runs; `due_ids`' reminders are made due part-way, and their delays timed."""
    extra = {"PAID_BROADCAST": "true", "PAID_BROADCAST_RATE": str(PAID_RATE)}
    nodes = start_nodes(fake, url, options.senders + 1, workdir, extra)
    fake.read()
    first = len(fake.sends)
    cpu_before = [node.cpu() for node in nodes]
    fake_before = cpu_seconds(fake.pid) or 0.0
    busy, total = machine_busy()
    button, tapped = fake.request("broadcast", 60.0)
    seconds = options.broadcast_seconds or options.patients / SLOWEST + 600
    due_after = min(60.0, seconds / 2)
    first_at: float | None = None
    made_due_at: float | None = None
    made_due = 0
    notices = 0
    finished = False
    shown = time.monotonic()
    while True:
        time.sleep(POLL)
        new = fake.read()
        notices += sum(1 for s in new if s[4] == "notice" and s[3] == 200)
        finished = finished or any(s[4] == "report" for s in new)
        if first_at is None and notices:
            first_at = min(s[0] for s in new if s[4] == "notice")
        if first_at is None:
            if time.time() - tapped > 120:
                break
            continue
        elapsed = time.time() - first_at
        if made_due_at is None and elapsed >= due_after and due_ids:
            made_due_at = time.time()
            made_due = make_due(engine, list(due_ids), datetime.fromtimestamp(made_due_at, UTC))
        if finished or elapsed >= seconds:
            break
        if time.monotonic() - shown >= 30:
            shown = time.monotonic()
            print(f"  [broadcast] {notices:,} sent after {elapsed:.0f} s", file=sys.stderr)
    measured_until = time.time()
    waited = 0.0
    while made_due_at is not None and waited < 60 and reminders_out(fake.sends, due_ids) < made_due:
        time.sleep(POLL)
        waited += POLL
        fake.read()
    cpu_after = [node.cpu() for node in nodes]
    memory = [memory_mb(node.pid) for node in nodes]
    backends = backend_cpu(engine)
    fake_after = cpu_seconds(fake.pid) or 0.0
    busy_after, total_after = machine_busy()
    stop_all(nodes)
    sends = fake.sends[first:]
    window = [s for s in sends if s[4] == "notice" and s[3] == 200 and s[0] <= measured_until]
    times = sorted(s[0] for s in window)
    whole, middle = rate(times)
    per_chat = Counter(s[1] for s in sends if s[4] == "notice" and s[3] == 200)
    twice = sum(n > 1 for n in per_chat.values())
    by_node = Counter(s[2] for s in window)
    deviation = (whole - PAID_RATE) / PAID_RATE
    rows: list[tuple[str, str, str]] = [
        ("preview button", button, f"audience = {options.patients:,}"),
        (
            "✅ tap → 1st delivery",
            f"{(times[0] - tapped):.2f} s" if times else "-",
            "the worker looks every 2 s; fixing 1 delivery row per recipient",
        ),
        (
            "delivered in the window",
            f"{len(times):,} in {times[-1] - times[0]:.1f} s"
            if len(times) > 1
            else str(len(times)),
            f"{'to the end' if finished else f'measured {seconds:g} s from the 1st delivery'}",
        ),
        (
            "rate, 1st → last / middle 80 %",
            f"{whole:,.1f} / {middle:,.1f} msg/s",
            f"PAID_BROADCAST_RATE {PAID_RATE}: {deviation * 100:+.1f} % "
            f"(±{TOLERANCE * 100:.0f} %: {verdict(abs(deviation) <= TOLERANCE)})",
        ),
        ("max notices in any 1 s", str(max_in_window(times)), f"cap {PAID_RATE}"),
        (
            "recipients with two copies or more",
            str(twice),
            f"of {len(per_chat):,} reached: {verdict(twice == 0)}",
        ),
        (
            "notices by process",
            ", ".join(f"{tag} {n:,}" for tag, n in sorted(by_node.items())),
            "one process holds the broadcast's lease",
        ),
    ]
    for node, before, after, (rss, peak) in zip(nodes, cpu_before, cpu_after, memory, strict=True):
        rows.append(
            (
                f"{node.tag} ({'receiving' if node.role == 'all' else 'sender'}) CPU",
                f"{after - before:.1f} s",
                f"RSS {rss:.0f} MB, peak {peak:.0f} MB; {node.errors()} ERROR lines",
            )
        )
    wall = (total_after - total) / (os.cpu_count() or 1)
    rows += [
        (
            "CPU: fake Bot API / PostgreSQL backends",
            f"{fake_after - fake_before:.1f} / {backends:.1f} s",
            f"machine {(busy_after - busy) / wall:.2f} of {os.cpu_count()} CPUs busy "
            f"over {wall:.0f} s",
        ),
    ]
    if made_due_at is not None:
        reminder_sends: dict[int, float] = {}
        for moment, chat, _, status, label in sends:
            if label == "reminder" and status == 200 and chat in due_ids:
                reminder_sends.setdefault(chat, moment)
        delays = sorted(at - made_due_at for at in reminder_sends.values())
        rows.append(
            (
                f"reminders made due {due_after:.0f} s in: delivered",
                f"{len(delays):,} of {made_due:,}",
                (
                    f"delay p50 {statistics.median(delays):.1f} s, max {delays[-1]:.1f} s "
                    "(the sweep runs every 20 s)"
                    if delays
                    else "none delivered"
                ),
            )
        )
    return rows


def reminders_out(sends: Sequence[Send], ids: range) -> int:
    return len({chat for _, chat, _, status, label in sends if label == "reminder" and chat in ids})


# --- the run -----------------------------------------------------------------------------------


def empty_tables(engine: Engine) -> None:
    with engine.begin() as connection:
        names = connection.scalars(
            text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version'"
            )
        ).all()
        if names:
            connection.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))


def run(options: Options, url: str, workdir: Path) -> None:
    engine = make_engine(url)
    migrate(url)
    with engine.connect() as connection:
        if connection.scalar(text("SELECT count(*) FROM patients")):
            raise SystemExit("the database is not empty; use an empty one")
        connection.rollback()
    plan_now = datetime.now(UTC).replace(microsecond=0) + PLAN_AHEAD
    try:
        created = seed(url, options, plan_now)
        print_table(
            f"Creating {options.patients:,} patients (PostgreSQL COPY)",
            [*created, *sizes(engine)],
        )
        sys.stdout.flush()
        print_table(
            f"Claim of {options.claim} among all pending rows, committed as the sweep does "
            "(each claimer its own OS process)",
            claims(url, engine, options),
        )
        sys.stdout.flush()
        fake = FakeProcess()
        try:
            results = []
            counts = [options.senders + 1]
            if options.growth:
                counts += range(1, options.senders + 1)
            for run_number, count in enumerate(counts):
                start = FIRST_USER_ID + run_number * options.due
                ids = range(start, start + options.due)
                results.append(throughput(engine, url, fake, count, ids, workdir))
                print(f"  [throughput] {count} processes done", file=sys.stderr, flush=True)
            print_table(
                f"{options.due:,} reminders due, 1 receiving process + {options.senders} "
                "senders, TELEGRAM_RATE_LIMIT=off, fake Bot API in its own process",
                detail(results[0]),
            )
            if options.growth:
                print_table(
                    "How the total grows with processes (a fresh due set each): 1st → last / "
                    "middle 80 %",
                    growth(sorted(results, key=lambda r: r.processes)),
                )
            sys.stdout.flush()
            start = FIRST_USER_ID + len(counts) * options.due
            due_ids = range(start, start + options.broadcast_due)
            print_table(
                f"Paid broadcast to {options.patients:,} (PAID_BROADCAST_RATE={PAID_RATE}), "
                f"1 receiving process + {options.senders} senders",
                paid_broadcast(engine, url, fake, options, due_ids, workdir),
            )
        finally:
            fake.close()
    finally:
        if not options.keep:
            empty_tables(engine)
        engine.dispose()


def main(argv: Sequence[str] | None = None) -> None:
    arguments = list(sys.argv[1:] if argv is None else argv)
    options = parse_args(arguments)
    started = time.perf_counter()
    created: str | None = None
    if options.server_url:
        created = f"bench_cluster_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(psycopg_url(options.server_url), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {created}")
        url = normalize_database_url(with_database(options.server_url, created))
    else:
        assert options.database_url is not None
        url = normalize_database_url(options.database_url)
    try:
        print_environment(arguments, url)
        with tempfile.TemporaryDirectory(prefix="bench-cluster-") as workdir:
            run(options, url, Path(workdir))
    finally:
        if created is not None:
            assert options.server_url is not None
            with psycopg.connect(psycopg_url(options.server_url), autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {created} WITH (FORCE)")
    print(f"\nwhole run: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
