"""Statuses of doses and the adherence figures built from them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from bot.domain.schedule import Course, PlannedDose, build_plan
from bot.domain.timing import local_date, local_instant

MISSED_AFTER = timedelta(hours=24)
"""An unconfirmed dose counts as missed this long after its reminder."""


class Status(StrEnum):
    BEFORE_ENROLMENT = "before_enrolment"
    ON_TIME = "on_time"
    EARLY = "early"
    LATE = "late"
    MISSED = "missed"
    OVERDUE = "overdue"
    DUE_TODAY = "due_today"
    UPCOMING = "upcoming"


def _require_aware(name: str, moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got {moment!r}")


def dose_status(dose: PlannedDose, *, today: date, now: datetime, reminder_at: datetime) -> Status:
    """Where a dose stands for the patient.

    ``today`` is the patient's local date at ``now``; ``reminder_at`` is the aware instant of
    this dose's reminder (timing.local_instant of its planned date). A taken dose is judged
    by its local date alone, so one missed and taken afterwards is LATE. Doses before
    enrolment are never missed or overdue: the bot was not there to remind.
    """
    _require_aware("now", now)
    _require_aware("reminder_at", reminder_at)
    if dose.before_enrolment:
        return Status.BEFORE_ENROLMENT
    if dose.taken is not None:
        return taken_status(dose.taken, dose.planned)
    if now >= reminder_at + MISSED_AFTER:
        return Status.MISSED
    if dose.planned < today:
        return Status.OVERDUE
    if dose.planned == today:
        return Status.DUE_TODAY
    return Status.UPCOMING


def taken_status(taken: date, planned: date) -> Status:
    """A taken dose is judged by its local date alone: on time, early or late."""
    if taken == planned:
        return Status.ON_TIME
    return Status.EARLY if taken < planned else Status.LATE


@dataclass(frozen=True)
class Adherence:
    """Counts for /history; ``total_recorded`` = doses recorded since enrolment."""

    on_time: int
    early: int
    late: int
    missed: int
    total_recorded: int


def summarize(statuses: Iterable[Status]) -> Adherence:
    """Counts taken doses by timing and doses currently missed (untaken)."""
    counts = Counter(statuses)
    on_time, early, late = counts[Status.ON_TIME], counts[Status.EARLY], counts[Status.LATE]
    return Adherence(
        on_time=on_time,
        early=early,
        late=late,
        missed=counts[Status.MISSED],
        total_recorded=on_time + early + late,
    )


def status_for(
    dose: PlannedDose, *, now: datetime, zone: str, reminder_time: time, enrolled_at: datetime
) -> Status:
    """`dose_status` for a patient's settings. A dose due before the patient enrolled was never
    reminded: it counts as reminded at enrolment, so it shows as overdue, not missed, at first."""
    today = local_date(now, zone)
    at = reminder_at(dose.planned, reminder_time, zone, enrolled_at)
    return dose_status(dose, today=today, now=now, reminder_at=at)


def reminder_at(planned: date, reminder_time: time, zone: str, enrolled_at: datetime) -> datetime:
    """When a dose counts as reminded: its local reminder time, or the enrolment if later."""
    return max(local_instant(planned, reminder_time, zone), enrolled_at)


@dataclass(frozen=True)
class Recent:
    """Doses of the last days: taken on time, early or late (by the day they were taken), and
    missed (by the day they were due)."""

    on_time: int = 0
    early: int = 0
    late: int = 0
    missed: int = 0

    def __add__(self, other: Recent) -> Recent:
        return Recent(
            self.on_time + other.on_time,
            self.early + other.early,
            self.late + other.late,
            self.missed + other.missed,
        )


def recent(
    course: Course,
    *,
    now: datetime,
    zone: str,
    reminder_time: time,
    enrolled_at: datetime,
    days: int,
) -> Recent:
    """One patient's doses in the last `days` local days, worked out from the plan: what the
    staff's figures mean. /stats counts the stored `dose_statuses` instead, which must give
    the same (tests and `benchmarks.scale` compare them with this)."""
    today = local_date(now, zone)
    since = today - timedelta(days=days)
    counts: Counter[Status] = Counter()
    for dose in build_plan(course, today, upcoming=1):
        day = dose.taken if dose.taken is not None else dose.planned
        if day < since or dose.before_enrolment:
            continue
        status = status_for(
            dose, now=now, zone=zone, reminder_time=reminder_time, enrolled_at=enrolled_at
        )
        counts[status] += 1
    return Recent(
        on_time=counts[Status.ON_TIME],
        early=counts[Status.EARLY],
        late=counts[Status.LATE],
        missed=counts[Status.MISSED],
    )
