"""Pens at home (/pens): how many the patient has, which planned doses they cover, and when to
remind them to reorder. Not to be confused with `bot.domain.pen`, the one pen out of the
fridge and its room-temperature days.

Each dose takes one pen. The pens cover the next doses of the plan in order, so the first
dose without a pen (the shortage) is the one `pens` places after the next dose. The reorder
reminder, once the patient turns it on, goes out when that dose falls within the lead time
(at the patient's reminder time on the first such day), and once more `REPEAT_AFTER` later if
nothing changed; the shortage it was about is its identity, so a delivery or a raised count
(a later shortage) arms it afresh, while a dose injected in between (one pen fewer, one dose
fewer to cover) does not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from bot.domain.numbers import parse_number
from bot.domain.schedule import Course, PlannedDose, build_plan
from bot.domain.timing import local_instant

MAX_PENS = 60
"""More than five years of monthly doses: a larger count is a typing slip."""
DEFAULT_LEAD_DAYS = 14
LEAD_CHOICES = (7, 14, 21, 28)
DELIVERY_CHOICES = (1, 3, 6)
REPEAT_AFTER = timedelta(days=3)
"""The one repeat of a reorder reminder nobody acted on."""

REORDER_PRIORITY = 2
"""With the other notes, after dose reminders and missed-dose alerts."""


class ReorderKind(StrEnum):
    """Outbox kinds: the reminder, and its one repeat."""

    FIRST = "pens_reorder"
    AGAIN = "pens_reorder2"


def parse_count(text: str) -> int | None:
    """A typed count of pens at home, 0 to MAX_PENS; None otherwise."""
    return parse_number(text.strip(), MAX_PENS)


def parse_delivery(text: str) -> int | None:
    """A typed delivery, "3" or "+3", 1 to MAX_PENS; None otherwise."""
    cleaned = text.strip().removeprefix("+").strip()
    number = parse_number(cleaned, MAX_PENS)
    return number if number else None


@dataclass(frozen=True)
class Coverage:
    """What `pens` pens cover: the next doses of the plan, one each, and the first dose left
    without a pen."""

    pens: int
    covered: tuple[PlannedDose, ...]
    short: PlannedDose

    @property
    def last_covered(self) -> date | None:
        """The planned date of the last dose a pen is there for (None: no pens)."""
        return self.covered[-1].planned if self.covered else None


def upcoming(course: Course, today: date, count: int) -> list[PlannedDose]:
    """The next `count` doses not yet injected, from the plan as it stands `today` (an overdue
    dose first)."""
    recorded = max([course.enrolled_after, *course.taken])
    plan = build_plan(course, today, upcoming=count)
    return [dose for dose in plan if dose.number > recorded]


def coverage(course: Course, today: date, pens: int) -> Coverage:
    if not 0 <= pens <= MAX_PENS:
        raise ValueError(f"a count of pens is 0 to {MAX_PENS}, got {pens}")
    doses = upcoming(course, today, pens + 1)
    return Coverage(pens, tuple(doses[:pens]), doses[pens])


def doses_within(course: Course, today: date, lead_days: int) -> int:
    """How many doses are planned from now to `lead_days` days ahead (that day included): the
    pens needed to get through the lead time. An overdue dose counts (it still needs a pen)."""
    horizon = today + timedelta(days=lead_days)
    count = 0
    for dose in upcoming(course, today, MAX_PENS + 1):
        if dose.planned > horizon:
            break
        count += 1
    return count


def reorder_day(cover: Coverage, lead_days: int) -> date:
    """The first day on which the doses within the lead time need more pens than there are."""
    return cover.short.planned - timedelta(days=lead_days)


def needs_reorder(cover: Coverage, today: date, lead_days: int) -> bool:
    return today >= reorder_day(cover, lead_days)


def reorder_at(cover: Coverage, lead_days: int, at: time, zone: str) -> datetime:
    """When the reminder is due: the patient's reminder time on the reorder day."""
    return local_instant(reorder_day(cover, lead_days), at, zone)


@dataclass(frozen=True)
class Sent:
    """The reorder reminders already delivered: for the shortage as it stands now (the first
    one's time, whether the repeat went), and the latest one for any shortage."""

    first_at: datetime | None = None
    again: bool = False
    latest_at: datetime | None = None


def reorder_steps(due: datetime, now: datetime, sent: Sent) -> list[tuple[ReorderKind, datetime]]:
    """What to write to the outbox for the current shortage, whose reminder is `due`: both
    messages when none went yet, the repeat when only the first did, nothing after both. A new
    shortage's first reminder waits `REPEAT_AFTER` after the latest one, so a delivery that
    falls short does not bring a reminder the moment it is noted."""
    if sent.again:
        return []
    if sent.first_at is not None:
        return [(ReorderKind.AGAIN, max(now, sent.first_at + REPEAT_AFTER))]
    first = max(due, now)
    if sent.latest_at is not None:
        first = max(first, sent.latest_at + REPEAT_AFTER)
    return [(ReorderKind.FIRST, first), (ReorderKind.AGAIN, first + REPEAT_AFTER)]
