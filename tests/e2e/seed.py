"""Seed the bot's SQLite file directly, before the bot starts: enrolling hundreds of people
through the chat would take minutes, and a broadcast only needs who is active.

Seeded patients have no outbox rows (only enrolment and settings plan reminders), so nothing
but the broadcast is sent to them while a test runs."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from contextlib import closing
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from bot.db import make_engine, migrate, transaction
from bot.models import CaregiverLink, Patient


def database_url(workdir: Path) -> str:
    """The URL the harness gives the bot for this working directory."""
    return f"sqlite:///{workdir}/bot.db"


def seed(
    workdir: Path,
    *,
    patients: Iterable[int] = (),
    caregivers: Iterable[tuple[int, int]] = (),
    pending_caregivers: Iterable[tuple[int, int]] = (),
    blocked_patients: Iterable[int] = (),
) -> None:
    """Create the schema and add enrolled patients, approved caregiver links (patient id,
    caregiver id), links still waiting for approval, and patients who blocked the bot."""
    url = database_url(workdir)
    migrate(url)
    engine = make_engine(url)
    now = datetime.now(UTC)
    first = date.today() + timedelta(days=200)  # no dose anywhere near the test
    try:
        with transaction(engine) as session:
            for user_id, blocked in [
                *((user_id, False) for user_id in patients),
                *((user_id, True) for user_id in blocked_patients),
            ]:
                session.add(
                    Patient(
                        user_id=user_id,
                        chat_id=user_id,
                        first_name=f"P{user_id}",
                        time_zone="Europe/Berlin",
                        reminder_time=time(9),
                        first_injection=first,
                        enrolled_after=0,
                        blocked_at=now if blocked else None,
                        enrolled_at=now,
                        updated_at=now,
                    )
                )
            session.flush()
            for (patient_id, caregiver_id), approved in [
                *((link, True) for link in caregivers),
                *((link, False) for link in pending_caregivers),
            ]:
                session.add(
                    CaregiverLink(
                        patient_id=patient_id,
                        caregiver_id=caregiver_id,
                        caregiver_name=f"C{caregiver_id}",
                        approved_at=now if approved else None,
                        created_at=now,
                    )
                )
    finally:
        engine.dispose()


def rows(workdir: Path, sql: str, *params: object) -> list[sqlite3.Row]:
    """Rows of a query on the bot's SQLite file (read while the bot may be running)."""
    with closing(sqlite3.connect(workdir / "bot.db", timeout=30)) as connection:
        connection.row_factory = sqlite3.Row
        return connection.execute(sql, params).fetchall()


def value(workdir: Path, sql: str, *params: object) -> Any:
    """The single value of a one-row, one-column query."""
    [row] = rows(workdir, sql, *params)
    return row[0]
