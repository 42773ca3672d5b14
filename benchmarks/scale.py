"""Scale: many enrolled patients, their pending reminders and a long history of sent ones.

Why: the sweep's claim must stay cheap however large the outbox grows (only pending rows are in
its partial index), and the bot process must start quickly and stay small with a full database.

Run: `python -m benchmarks.scale` (100,000 patients, 1,000,000 sent rows, temporary SQLite).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, event, func, insert, select, text, update
from sqlmodel import Session, col

from benchmarks.common import max_in_window, median_ms, memory_mb, p95_ms, print_table, verdict
from bot.config import normalize_database_url
from bot.db import make_engine, migrate, reading, transaction
from bot.domain.dose_statuses import counted_doses
from bot.domain.outcomes import Outcome
from bot.domain.reminders import PRIORITY, Kind, reminders_for_dose
from bot.domain.schedule import Course, PlannedDose, build_plan, next_dose
from bot.domain.timing import local_date
from bot.jobs.sweep import BATCH, LEASE
from bot.models import DoseRecord, DoseStatus, OutboxClaim, OutboxMessage, Patient
from bot.store import broadcasts, dose_statuses, figures, outbox
from bot.store.reminders import replan
from tests.support import recomputed
from tests.support.fakebotapi import FakeBotApi
from tests.support.harness import BotProcess

GOAL_RSS_MB = 150.0
GOAL_START_S = 3.0
GOAL_CLAIM_MS = 5.0
GOAL_STATS_S = 1.0
FIGURES_AFTER = timedelta(days=20)
"""/stats is timed this long after enrolment, when the doses due meanwhile count as missed."""
CHUNK = 10_000
ZONES = (
    "Europe/Berlin",
    "Europe/London",
    "Europe/Madrid",
    "America/New_York",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC",
)
REMINDER_TIMES = tuple(clock_time(hour, minute) for hour in range(6, 22) for minute in (0, 30))
HISTORY_KINDS = (Kind.HEADS_UP, Kind.TAKE_OUT, Kind.DOSE, Kind.FOLLOW_UP, Kind.EVENING)
PLAN_AHEAD = timedelta(hours=1)
"""Reminders are planned as of one hour from now, so none falls due while the bot is measured."""
FIRST_USER_ID = 10_000_000


@dataclass(frozen=True)
class Options:
    patients: int
    sent_rows: int
    database_url: str | None
    due: int
    claim: int
    repeats: int
    idle: float
    send: int
    replan_sample: int
    seed: int


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.scale",
        description="Create N enrolled patients with their reminders, time the claim of due "
        "reminders and measure the real bot process (start time, memory).",
    )
    parser.add_argument("--patients", type=int, default=100_000, help="default 100,000")
    parser.add_argument(
        "--sent-rows", type=int, default=1_000_000, help="finished outbox rows (default 1,000,000)"
    )
    parser.add_argument(
        "--database-url",
        help="an empty PostgreSQL database to use instead of a temporary SQLite file "
        "(its tables are emptied again afterwards)",
    )
    parser.add_argument(
        "--due", type=int, default=2_000, help="pending rows due at the claim's instant"
    )
    parser.add_argument("--claim", type=int, default=500, help="rows per timed claim")
    parser.add_argument(
        "--repeats", type=int, default=30, help="timed claims (committed, then released)"
    )
    parser.add_argument(
        "--idle", type=float, default=5.0, help="seconds idle after the first sweep, then RSS"
    )
    parser.add_argument(
        "--send", type=int, default=500, help="reminders due for the bot's first sweep to send"
    )
    parser.add_argument(
        "--replan-sample", type=int, default=20, help="patients checked against replan"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    return Options(
        patients=args.patients,
        sent_rows=args.sent_rows,
        database_url=args.database_url,
        due=max(args.due, args.claim),
        claim=args.claim,
        repeats=args.repeats,
        idle=args.idle,
        send=min(args.send, args.patients),
        replan_sample=args.replan_sample,
        seed=args.seed,
    )


@dataclass(frozen=True)
class Enrolled:
    """One generated patient: the row, the doses recorded at enrolment, and the dose to come."""

    patient: dict[str, Any]
    records: list[dict[str, Any]]
    dose: PlannedDose
    statuses: list[dict[str, object]]


@cache
def on_time_dates(first: date) -> tuple[date, ...]:
    """Planned dates of doses 1-40 when every dose is taken on time."""
    return tuple(dose.planned for dose in build_plan(Course(first, {}), first, upcoming=40))


def known_doses(first: date, enrolled_after: int) -> dict[int, date]:
    """What enrolment records: the first dose and the last one before enrolment."""
    if not enrolled_after:
        return {}
    return {1: first, enrolled_after: on_time_dates(first)[enrolled_after - 1]}


@cache
def dose_to_come(first: date, enrolled_after: int, today: date) -> PlannedDose:
    return next_dose(Course(first, known_doses(first, enrolled_after), enrolled_after), today)


def enrolled(rng: random.Random, user_id: int, plan_now: datetime) -> Enrolled:
    """A patient as enrolment leaves them: first injection up to ~2.5 years ago (or soon), the
    doses before enrolment taken on time, as `bot.store.patients.enrol` records them."""
    zone = rng.choice(ZONES)
    today = local_date(plan_now, zone)
    first = today + timedelta(days=rng.randint(-900, 30))
    enrolled_after = sum(1 for day in on_time_dates(first) if day < today)
    patient = {
        "user_id": user_id,
        "chat_id": user_id,
        "time_zone": zone,
        "reminder_time": rng.choice(REMINDER_TIMES),
        "first_injection": first,
        "enrolled_after": enrolled_after,
        "paused": False,
        "discreet": rng.random() < 0.2,
        "blocked_at": None,
        "enrolled_at": plan_now,
        "updated_at": plan_now,
    }
    records = [
        {
            "patient_id": user_id,
            "number": number,
            "taken_on": day,
            "recorded_at": plan_now,
            "recorded_by": None,
            "source": "enrolment",
            "injector": None,
            "site": None,
        }
        for number, day in sorted(known_doses(first, enrolled_after).items())
    ]
    counted = counted_doses(
        Course(first, known_doses(first, enrolled_after), enrolled_after),
        zone=zone,
        reminder_time=patient["reminder_time"],
        enrolled_at=plan_now,
    )
    return Enrolled(
        patient,
        records,
        dose_to_come(first, enrolled_after, today),
        dose_statuses.rows_for(user_id, counted),
    )


def outbox_row(**fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "patient_id": None,
        "dose_number": None,
        "dose_planned": None,
        "not_before": None,
        "attempts": 0,
        "finished_at": None,
        "outcome": None,
        "message_id": None,
        "error": None,
    }
    row.update(fields)
    return row


def pending_rows(item: Enrolled, plan_now: datetime) -> list[dict[str, Any]]:
    """The rows `replan` writes for this patient: `reminders_for_dose` for the dose to come."""
    patient, dose = item.patient, item.dose
    return [
        outbox_row(
            chat_id=patient["chat_id"],
            patient_id=patient["user_id"],
            dose_number=dose.number,
            dose_planned=dose.planned,
            kind=due.kind.value,
            priority=PRIORITY[due.kind],
            due_at=due.due_at,
            created_at=plan_now,
        )
        for due in reminders_for_dose(
            dose.planned, patient["reminder_time"], patient["time_zone"], plan_now
        )
    ]


def sent_rows(
    rng: random.Random, history: Sequence[Enrolled], count: int, now: datetime
) -> Iterator[list[dict[str, Any]]]:
    """Delivered reminders of earlier doses, in chunks: what years of use leave behind."""
    chunk: list[dict[str, Any]] = []
    for index in range(count):
        item = history[index % len(history)]
        patient = item.patient
        number = rng.randint(1, patient["enrolled_after"])
        planned = on_time_dates(patient["first_injection"])[number - 1]
        kind = rng.choice(HISTORY_KINDS)
        due_at = datetime.combine(planned, patient["reminder_time"], UTC)
        chunk.append(
            outbox_row(
                chat_id=patient["chat_id"],
                patient_id=patient["user_id"],
                dose_number=number,
                dose_planned=planned,
                kind=kind.value,
                priority=PRIORITY[kind],
                due_at=due_at,
                attempts=1,
                finished_at=min(due_at + timedelta(seconds=2), now),
                outcome=Outcome.SENT,
                message_id=index + 1,
                created_at=due_at - timedelta(days=30),
            )
        )
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass
class Timer:
    """Time spent inside the database only, apart from generating rows in Python."""

    seconds: float = 0.0
    rows: int = 0

    def insert(self, engine: Engine, table: Any, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        started = time.perf_counter()
        with engine.begin() as connection:
            connection.execute(insert(table), rows)
        self.seconds += time.perf_counter() - started
        self.rows += len(rows)

    def rate(self) -> str:
        return f"{self.rows / self.seconds:,.0f} rows/s" if self.seconds else "-"


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def populate(
    engine: Engine, options: Options, plan_now: datetime
) -> tuple[list[Enrolled], list[tuple[str, str, str]]]:
    """Patients, their enrolment doses, dose statuses (`counted_doses`, as `replan` writes
    them) and pending reminders, then the sent history."""
    rng = random.Random(options.seed)
    started = time.perf_counter()
    people = [enrolled(rng, FIRST_USER_ID + i, plan_now) for i in range(options.patients)]
    generated = time.perf_counter() - started
    patients, records, statuses, pending = Timer(), Timer(), Timer(), Timer()
    for part in chunks(people, CHUNK):
        patients.insert(engine, Patient.__table__, [item.patient for item in part])
        records.insert(engine, DoseRecord.__table__, [r for item in part for r in item.records])
        statuses.insert(
            engine, DoseStatus.__table__, [row for item in part for row in item.statuses]
        )
        pending.insert(
            engine,
            OutboxMessage.__table__,
            [row for item in part for row in pending_rows(item, plan_now)],
        )
    enrolled_total = patients.seconds + records.seconds + statuses.seconds + pending.seconds
    enrolled_rows = patients.rows + records.rows + statuses.rows + pending.rows
    history = [item for item in people if item.patient["enrolled_after"]]
    sent = Timer()
    for chunk in sent_rows(rng, history, options.sent_rows if history else 0, plan_now):
        sent.insert(engine, OutboxMessage.__table__, chunk)
    rows = [
        ("patients inserted", f"{patients.rows:,}", patients.rate()),
        ("dose records inserted", f"{records.rows:,}", records.rate()),
        ("dose statuses inserted", f"{statuses.rows:,}", statuses.rate()),
        ("pending outbox rows inserted", f"{pending.rows:,}", pending.rate()),
        (
            "enrolment total (4 tables)",
            f"{enrolled_total:.1f} s",
            f"{enrolled_rows / enrolled_total:,.0f} rows/s; +{generated:.1f} s generating",
        ),
        ("sent outbox rows inserted", f"{sent.rows:,} in {sent.seconds:.1f} s", sent.rate()),
    ]
    return people, rows


def replan_check(engine: Engine, people: Sequence[Enrolled], sample: int, now: datetime) -> str:
    """Run the real `replan` for a sample (rolled back) and compare with the inserted rows (the
    pending reminders and the dose statuses)."""
    step = max(1, len(people) // max(sample, 1))
    picked = list(people[::step])[:sample]

    def shape(session: Session, user_id: int) -> list[tuple[Any, ...]]:
        """The patient's pending rows and their dose statuses."""
        rows = outbox.pending(session, user_id)
        found = sorted((r.kind, r.priority, r.due_at, r.dose_number, r.dose_planned) for r in rows)
        statuses = session.exec(select(DoseStatus).where(DoseStatus.patient_id == user_id))
        return found + sorted(
            (s.number, s.status, s.counts_from, s.counts_until) for s in statuses.scalars()
        )

    same = 0
    with Session(engine) as session:
        for item in picked:
            patient = session.get(Patient, item.patient["user_id"])
            assert patient is not None
            before = shape(session, patient.user_id)
            replan(session, patient, now)
            session.flush()
            session.expire_all()
            after = shape(session, patient.user_id)
            same += before == after
            session.rollback()
    return f"{same}/{len(picked)} identical"


def claim_instant(engine: Engine, due: int) -> tuple[datetime, int]:
    """The instant at which `due` pending rows are due, and how many exactly are by then."""
    with Session(engine) as session:
        moment = session.scalar(
            select(OutboxMessage.due_at)
            .where(col(OutboxMessage.finished_at).is_(None))
            .order_by(OutboxMessage.due_at)
            .offset(due - 1)
            .limit(1)
        )
        assert moment is not None, "fewer pending rows than --due"
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
        count = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(col(OutboxMessage.finished_at).is_(None), OutboxMessage.due_at <= moment)
        )
        session.rollback()
    return moment, int(count or 0)


def time_claims(
    engine: Engine, now: datetime, limit: int, repeats: int, *, rows: bool
) -> tuple[list[float], list[tuple[str, Any, bool]]]:
    """A claim committed, as the sweep runs it: `outbox.take` (ids and leases only) and, with
    `rows`, `outbox.rows_of` (the rows read for sending). The claims are then ended
    (untimed) so every run sees the same rows. Also returns the statements of one claim as the
    driver received them (and whether each went to `executemany`)."""
    statements: list[tuple[str, Any, bool]] = []

    def capture(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool
    ) -> None:
        statements.append((statement, parameters, many))

    samples: list[float] = []
    for run in range(repeats + 1):
        with Session(engine) as session:
            session.connection()
            if not run:
                event.listen(engine, "before_cursor_execute", capture)
            started = time.perf_counter()
            held = outbox.take(session, now, limit, LEASE)
            if rows:
                outbox.rows_of(session, held)
            session.commit()
            elapsed = time.perf_counter() - started
            if not run:
                event.remove(engine, "before_cursor_execute", capture)
        with transaction(engine) as session:
            outbox.release(session, held)
        assert len(held.ids) == limit, f"claimed {len(held.ids)}, expected {limit}"
        if run:
            samples.append(elapsed)
    return samples, statements


def end_all_claims(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(delete(OutboxClaim.__table__))


def time_driver(
    engine: Engine, statements: list[tuple[str, Any, bool]], repeats: int
) -> list[float]:
    """The claim's own SQL through the database driver alone (no SQLAlchemy, no Python objects
    for the rows), committed and ended like `time_claims`: how much of a claim is the
    database's work."""
    samples: list[float] = []
    for run in range(repeats + 1):
        with engine.connect() as connection:
            connection.begin()
            cursor = connection.connection.cursor()
            started = time.perf_counter()
            for sql, parameters, many in statements:
                if many:
                    cursor.executemany(sql, parameters)
                else:
                    cursor.execute(sql, parameters)
                    if cursor.description is not None:
                        cursor.fetchall()
            connection.commit()
            elapsed = time.perf_counter() - started
            cursor.close()
        end_all_claims(engine)
        if run:
            samples.append(elapsed)
    return samples


def query_plan(engine: Engine, statements: list[tuple[str, Any, bool]]) -> list[str]:
    """The plan of the claim's first look into the outbox (the most urgent priority)."""
    sql, parameters, _ = next(
        s for s in statements if s[0].lstrip().upper().startswith("SELECT") and "outbox." in s[0]
    )
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            result = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters)
            lines = [row[3] for row in result]
        else:
            result = connection.exec_driver_sql(f"EXPLAIN {sql}", parameters)
            lines = [row[0] for row in result]
        connection.rollback()
    return lines


def database_size(url: str, engine: Engine) -> str:
    if engine.dialect.name == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        files = [path, path.with_name(path.name + "-wal")]
        size = sum(f.stat().st_size for f in files if f.exists())
    else:
        with engine.connect() as connection:
            size = connection.scalar(text("SELECT pg_database_size(current_database())")) or 0
            connection.rollback()
    return f"{size / 1e6:,.0f} MB"


def make_due(engine: Engine, user_ids: Sequence[int], at: datetime) -> int:
    """Bring each patient's pending dose reminder forward to `at`, as if its time had come."""
    with engine.begin() as connection:
        result = connection.execute(
            update(OutboxMessage)
            .where(
                col(OutboxMessage.patient_id).in_(list(user_ids)),
                OutboxMessage.kind == Kind.DOSE.value,
                col(OutboxMessage.finished_at).is_(None),
            )
            .values(due_at=at)
        )
    return result.rowcount


def measure_process(
    engine: Engine, url: str, options: Options, people: Sequence[Enrolled], workdir: Path
) -> list[tuple[str, str, str]]:
    """The real `python -m bot` against the fake Bot API: start time; memory after its first
    sweep, which sends the `options.send` dose reminders made due just before the start (all
    other pending rows lie in the future); memory again after `options.idle` seconds idle."""
    senders = [item.patient["user_id"] for item in people[: options.send]]
    made_due = make_due(engine, senders, datetime.now(UTC) - timedelta(minutes=1))
    with FakeBotApi() as api:
        for user_id in senders:
            api.user(user_id)
        env = {"DATABASE_URL": url, "TELEGRAM_RATE_LIMIT": "off", "LOG_LEVEL": "WARNING"}
        bot = BotProcess(api, workdir, env)
        spawned = time.time()
        with bot:
            assert bot.pid is not None
            start_s = api.calls_to("getUpdates")[0].time - spawned
            deadline = time.monotonic() + 60
            while api.count("sendMessage", ok=None) < made_due:
                if time.monotonic() > deadline:
                    raise AssertionError(f"the bot sent too little\n{bot.logs()}")
                time.sleep(0.05)
            time.sleep(0.5)
            sweep_rss, _ = memory_mb(bot.pid)
            sends = api.calls_to("sendMessage")
            time.sleep(options.idle)
            idle_rss, peak_rss = memory_mb(bot.pid)
            later = api.count("sendMessage", ok=None) - len(sends)
        errors = sum(" ERROR " in line for line in bot.logs().splitlines())
    span = max(call.time for call in sends) - min(call.time for call in sends) if sends else 0.0
    sent_ok = sum(call.ok for call in sends)
    rate = f"{(len(sends) - 1) / span:,.0f} msg/s" if span else "-"
    return [
        (
            "bot start (spawn → first getUpdates)",
            f"{start_s:.2f} s",
            f"≤ {GOAL_START_S:.0f} s: {verdict(start_s <= GOAL_START_S)}",
        ),
        (
            f"first sweep: {made_due} due (one per patient)",
            f"{sent_ok} sent",
            f"{rate}; {errors} ERROR log lines",
        ),
        (
            "bot RSS after the first sweep",
            f"{sweep_rss:.0f} MB",
            f"≤ {GOAL_RSS_MB:.0f} MB: {verdict(sweep_rss <= GOAL_RSS_MB)}",
        ),
        (
            f"bot RSS after {options.idle:.0f} s idle / peak",
            f"{idle_rss:.0f} / {peak_rss:.0f} MB",
            f"≤ {GOAL_RSS_MB:.0f} MB: {verdict(peak_rss <= GOAL_RSS_MB)}; {later} sent meanwhile",
        ),
        (
            "max sendMessage in any 1 s",
            str(max_in_window([call.time for call in sends])),
            "rate limiter off",
        ),
    ]


def staff_figures(engine: Engine, now: datetime) -> list[tuple[str, str, str]]:
    """/stats as the handler reads it (the counts, and the dose figures: one count over the
    stored dose statuses), timed at `now`; once, the full recomputation it replaced (every
    patient's plan worked out, `adherence.recent`), and whether both agree. Then the ✅ of a
    broadcast to everyone (one delivery row per recipient in one INSERT … SELECT)."""
    samples: list[float] = []
    dose_samples: list[float] = []
    for _ in range(5):
        started = time.perf_counter()
        with reading(engine) as session:
            found = figures.figures(session)
            counted = time.perf_counter()
            doses = figures.recent_doses(session, now)
            dose_samples.append(time.perf_counter() - counted)
        samples.append(time.perf_counter() - started)
    stats_s = statistics.median(samples)
    started = time.perf_counter()
    with reading(engine) as session:
        old = recomputed.recent_doses(session, now)
    old_s = time.perf_counter() - started
    with transaction(engine) as session:
        draft = broadcasts.create_draft(
            session, sender_id=1, sender_name="bench", text="Notice", now=now
        )
    started = time.perf_counter()
    with transaction(engine) as session:
        begun = broadcasts.start(session, draft.id or 0, now)
    start_s = time.perf_counter() - started
    recipients = begun.total if begun is not None else 0
    shown = f"{doses.on_time}/{doses.early}/{doses.late}/{doses.missed}"
    return [
        (
            "/stats, all figures (median of 5)",
            f"{stats_s * 1000:.0f} ms",
            f"≤ {GOAL_STATS_S:.0f} s: {verdict(stats_s <= GOAL_STATS_S)}; "
            f"{found.patients:,} patients",
        ),
        (
            "  of which the dose figures: on time/early/late/missed",
            f"{median_ms(dose_samples):.0f} ms: {shown}",
            f"{FIGURES_AFTER.days} days after enrolment",
        ),
        (
            "  the old full recomputation (every plan)",
            f"{old_s:.2f} s",
            "agrees" if old == doses else f"DIFFERS: {old}",
        ),
        ("broadcast ✅: recipients fixed", f"{start_s * 1000:.0f} ms", f"{recipients:,} rows"),
    ]


def empty_tables(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            text(
                "TRUNCATE outbox, dose_records, patients, conversations, broadcasts, "
                "broadcast_deliveries CASCADE"
            )
        )


def run(options: Options, workdir: Path) -> None:
    url = normalize_database_url(options.database_url or f"sqlite:///{workdir}/scale.db")
    engine = make_engine(url)
    started = time.perf_counter()
    migrate(url)
    migrate_s = time.perf_counter() - started
    with Session(engine) as session:
        if session.scalar(select(func.count()).select_from(Patient)):
            raise SystemExit("the database is not empty; use an empty one")
    plan_now = datetime.now(UTC).replace(microsecond=0) + PLAN_AHEAD
    where = "PostgreSQL" if options.database_url else "temporary SQLite file"
    try:
        people, rows = populate(engine, options, plan_now)
        with Session(engine) as session:
            pending = outbox.count_pending(session)
            total = session.scalar(select(func.count()).select_from(OutboxMessage))
        check = replan_check(engine, people, options.replan_sample, plan_now)
        print_table(
            f"Creating {options.patients:,} patients ({where})",
            [
                ("migrate (alembic upgrade head)", f"{migrate_s:.2f} s", ""),
                *rows,
                ("outbox rows: pending / all", f"{pending:,} / {total:,}", ""),
                (
                    "pending rows and dose statuses computed by",
                    "reminders_for_dose, counted_doses",
                    f"for next_dose; real replan on a sample: {check}",
                ),
                ("database size", database_size(url, engine), ""),
            ],
        )
        moment, due = claim_instant(engine, options.due)
        samples, statements = time_claims(
            engine, moment, options.claim, options.repeats, rows=False
        )
        with_rows, _ = time_claims(engine, moment, options.claim, options.repeats, rows=True)
        batch, _ = time_claims(
            engine, moment, min(BATCH, options.claim), options.repeats, rows=True
        )
        driver = time_driver(engine, statements, options.repeats)
        plan = query_plan(engine, statements)
        uses_index = any("ix_outbox_pending_due" in line for line in plan)
        claim_ms = statistics.median(samples) * 1000
        print_table(
            f"Claim among {pending:,} pending rows, {due:,} due "
            f"({options.repeats} runs, committed, claims ended in between)",
            [
                (
                    f"claim {options.claim} (ids and leases): median / p95",
                    f"{median_ms(samples):.2f} / {p95_ms(samples):.2f} ms",
                    f"≤ {GOAL_CLAIM_MS:.0f} ms: {verdict(claim_ms <= GOAL_CLAIM_MS)}",
                ),
                (
                    "  of which the SQL alone (driver): median / p95",
                    f"{median_ms(driver):.2f} / {p95_ms(driver):.2f} ms",
                    "same statements, committed, no SQLAlchemy",
                ),
                (
                    f"claim {options.claim} and read its rows: median / p95",
                    f"{median_ms(with_rows):.2f} / {p95_ms(with_rows):.2f} ms",
                    "what the sweep's transaction does before composing",
                ),
                (
                    f"claim {min(BATCH, options.claim)} and read (the sweep's batch): median / p95",
                    f"{median_ms(batch):.2f} / {p95_ms(batch):.2f} ms",
                    "",
                ),
                (
                    "partial index ix_outbox_pending_due used",
                    "yes" if uses_index else "NO",
                    "range scans, no sort; leases go to outbox_claims, not the wide rows",
                ),
            ],
        )
        print("query plan of the claim (most urgent priority):")
        for line in plan:
            print(f"  {line}")
        print_table(
            f"Support staff over {options.patients:,} patients",
            staff_figures(engine, plan_now + FIGURES_AFTER),
        )
        print_table(
            "The bot process (python -m bot, rate limiter off, same database)",
            measure_process(engine, url, options, people, workdir),
        )
    finally:
        if engine.dialect.name != "sqlite":
            empty_tables(engine)
        engine.dispose()


def main(argv: Sequence[str] | None = None) -> None:
    options = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as workdir:
        run(options, Path(workdir))


if __name__ == "__main__":
    main()
