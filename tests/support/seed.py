"""Seed the bot's database directly (SQLite or PostgreSQL, see tests/support/database.py),
before the bot starts: enrolling hundreds of people through the chat would take minutes, and a
broadcast only needs who is active. ``rows``/``value`` read it back on either backend.

Seeded patients have no outbox rows (only enrolment and settings plan reminders), so nothing
but the broadcast is sent to them while a test runs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from bot.db import make_engine, migrate, transaction
from bot.models import CaregiverLink, Patient
from tests.support.database import database_url, rows, value

__all__ = ["database_url", "rows", "seed", "value"]


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
