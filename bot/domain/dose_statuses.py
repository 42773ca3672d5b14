"""The doses of a patient's plan that can count in the staff's figures, kept as data so that
/stats is one aggregate query instead of every plan worked out again.

For each recorded dose (after enrolment) and the current untaken one, what a plain SQL
aggregate needs to give `adherence.recent`'s result at any instant: the status a taken dose
has for good, and as UTC instants computed with the patient's zone, when the dose's local day
leaves the window and, for the untaken dose, from when it counts as missed. The rows depend
only on the recorded doses, the zone, the reminder time and the enrolment, so they are
rewritten whenever one of those changes (with the reminders, by `replan`), never as time
passes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.domain.adherence import MISSED_AFTER, Recent, Status, reminder_at, taken_status
from bot.domain.schedule import Course, build_plan
from bot.domain.timing import day_start

RECENT_DAYS = 30
"""The staff's figures cover the doses of the last 30 local days."""


@dataclass(frozen=True)
class CountedDose:
    """One dose as the figures count it: with `status` while `counts_from <= now <
    counts_until` (no lower bound when `counts_from` is None)."""

    number: int
    status: Status
    counts_from: datetime | None
    counts_until: datetime


def counted_doses(
    course: Course,
    *,
    zone: str,
    reminder_time: time,
    enrolled_at: datetime,
    days: int = RECENT_DAYS,
) -> list[CountedDose]:
    """The rows for one patient. `recent` looks at `build_plan(course, today, upcoming=1)`:
    the doses up to the last recorded one and the first untaken one, whose dates follow from
    the recorded doses alone (today moves only the doses after an overdue one, which that plan
    leaves out), so any today gives them; the first injection is used. A dose counts while
    its local day is at most `days` days before the patient's today, that is until the start
    of the local day `days + 1` days after it."""
    rows = []
    for dose in build_plan(course, course.first_injection, upcoming=1):
        if dose.before_enrolment:
            continue
        if dose.taken is not None:
            status, counts_from, day = taken_status(dose.taken, dose.planned), None, dose.taken
        else:
            status, day = Status.MISSED, dose.planned
            counts_from = reminder_at(dose.planned, reminder_time, zone, enrolled_at) + MISSED_AFTER
        rows.append(CountedDose(dose.number, status, counts_from, _leaves_window(day, zone, days)))
    return rows


def _leaves_window(day: date, zone: str, days: int) -> datetime:
    return day_start(day + timedelta(days=days + 1), zone)


def tally(rows: Iterable[CountedDose], now: datetime) -> Recent:
    """What the figures' query counts at `now`, in Python: the rule the SQL follows."""
    counts = Counter(
        row.status
        for row in rows
        if row.counts_until > now and (row.counts_from is None or row.counts_from <= now)
    )
    return Recent(
        on_time=counts[Status.ON_TIME],
        early=counts[Status.EARLY],
        late=counts[Status.LATE],
        missed=counts[Status.MISSED],
    )
