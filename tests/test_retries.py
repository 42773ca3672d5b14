"""The retry rule: after a passing fault, what is tried again, for how long and how often."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.caregivers import Alert
from bot.domain.checkin import KIND as CHECKIN
from bot.domain.reminders import Kind
from bot.domain.retries import BROADCAST, backoff, keeps_trying

DUE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_backoff_doubles_from_15_seconds_and_stays_within_15_minutes() -> None:
    waits = [backoff(failures) for failures in range(1, 13)]
    assert waits[:7] == [timedelta(seconds=15 * 2**n) for n in range(6)] + [timedelta(minutes=15)]
    assert set(waits[6:]) == {timedelta(minutes=15)}
    assert sum(waits, timedelta()) < timedelta(hours=2), "12 failures: still trying after 2 h"


def test_a_three_day_outage_keeps_the_backoff_at_its_cap() -> None:
    """Retried every 15 minutes for 3 days is about 290 failures in a row; doubling 15 s that
    often would overflow a timedelta."""
    assert {backoff(failures) for failures in (43, 290, 10**6)} == {timedelta(minutes=15)}


@pytest.mark.parametrize("kind", [Kind.DOSE, Kind.SNOOZED, Kind.MISSED, Alert.MISSED])
def test_a_reminder_about_an_open_dose_is_tried_for_as_long_as_it_takes(kind: str) -> None:
    for later in (timedelta(hours=3), timedelta(days=3), timedelta(days=40)):
        assert keeps_trying(kind, DUE, DUE + later)


@pytest.mark.parametrize(
    ("kind", "kept_for"),
    [
        (Kind.HEADS_UP, timedelta(hours=12)),
        (Alert.HEADS_UP, timedelta(hours=12)),
        (Kind.TAKE_OUT, timedelta(minutes=30)),
        (Kind.FOLLOW_UP, timedelta(hours=2)),
        (Kind.EVENING, timedelta(hours=3)),
        (Kind.OVERDUE, timedelta(hours=20)),
        (Alert.CONFIRMED, timedelta(hours=24)),
        (CHECKIN, timedelta(hours=24)),
        (BROADCAST, timedelta(hours=24)),
    ],
)
def test_other_messages_are_tried_while_they_still_make_sense(
    kind: str, kept_for: timedelta
) -> None:
    assert keeps_trying(kind, DUE, DUE + kept_for - timedelta(seconds=1))
    assert not keeps_trying(kind, DUE, DUE + kept_for)
