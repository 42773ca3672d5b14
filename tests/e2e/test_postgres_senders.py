"""Two sender processes (BOT_ROLE=sender) on one PostgreSQL database share a burst of 3,000
due dose reminders (thirty claims' worth; the simulated year in tests/simulation adds a second
sender to a year of ordinary traffic, crashes included). Claims use FOR UPDATE SKIP LOCKED,
so every reminder must go out exactly once, and both processes must take part. Extra
processes are for PostgreSQL only (README: BOT_ROLE)."""

from __future__ import annotations

import time
from collections import Counter
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert

from bot.db import migrate
from bot.domain.reminders import PRIORITY, Kind
from bot.models import OutboxMessage, Patient
from tests.support.database import rows, value
from tests.support.fakebotapi import FakeBotApi
from tests.support.harness import BotProcess

PATIENTS = 3_000
FIRST_ID = 500_001
SENDERS = ("sender-a", "sender-b")
DEADLINE = 150.0  # ~30 s alone on 2 cores; CI runs other tests beside it

pytestmark = pytest.mark.parametrize("backend", ["postgresql"])


def seed(url: str, now: datetime) -> list[int]:
    """Patients (UTC, first dose today, reminder at midnight) each with a due DOSE row for
    exactly the dose the sweep computes as current, so none is dropped as stale."""
    ids = list(range(FIRST_ID, FIRST_ID + PATIENTS))
    today = now.date()
    patients = [
        {
            "user_id": user_id,
            "chat_id": user_id,
            "time_zone": "UTC",
            "reminder_time": clock_time(0, 0),
            "first_injection": today,
            "enrolled_after": 0,
            "paused": False,
            "discreet": False,
            "enrolled_at": now,
            "updated_at": now,
        }
        for user_id in ids
    ]
    reminders = [
        {
            "chat_id": user_id,
            "patient_id": user_id,
            "dose_number": 1,
            "dose_planned": today,
            "kind": Kind.DOSE.value,
            "priority": PRIORITY[Kind.DOSE],
            "due_at": now - timedelta(minutes=1),
            "attempts": 0,
            "created_at": now,
        }
        for user_id in ids
    ]
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(insert(Patient.__table__), patients)
        connection.execute(insert(OutboxMessage.__table__), reminders)
    engine.dispose()
    return ids


def pending(url: str) -> int:
    return int(value(url, "SELECT count(*) FROM outbox WHERE finished_at IS NULL"))


def test_two_senders_deliver_3000_reminders_exactly_once(
    api: FakeBotApi, tmp_path: Path, database_url: str
) -> None:
    """Each process tags its calls (its own base URL), so the fake server can tell who sent
    what; a row sent twice would show as a second message to a chat (message id 2)."""
    migrate(database_url)
    ids = seed(database_url, datetime.now(UTC))
    api.accept_any_chat()
    env = {"DATABASE_URL": database_url, "BOT_ROLE": "sender", "TELEGRAM_RATE_LIMIT": "off"}
    started = time.monotonic()
    with ExitStack() as stack:
        senders = [
            stack.enter_context(
                BotProcess(
                    api,
                    tmp_path / name,
                    {**env, "TELEGRAM_API_BASE_URL": api.base_url_for(name)},
                    ready_method="getMe",
                )
            )
            for name in SENDERS
        ]
        while pending(database_url):
            assert all(sender.running for sender in senders), senders[0].logs()
            elapsed = time.monotonic() - started
            assert elapsed < DEADLINE, f"{pending(database_url)} still pending after {elapsed} s"
            time.sleep(0.5)

    sent = api.calls_to("sendMessage", ok=True)
    per_chat = Counter(call.chat_id for call in sent)
    duplicates = {chat: n for chat, n in per_chat.items() if n > 1}
    assert duplicates == {}, f"{len(duplicates)} chats got more than one message"
    assert sorted(per_chat) == ids
    assert api.calls_to("sendMessage", ok=False) == []
    per_sender = Counter(call.client for call in sent)
    assert set(per_sender) == set(SENDERS), f"only some processes sent: {per_sender}"

    outcomes = rows(
        database_url,
        "SELECT outcome, count(*), min(message_id), max(message_id) FROM outbox GROUP BY outcome",
    )
    assert outcomes == [("sent", PATIENTS, 1, 1)]
