"""How long a message that met a passing fault (a network error, a timeout, Telegram's 5xx)
keeps being tried, and how far apart the tries are.

A passing fault says nothing about the message, so the tries are not counted out: it is tried
again, at most `BACKOFF_CAP` apart, for as long as the message still makes sense, and an outage
of hours loses nothing. The outbox composes a reminder afresh at every try and drops it once
its dose is recorded, the patient paused or the note stale; the windows here bound the rest."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from types import MappingProxyType

from bot.domain.caregivers import Alert
from bot.domain.reminders import (
    EVENING_KEPT_FOR,
    FOLLOW_UP_KEPT_FOR,
    HEADS_UP_KEPT_FOR,
    OVERDUE_KEPT_FOR,
    TAKE_OUT_BEFORE,
    Kind,
)

BACKOFF_START = timedelta(seconds=15)
BACKOFF_CAP = timedelta(minutes=15)
"""15 s, 30 s, 1 min … then every 15 minutes: back within a quarter of an hour of an outage's
end."""

BROADCAST = "broadcast"
"""A broadcast delivery, counted from the broadcast's start."""

RETRIED_FOR: Mapping[str, timedelta | None] = MappingProxyType(
    {
        # None: for as long as the dose is open (each try is composed afresh)
        Kind.DOSE: None,
        Kind.SNOOZED: None,
        Kind.MISSED: None,
        Alert.MISSED: None,
        Kind.OVERDUE: OVERDUE_KEPT_FOR,  # by then the next day's one is due
        Kind.HEADS_UP: HEADS_UP_KEPT_FOR,
        Alert.HEADS_UP: HEADS_UP_KEPT_FOR,
        Kind.TAKE_OUT: TAKE_OUT_BEFORE,  # until the reminder it prepares for
        Kind.FOLLOW_UP: FOLLOW_UP_KEPT_FOR,
        Kind.EVENING: EVENING_KEPT_FOR,
    }
)
OTHERWISE = timedelta(hours=24)
"""Any other message (a caregiver's notice, a pen alert, a check-in, a broadcast): a day late
it is still worth having, much later it is noise."""


def keeps_trying(kind: str, due_at: datetime, now: datetime) -> bool:
    """Whether a message of this kind, due at `due_at`, is tried again after a passing fault at
    `now` (otherwise it has failed for good)."""
    window = RETRIED_FOR.get(kind, OTHERWISE)
    return window is None or now < due_at + window


def backoff(failures: int) -> timedelta:
    """The wait after the `failures`-th failed try in a row: doubling from 15 s, capped."""
    doubled: timedelta = BACKOFF_START * 2 ** min(max(failures - 1, 0), 20)
    return min(doubled, BACKOFF_CAP)
