"""The dose plan: which dose is due when, after whatever the patient actually did.

Dates here are the patient's local calendar dates; turning them into instants is timing's job.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from itertools import pairwise
from types import MappingProxyType

FIRST_APPROVAL = date(2020, 8, 20)
"""Kesimpta's first approval: no real injection can be older."""

LOADING_GAPS: Mapping[int, timedelta] = MappingProxyType(
    {
        2: timedelta(days=7),
        3: timedelta(days=7),
        4: timedelta(days=14),
    }
)
"""Days from the previous dose's actual date; weeks 0, 1, 2, then week 4 (no week-3 dose)."""

FIRST_MONTHLY = 4

MONTHLY_MINIMUM = timedelta(days=28)
"""The shortest gap between monthly doses that still keeps the label's rhythm. The label says
"monthly" and sets no minimum; this project reads it as four weeks (the shortest calendar month,
and the spacing the trials used). Closer doses are reported as earlier than the plan, and the
patient is told to check with the doctor."""


class Phase(StrEnum):
    LOADING = "loading"
    MONTHLY = "monthly"


class TakenDateProblem(StrEnum):
    """Why a date cannot be recorded for a dose; the wording lives with the handlers."""

    IN_FUTURE = "in_future"
    BEFORE_PREVIOUS_DOSE = "before_previous_dose"
    AFTER_NEXT_DOSE = "after_next_dose"
    BEFORE_FIRST_APPROVAL = "before_first_approval"


def phase_of(number: int) -> Phase:
    """Doses 1-3 load; from dose 4 on they are monthly."""
    if number < 1:
        raise ValueError(f"dose numbers start at 1, got {number}")
    return Phase.LOADING if number < FIRST_MONTHLY else Phase.MONTHLY


def add_months(day: date, months: int) -> date:
    """Same day of the month, clamped to the month's last day (Jan 31 + 1 -> Feb 28)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    if day.day <= 28:  # every month has a 28th: the common case needs no calendar
        return date(year, month, day.day)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class _FrozenDates(Mapping[int, date]):
    """A read-only, hashable dose number -> date mapping, so a Course can be a dict key."""

    __slots__ = ("_items", "_lookup")

    def __init__(self, items: Mapping[int, date]) -> None:
        self._items: tuple[tuple[int, date], ...] = tuple(sorted(items.items()))
        self._lookup: dict[int, date] = dict(self._items)

    def __getitem__(self, number: int) -> date:
        return self._lookup[number]

    def __iter__(self) -> Iterator[int]:
        return (key for key, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __repr__(self) -> str:
        return repr(dict(self._items))


@dataclass(frozen=True)
class Course:
    """What the plan is computed from: the first injection date and the recorded doses.

    ``taken`` maps a dose number to the local date it was injected. With
    ``enrolled_after = k`` doses 1..k happened before enrolment: only ``taken[k]`` (and
    possibly ``taken[1]``) are known, the doses in between have no record. Invalid input
    raises ValueError here, so a plan is never built from a course with gaps.
    """

    first_injection: date
    taken: Mapping[int, date]
    enrolled_after: int = 0

    def __post_init__(self) -> None:
        taken = _FrozenDates(self.taken)
        object.__setattr__(self, "taken", taken)
        _validate(taken, self.enrolled_after)


def _validate(taken: Mapping[int, date], enrolled_after: int) -> None:
    """Taken doses form a prefix of the numbering, apart from the undocumented gap."""
    if enrolled_after < 0:
        raise ValueError(f"enrolled_after must be >= 0, got {enrolled_after}")
    numbers = list(taken)
    if any(number < 1 for number in numbers):
        raise ValueError(f"dose numbers start at 1, got {numbers}")
    if enrolled_after and enrolled_after not in taken:
        raise ValueError(f"the last dose before enrolment ({enrolled_after}) needs its date")
    after = [number for number in numbers if number > enrolled_after]
    if after != list(range(enrolled_after + 1, enrolled_after + 1 + len(after))):
        raise ValueError(f"taken doses {numbers} leave a gap after dose {enrolled_after}")
    days = [taken[number] for number in numbers]
    if any(later <= earlier for earlier, later in pairwise(days)):
        raise ValueError("each recorded dose must be injected after the previous one")


@dataclass(frozen=True)
class PlannedDose:
    """One line of the plan.

    ``provisional``: the planned date assumes an overdue earlier dose is injected today, so
    it will move when that dose is recorded. ``before_enrolment``: the dose happened before
    the patient enrolled; it is never missed or overdue.
    """

    number: int
    planned: date
    taken: date | None
    provisional: bool
    before_enrolment: bool

    @property
    def phase(self) -> Phase:
        return phase_of(self.number)


def _doses(course: Course, today: date) -> Iterator[PlannedDose]:
    """The endless plan, dose by dose.

    Each dose leaves an effective date: its actual date if taken, today if it is the overdue
    one, its planned date otherwise. Loading doses count from the previous effective date;
    monthly doses count whole months from the anchor: dose 4, or the latest monthly dose
    whose effective date differs from its planned one, or the last dose before enrolment
    (never month-on-month: that drifts after a short month). Undocumented doses before
    enrolment keep their on-time dates and move nothing.
    """
    enrolled_after = course.enrolled_after
    previous = course.first_injection
    anchor_number, anchor_date = 0, course.first_injection
    provisional = False
    first_untaken_seen = False
    number = 0
    while True:
        number += 1
        if number == 1:
            planned = course.first_injection
        elif number <= FIRST_MONTHLY:
            planned = previous + LOADING_GAPS[number]
        else:
            planned = add_months(anchor_date, number - anchor_number)

        before_enrolment = number <= enrolled_after
        taken = course.taken.get(number)
        overdue = False
        if before_enrolment:
            reanchor = number == enrolled_after
            effective = taken if reanchor and taken is not None else planned
        elif taken is not None:
            effective = taken
            reanchor = taken != planned
        elif not first_untaken_seen:
            first_untaken_seen = True
            overdue = planned < today
            effective = today if overdue else planned
            reanchor = overdue
        else:
            effective = planned
            reanchor = False

        yield PlannedDose(number, planned, taken, provisional, before_enrolment)

        provisional = provisional or overdue
        previous = effective
        if number == FIRST_MONTHLY or (number > FIRST_MONTHLY and reanchor):
            anchor_number, anchor_date = number, effective


def build_plan(course: Course, today: date, upcoming: int = 12) -> list[PlannedDose]:
    """Every dose before enrolment, every taken dose, then ``upcoming`` untaken doses.

    The first untaken dose keeps its planned date even when that is past (overdue); the
    doses after it are then computed as if it were injected ``today`` and are provisional.
    """
    if upcoming < 0:
        raise ValueError(f"upcoming must be >= 0, got {upcoming}")
    recorded = max([course.enrolled_after, *course.taken])
    plan: list[PlannedDose] = []
    untaken = 0
    for dose in _doses(course, today):
        if dose.number > recorded and untaken >= upcoming:
            break
        plan.append(dose)
        if dose.number > recorded:
            untaken += 1
    return plan


def next_dose(course: Course, today: date) -> PlannedDose:
    """The dose to remind about: the first untaken one after enrolment (maybe overdue)."""
    for dose in _doses(course, today):
        if dose.number > course.enrolled_after and dose.taken is None:
            return dose
    raise AssertionError("the plan is endless")


def _on_time_dates(first_injection: date) -> Iterator[date]:
    """Planned dates when every dose is taken on its planned day."""
    return (dose.planned for dose in _doses(Course(first_injection, {}), first_injection))


def last_planned(first_injection: date, today: date) -> tuple[int, date]:
    """The last dose planned up to `today` if every dose came on its planned day: what a
    patient who cannot remember their most recent injection can start from."""
    if today < first_injection:
        raise ValueError("the first injection is still to come")
    found = (1, first_injection)
    for number, planned in enumerate(_on_time_dates(first_injection), start=1):
        if planned > today:
            return found
        found = (number, planned)
    raise AssertionError("the plan is endless")


def infer_last_dose(first_injection: date, last_injection: date) -> tuple[int, ...]:
    """Which dose the most recent injection before enrolment was, from the dates alone.

    One number when it falls on an on-time planned date; two (n, n+1) when it falls between
    them (dose n late or dose n+1 early): then the patient has to say which.
    """
    if last_injection < first_injection:
        raise ValueError("the most recent injection cannot precede the first one")
    for number, planned in enumerate(_on_time_dates(first_injection), start=1):
        if planned == last_injection:
            return (number,)
        if planned > last_injection:
            return (number - 1, number)
    raise AssertionError("the plan is endless")


def check_recorded_date(
    course: Course, number: int, day: date, today: date
) -> TakenDateProblem | None:
    """Whether ``day`` may be recorded as the actual date of dose ``number`` (None: yes).

    The neighbours are the nearest recorded doses below and above ``number``, so this also
    fits a correction of an already recorded dose.
    """
    if day > today:
        return TakenDateProblem.IN_FUTURE
    if day < FIRST_APPROVAL:
        return TakenDateProblem.BEFORE_FIRST_APPROVAL
    earlier = [course.taken[n] for n in course.taken if n < number]
    if earlier and day <= earlier[-1]:
        return TakenDateProblem.BEFORE_PREVIOUS_DOSE
    later = [course.taken[n] for n in course.taken if n > number]
    if later and day >= later[0]:
        return TakenDateProblem.AFTER_NEXT_DOSE
    return None


def recorded_on(course: Course, day: date) -> int | None:
    """The dose already recorded as injected on `day`, if any: recording another dose on that
    day would be a second injection the same day, which is rather a repeat of the first."""
    return next((number for number, taken in sorted(course.taken.items()) if taken == day), None)


@dataclass(frozen=True)
class ShortGap:
    """Two neighbouring doses closer together than the label's spacing allows."""

    earlier: int
    later: int
    minimum: timedelta


def minimum_gap(number: int) -> timedelta:
    """The shortest spacing from dose ``number - 1`` to dose ``number``: the label's weeks 0, 1,
    2 and 4 for the loading doses, then MONTHLY_MINIMUM."""
    if number < 2:
        raise ValueError(f"dose 1 has no previous dose, got {number}")
    return LOADING_GAPS.get(number, MONTHLY_MINIMUM)


def short_gap(course: Course, number: int, day: date) -> ShortGap | None:
    """Whether recording ``day`` for dose ``number`` leaves it closer to a recorded neighbour
    (the dose before, or after for a correction) than the label's spacing: then it is recorded
    all the same, and the patient is told it is earlier than the plan."""
    before, after = course.taken.get(number - 1), course.taken.get(number + 1)
    if before is not None and day - before < minimum_gap(number):
        return ShortGap(number - 1, number, minimum_gap(number))
    if after is not None and after - day < minimum_gap(number + 1):
        return ShortGap(number, number + 1, minimum_gap(number + 1))
    return None
