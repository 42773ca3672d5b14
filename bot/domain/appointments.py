"""Appointments and blood tests (/appointments): which days may be chosen, when each reminder
goes out, whether it is still worth sending, and where a repeating test goes next. Pure rules,
no storage.

The day-before reminder comes at the patient's own reminder time (the time they already chose
for their doses, so the bot speaks at one familiar hour), the second one two hours before the
appointment. A repeating test repeats only at the interval the patient typed (their doctor's):
the bot never proposes one."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from types import MappingProxyType

from bot.domain.schedule import add_months
from bot.domain.timing import local_instant


class AppointmentKind(StrEnum):
    """The `kind` column: stored values, never rename one."""

    NEUROLOGIST = "neurologist"
    MRI = "mri"
    BLOOD_IMMUNOGLOBULINS = "blood_ig"
    BLOOD_HEPATITIS_B = "blood_hbv"
    BLOOD_OTHER = "blood_other"
    OTHER = "other"


BLOOD_TESTS = frozenset(
    {
        AppointmentKind.BLOOD_IMMUNOGLOBULINS,
        AppointmentKind.BLOOD_HEPATITIS_B,
        AppointmentKind.BLOOD_OTHER,
    }
)
"""The kinds that may repeat "every N months"."""

NOTE_LENGTH = 60
"""A note on an "other" appointment: a few words (where, what), not a diary."""
MAX_AHEAD_MONTHS = 24
"""Further ahead than this, a typed date is far more likely a typo than a booking."""
MAX_EVERY_MONTHS = 24


class AppointmentAlert(StrEnum):
    """Outbox kinds of an appointment; the row's `dose_number` holds the appointment's id and
    `dose_planned` the day it was planned for."""

    DAY_BEFORE = "appt_day_before"
    SOON = "appt_soon"
    NEXT = "appt_next"
    """Never sent: when it comes due the appointment has passed, and a repeating one moves on
    to its next occurrence (its reminders planned then)."""


PRIORITY: Mapping[AppointmentAlert, int] = MappingProxyType(
    {AppointmentAlert.DAY_BEFORE: 2, AppointmentAlert.SOON: 1, AppointmentAlert.NEXT: 2}
)
"""After dose reminders; the two-hour one before other notes, it cannot wait long."""

SOON_BEFORE = timedelta(hours=2)
DAY_BEFORE_KEPT_FOR = timedelta(hours=6)
"""Found unsent this long after its time (after downtime), the day-before note is dropped:
the two-hour one follows."""


class DayProblem(StrEnum):
    PAST = "past"
    TOO_FAR = "too_far"


def check_day(day: date, today: date) -> DayProblem | None:
    """An appointment's day: from today up to `MAX_AHEAD_MONTHS` ahead."""
    if day < today:
        return DayProblem.PAST
    if day > add_months(today, MAX_AHEAD_MONTHS):
        return DayProblem.TOO_FAR
    return None


def starts_at(day: date, at: time, zone: str) -> datetime:
    """The appointment's UTC instant; a time in a DST gap moves past it, as dose reminders do."""
    return local_instant(day, at, zone)


def has_passed(day: date, at: time, zone: str, now: datetime) -> bool:
    return starts_at(day, at, zone) <= now


@dataclass(frozen=True)
class AlertDue:
    alert: AppointmentAlert
    due_at: datetime


def reminders_for(
    day: date, at: time, zone: str, reminder_time: time, now: datetime
) -> list[AlertDue]:
    """The reminders still to come for an appointment on `day` at `at` (local): the day
    before at the patient's reminder time, two hours before, each only if its time is still
    ahead. The day-before one is left out when it would not come before the two-hour one (an
    appointment just after midnight)."""
    start = starts_at(day, at, zone)
    soon = start - SOON_BEFORE
    day_before = local_instant(day - timedelta(days=1), reminder_time, zone)
    found = []
    if now < day_before < soon:
        found.append(AlertDue(AppointmentAlert.DAY_BEFORE, day_before))
    if now < soon:
        found.append(AlertDue(AppointmentAlert.SOON, soon))
    return found


def is_stale(alert: AppointmentAlert, due_at: datetime, start: datetime, now: datetime) -> bool:
    """Whether a reminder found unsent at `now` is no longer worth sending: never once the
    appointment has begun; the day-before note not after its few hours or once the two-hour
    reminder is due."""
    if now >= start:
        return True
    if alert is AppointmentAlert.DAY_BEFORE:
        return now >= due_at + DAY_BEFORE_KEPT_FOR or now >= start - SOON_BEFORE
    return False


def occurrence(anchor: date, every_months: int, index: int) -> date:
    """The `index`-th day of a test repeating every `every_months` from `anchor`, always
    counted from the anchor: a test on 31 January every month comes on 28 (or 29) February,
    then 31 March, as the dose plan's months do."""
    return add_months(anchor, every_months * index)


def next_occurrence(anchor: date, every_months: int, after: date) -> date:
    """The first day of the repeating test later than `after`."""
    if every_months < 1:
        raise ValueError("a repeating test needs an interval of at least one month")
    index = 1
    while (day := occurrence(anchor, every_months, index)) <= after:
        index += 1
    return day


_NUMBER = re.compile(r"(?<![0-9])([0-9]{1,3})(?![0-9])")


def read_every(text: str) -> int | None:
    """The interval a patient typed ("3", "every 6 months", "alle 3 Monate"): one whole number
    from 1 to `MAX_EVERY_MONTHS`, else None."""
    numbers = _NUMBER.findall(text[:100])
    if len(numbers) != 1:
        return None
    months = int(numbers[0])
    return months if 1 <= months <= MAX_EVERY_MONTHS else None


def clean_note(text: str) -> str | None:
    """An "other" appointment's note: one line, at most `NOTE_LENGTH` characters; None when
    nothing is left."""
    line = " ".join(text.split())
    return line[:NOTE_LENGTH] or None


def caregivers_hear(shared: bool, approved: bool, blocked: bool) -> bool:
    """A caregiver hears of an appointment only when the patient switched it on for that
    appointment (off by default) and the link is approved and reachable."""
    return shared and approved and not blocked
