"""Broadcast: one notice to N recipients through the real bot process and the local fake Bot API,
with the rate cap and without it.

Why: a broadcast must keep to BROADCAST_RATE (default 20 msg/s, leaving the rest of Telegram's
~30 msg/s to reminders) for as long as it runs, reach every active user exactly once, and report
what it did; uncapped, it shows how fast the worker itself can go.

Run: `python -m benchmarks.broadcast` (10,000 recipients, capped at 20/s then uncapped; ~9 min).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shlex
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import telegram
from sqlalchemy import insert

from benchmarks.common import max_in_window, print_table, verdict
from bot.db import make_engine, migrate
from bot.models import Patient
from tests.support.fakebotapi import Call, ChatMessage, FakeBotApi, FakeUser
from tests.support.harness import BotProcess

TOLERANCE = 0.05
"""The capped run's rate (first to last delivery) must lie within ±5 % of the cap."""
DEFAULT_RATE = 20.0
STAFF_ID = 4242
FIRST_USER_ID = 30_000_000
CHUNK = 10_000
SEND_BUTTON = "✅ Send to"
NOTICE = (
    "🛠 <b>Maintenance tonight</b>\n"
    "The bot will be unavailable from 22:00 to 22:30 (Berlin time). Reminders due meanwhile "
    "arrive right afterwards; nothing is lost."
)
PROGRESS_EVERY = 30.0
"""Seconds between progress lines on stderr while a broadcast runs."""
SLOWEST_UNCAPPED = 20.0
"""For the uncapped run's time limit only: it is assumed to be at least this fast."""


@dataclass(frozen=True)
class Scenario:
    name: str
    broadcast_rate: float
    rate_limit: bool

    @property
    def capped(self) -> bool:
        return self.broadcast_rate > 0

    def env(self) -> dict[str, str]:
        return {
            "ADMIN_IDS": str(STAFF_ID),
            "BROADCAST_RATE": f"{self.broadcast_rate:g}",
            "TELEGRAM_RATE_LIMIT": "on" if self.rate_limit else "off",
            "LOG_LEVEL": "WARNING",
        }

    def describe(self) -> str:
        cap = f"BROADCAST_RATE={self.broadcast_rate:g}" if self.capped else "BROADCAST_RATE=0"
        limit = "TELEGRAM_RATE_LIMIT=on" if self.rate_limit else "TELEGRAM_RATE_LIMIT=off"
        return f"{cap}, {limit}"


@dataclass(frozen=True)
class Options:
    recipients: int
    rate: float
    scenarios: tuple[Scenario, ...]


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.broadcast",
        description="Seed N patients, start the real bot (python -m bot) against the local fake "
        "Bot API, have a staff member /broadcast a notice and tap ✅; measure the rate at which "
        "the fake receives it, (1) capped at --rate with PTB's rate limiter on, as in "
        "production, and (2) uncapped (BROADCAST_RATE=0, TELEGRAM_RATE_LIMIT=off).",
    )
    parser.add_argument("--recipients", type=int, default=10_000, help="default 10,000")
    parser.add_argument(
        "--rate",
        type=float,
        default=DEFAULT_RATE,
        help=f"BROADCAST_RATE for the capped run, messages per second (default {DEFAULT_RATE:g})",
    )
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--capped-only", action="store_true", help="skip the uncapped run")
    only.add_argument("--uncapped-only", action="store_true", help="skip the capped run")
    args = parser.parse_args(argv)
    if args.recipients < 2:
        parser.error("--recipients must be at least 2")
    if not 0 < args.rate <= 30:
        parser.error("--rate must be above 0 and at most 30 (BROADCAST_RATE's range)")
    capped = Scenario("capped", args.rate, rate_limit=True)
    uncapped = Scenario("uncapped", 0.0, rate_limit=False)
    if args.capped_only:
        scenarios: tuple[Scenario, ...] = (capped,)
    elif args.uncapped_only:
        scenarios = (uncapped,)
    else:
        scenarios = (capped, uncapped)
    return Options(recipients=args.recipients, rate=args.rate, scenarios=scenarios)


def command_line(argv: Sequence[str]) -> str:
    """The command as typed in the repository (the venv's python relative to it)."""
    python = sys.executable
    if python.startswith(os.getcwd() + os.sep):
        python = os.path.relpath(python)
    return shlex.join([python, "-m", "benchmarks.broadcast", *argv])


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def print_environment(argv: Sequence[str]) -> None:
    print(f"command: {command_line(argv)}")
    print(
        f"python {platform.python_version()} ({platform.python_implementation()}), "
        f"python-telegram-bot {telegram.__version__}, SQLite {sqlite3.sqlite_version}"
    )
    print(f"platform: {platform.platform()}; {os.cpu_count()} CPUs ({cpu_model()})")


# --- the database ------------------------------------------------------------------------------


def user_ids(count: int) -> range:
    return range(FIRST_USER_ID, FIRST_USER_ID + count)


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def seed_patients(url: str, count: int) -> float:
    """Migrate, then insert `count` enrolled, active patients (SQLAlchemy Core, in chunks);
    returns the seconds taken. They have no reminders pending: the broadcast is all there is."""
    started = time.perf_counter()
    migrate(url)
    now = datetime.now(UTC) - timedelta(days=1)
    first = date.today() - timedelta(days=30)
    rows = [
        {
            "user_id": user_id,
            "chat_id": user_id,
            "time_zone": "Europe/Berlin",
            "reminder_time": clock_time(9),
            "first_injection": first,
            "enrolled_after": 0,
            "paused": False,
            "discreet": False,
            "blocked_at": None,
            "enrolled_at": now,
            "updated_at": now,
        }
        for user_id in user_ids(count)
    ]
    engine = make_engine(url)
    for part in chunks(rows, CHUNK):
        with engine.begin() as connection:
            connection.execute(insert(Patient.__table__), list(part))
    engine.dispose()
    return time.perf_counter() - started


# --- the bot process ---------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux /proc), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for_preview(staff: FakeUser, timeout: float) -> ChatMessage:
    return staff.wait_for(
        lambda message: any(text.startswith(SEND_BUTTON) for text in message.buttons),
        timeout=timeout,
    )


def wait_for_report(
    api: FakeBotApi,
    staff: FakeUser,
    bot: BotProcess,
    after: ChatMessage,
    label: str,
    total: int,
    sends_before: int,
    timeout: float,
) -> ChatMessage:
    """Poll (cheaply, so the fake server in this process is not slowed by wake-ups on every
    request) until the staff member gets the report, printing progress to stderr."""
    started = time.monotonic()
    shown = started
    while True:
        for message in staff.messages():
            if message.seq > after.seq and message.body.startswith("📣 Broadcast #"):
                return message
        now = time.monotonic()
        if not bot.running:
            raise RuntimeError(f"the bot exited during the {label} run\n{bot.logs()}")
        if now - started > timeout:
            raise RuntimeError(f"no broadcast report within {timeout:.0f} s\n{bot.logs()}")
        if now - shown >= PROGRESS_EVERY:
            shown = now
            sent = api.count("sendMessage", ok=None) - sends_before
            print(
                f"  [{label}] {sent:,} of {total:,} sent after {now - started:.0f} s",
                file=sys.stderr,
                flush=True,
            )
        time.sleep(0.2)


@dataclass(frozen=True)
class Run:
    """What one broadcast looked like from the fake Bot API's side."""

    scenario: Scenario
    recipients: int
    seed_s: float
    audience_button: str
    tapped: float
    report: ChatMessage
    report_at: float
    sends: list[Call]
    edits: int
    bot_cpu_s: float | None
    fake_cpu_s: float
    errors: int


def run_scenario(scenario: Scenario, recipients: int, workdir: Path) -> Run:
    workdir.mkdir()
    seed_s = seed_patients(f"sqlite:///{workdir}/bot.db", recipients)
    with FakeBotApi() as api:
        api.accept_any_chat()
        staff = api.user(STAFF_ID, "Sam", last_name="Support")
        bot = BotProcess(api, workdir, scenario.env())
        with bot:
            assert bot.pid is not None
            staff.send(f"/broadcast {NOTICE}")
            preview = wait_for_preview(staff, timeout=60)
            sends_before = api.count("sendMessage", ok=None)
            edits_before = api.count("editMessageReplyMarkup", ok=None)
            expected = recipients / (scenario.broadcast_rate or SLOWEST_UNCAPPED)
            bot_cpu = cpu_seconds(bot.pid)
            fake_cpu = time.process_time()
            tapped = time.time()
            staff.tap(preview, SEND_BUTTON)
            report = wait_for_report(
                api,
                staff,
                bot,
                preview,
                scenario.name,
                recipients,
                sends_before,
                timeout=expected * 1.5 + 120,
            )
            bot_cpu_after = cpu_seconds(bot.pid)
            fake_cpu_s = time.process_time() - fake_cpu
        errors = sum(" ERROR " in line for line in bot.logs().splitlines())
        report_call = api.calls_to("sendMessage", chat_id=STAFF_ID)[-1]
        sends = [call for call in api.calls_to("sendMessage") if call.chat_id != STAFF_ID]
        edits = api.count("editMessageReplyMarkup", ok=None) - edits_before
    return Run(
        scenario=scenario,
        recipients=recipients,
        seed_s=seed_s,
        audience_button=preview.button(SEND_BUTTON)["text"],
        tapped=tapped,
        report=report,
        report_at=report_call.time,
        sends=sends,
        edits=edits,
        bot_cpu_s=(
            bot_cpu_after - bot_cpu if bot_cpu is not None and bot_cpu_after is not None else None
        ),
        fake_cpu_s=fake_cpu_s,
        errors=errors,
    )


# --- figures -----------------------------------------------------------------------------------


def rate_between(times: Sequence[float], first: int, last: int) -> float:
    """Messages per second from the `first` to the `last` (indices into sorted `times`)."""
    span = times[last] - times[first]
    return (last - first) / span if span > 0 else float("inf")


def report_field(report: ChatMessage, pattern: str) -> str:
    found = re.search(pattern, report.body)
    return found.group(1) if found else "?"


def figures(run: Run) -> list[tuple[str, str, str]]:
    scenario, n = run.scenario, run.recipients
    delivered = [call for call in run.sends if call.ok]
    times = sorted(call.time for call in delivered)
    expected = set(user_ids(n))
    per_chat = Counter(call.chat_id for call in delivered)
    once = sum(per_chat[user_id] == 1 for user_id in expected)
    twice = sum(count > 1 for count in per_chat.values())
    missing = sum(user_id not in per_chat for user_id in expected)
    strangers = sum(chat_id not in expected for chat_id in per_chat)
    wrong_text = sum(call.params.get("text") != NOTICE for call in delivered)
    refused = len(run.sends) - len(delivered)
    report_delivered = report_field(run.report, r"Delivered: (\d+ of \d+)")
    duration = report_field(run.report, r"Duration: (.+)")
    all_reached = once == n and not (twice or missing or strangers or wrong_text or refused)

    rows: list[tuple[str, str, str]] = [
        (
            "seeded patients (migrate + Core insert)",
            f"{n:,} in {run.seed_s:.1f} s",
            "temporary SQLite file, no pending reminders",
        ),
        ("preview button", run.audience_button, f"audience = {n:,}"),
    ]
    if len(times) < 2:
        return [*rows, ("broadcast sendMessage received", str(len(times)), "too few to time")]
    whole = rate_between(times, 0, len(times) - 1)
    low, high = len(times) // 10, len(times) * 9 // 10 - 1
    middle = rate_between(times, low, high) if high > low else whole
    rows += [
        (
            "✅ tap → 1st delivery",
            f"{times[0] - run.tapped:.2f} s",
            "the worker looks for work every 2 s; recipients fixed on the tap",
        ),
        (
            "✅ tap → last delivery",
            f"{times[-1] - run.tapped:.2f} s",
            f"{len(times) / (times[-1] - run.tapped):,.2f} msg/s over the whole",
        ),
        ("✅ tap → report received", f"{run.report_at - run.tapped:.2f} s", ""),
    ]
    if scenario.capped:
        deviation = (whole - scenario.broadcast_rate) / scenario.broadcast_rate
        rows += [
            (
                "rate, 1st → last delivery",
                f"{whole:,.2f} msg/s",
                f"cap {scenario.broadcast_rate:g}: {deviation * 100:+.2f} % "
                f"(within ±{TOLERANCE * 100:.0f} %: {verdict(abs(deviation) <= TOLERANCE)})",
            ),
            (
                "rate, middle 80 % of deliveries",
                f"{middle:,.2f} msg/s",
                f"{(middle - scenario.broadcast_rate) / scenario.broadcast_rate * 100:+.2f} %",
            ),
        ]
    else:
        rows += [
            ("rate, 1st → last delivery", f"{whole:,.1f} msg/s", "messages per second, no cap"),
            ("rate, middle 80 % of deliveries", f"{middle:,.1f} msg/s", ""),
        ]
    rows += [
        (
            "max sendMessage in any 1 s: all / after the 1st 2 s",
            f"{max_in_window(times)} / {max_in_window([t for t in times if t >= times[0] + 2])}",
            (
                "the limiter's bucket (a quarter second's worth) at the start"
                if scenario.capped and scenario.rate_limit
                else ""
            ),
        ),
        (
            "report: Delivered",
            report_delivered,
            f"{n} of {n}: {verdict(report_delivered == f'{n} of {n}')}",
        ),
        ("report: Duration", duration, "started_at → finished_at, as the bot counts"),
        (
            "recipients with exactly one message",
            f"{once:,} of {n:,}",
            f"{twice} twice or more, {missing} none, {strangers} unknown chats, "
            f"{wrong_text} other texts, {refused} refused: {verdict(all_reached)}",
        ),
        ("progress edits of the preview", str(run.edits), "editMessageReplyMarkup"),
        (
            "CPU: bot process / this process (fake API)",
            (
                f"{run.bot_cpu_s:.1f} / {run.fake_cpu_s:.1f} s"
                if run.bot_cpu_s is not None
                else f"- / {run.fake_cpu_s:.1f} s"
            ),
            "from the tap to the report",
        ),
        ("ERROR lines in the bot's log", str(run.errors), f"0: {verdict(run.errors == 0)}"),
    ]
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    arguments = list(sys.argv[1:] if argv is None else argv)
    options = parse_args(arguments)
    print_environment(arguments)
    with tempfile.TemporaryDirectory(prefix="bench-broadcast-") as workdir:
        for scenario in options.scenarios:
            run = run_scenario(scenario, options.recipients, Path(workdir) / scenario.name)
            print_table(
                f"Broadcast to {options.recipients:,} patients, {scenario.name} "
                f"({scenario.describe()}); real bot process, fake Bot API in this process",
                figures(run),
            )
            sys.stdout.flush()


if __name__ == "__main__":
    main()
