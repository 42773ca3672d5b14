"""What the /report PDF for the neurologist says, worked out from the plan and the records:
the period, the summary (doses planned, on time, early, late, missed, the longest gap between
injections) and the rows of its tables. No words, no PDF and no database here: the action
gathers the facts, `bot.report_pdf` draws the result in the patient's language."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from bot.domain.adherence import Status
from bot.domain.schedule import PlannedDose, add_months


class Period(StrEnum):
    """The stretch of time a report covers, ending on the day it is made."""

    MONTHS_3 = "3"
    MONTHS_6 = "6"
    MONTHS_12 = "12"
    ALL = "all"


PERIOD_MONTHS = {Period.MONTHS_3: 3, Period.MONTHS_6: 6, Period.MONTHS_12: 12}


class Paper(StrEnum):
    A4 = "a4"
    LETTER = "letter"


LETTER_COUNTRIES = frozenset({"US", "CA", "MX", "PR", "GT", "SV", "CL", "CO", "VE", "PH"})
"""Where US Letter is the usual paper (ISO 3166 codes); A4 everywhere else."""


def paper_for(country: str | None) -> Paper:
    """The paper a patient's printer most likely holds, from the country of their time zone
    (None when the zone names no country, such as UTC: A4, the world's default)."""
    return Paper.LETTER if country in LETTER_COUNTRIES else Paper.A4


def period_start(period: Period, today: date, first_injection: date) -> date:
    """The first day the report covers: `today` some months back (clamped to the month's end,
    like the plan), or the first injection for everything; never before the first injection."""
    if period is Period.ALL:
        return min(first_injection, today)
    start = add_months(today, -PERIOD_MONTHS[period])
    return max(start, min(first_injection, today))


class Naming(StrEnum):
    """Whether the patient's first name is printed on the report (not unless they say so)."""

    WITHOUT = "no"
    WITH = "yes"


SUMMARISED = frozenset(
    {Status.ON_TIME, Status.EARLY, Status.LATE, Status.MISSED, Status.OVERDUE, Status.DUE_TODAY}
)
"""Doses that were due by the report's day since the bot has been there: the doses planned."""

LISTED = SUMMARISED | {Status.BEFORE_ENROLMENT}
"""Doses with a line in the table: also those before enrolment whose date is known."""


@dataclass(frozen=True)
class DoseRow:
    """One line of the table of doses. `injector` and `site` are the stored values (see
    bot.domain.sites), None when the patient did not say."""

    number: int
    planned: date
    taken: date | None
    status: Status
    injector: str | None = None
    site: str | None = None

    @property
    def days_off(self) -> int | None:
        """Days after the planned date (negative: early); None while not taken."""
        return (self.taken - self.planned).days if self.taken is not None else None


@dataclass(frozen=True)
class Injection:
    """Who injected a recorded dose and where, as stored with it."""

    injector: str | None
    site: str | None


@dataclass(frozen=True)
class Gap:
    """Days between two injections in a row; `until` None: still open on the report's day
    (a dose missed or overdue since `since`)."""

    days: int
    since: date
    until: date | None


@dataclass(frozen=True)
class Summary:
    planned: int
    on_time: int
    early: int
    late: int
    missed: int
    open: int  # due today or overdue, not missed yet
    longest_gap: Gap | None


@dataclass(frozen=True)
class NoteRow:
    """A diary note or a check-in answer, on the patient's local day."""

    day: date
    text: str
    checkin_dose: int | None = None


@dataclass(frozen=True)
class PenRow:
    """A pen's room-temperature period, in the patient's local time; `ended` None while it is
    still counting. `outcome` is the stored one (bot.store.pen: used, too warm) or None."""

    dose_number: int
    removed: datetime
    ended: datetime | None
    outcome: str | None


@dataclass(frozen=True)
class AppointmentRow:
    """A visit or a test, for the report's list of appointments: its local day, time if known,
    its kind (an `AppointmentKind` value, worded by the labels) and an "other" one's note. The
    section is drawn only when it has rows."""

    day: date
    at: time | None
    kind: str
    note: str | None = None


@dataclass(frozen=True)
class Report:
    """Everything the PDF shows, in the order it shows it."""

    period: Period
    start: date
    end: date
    made_at: datetime
    name: str | None
    summary: Summary
    doses: tuple[DoseRow, ...]
    notes: tuple[NoteRow, ...] = ()
    pens: tuple[PenRow, ...] = ()
    appointments: tuple[AppointmentRow, ...] = ()

    @property
    def empty(self) -> bool:
        """Nothing to show but the header: a patient with no doses due yet in the period."""
        return not (self.doses or self.notes or self.pens or self.appointments)


def in_period(dose: PlannedDose, start: date, end: date) -> bool:
    """A dose belongs to the period if it was planned or taken in it."""
    return any(start <= day <= end for day in (dose.planned, dose.taken) if day is not None)


def dose_rows(
    plan: Iterable[tuple[PlannedDose, Status]],
    injections: dict[int, Injection],
    start: date,
    end: date,
) -> tuple[DoseRow, ...]:
    """The table's lines: the period's doses that are due or done, in dose order. Doses before
    enrolment without a known date are left out (the bot never knew them)."""
    rows = []
    for dose, status in plan:
        if status not in LISTED or not in_period(dose, start, end):
            continue
        if status is Status.BEFORE_ENROLMENT and dose.taken is None:
            continue
        injection = injections.get(dose.number, Injection(None, None))
        rows.append(
            DoseRow(
                dose.number, dose.planned, dose.taken, status, injection.injector, injection.site
            )
        )
    return tuple(sorted(rows, key=lambda row: row.number))


def longest_gap(rows: Sequence[DoseRow], today: date) -> Gap | None:
    """The most days between two injections of doses in a row (1 and 2, 7 and 8, ...), or
    from the last injection to `today` while the next dose is missed or overdue, whichever is
    longer. Doses whose neighbour is unknown (before enrolment) make no pair."""
    taken = {row.number: row.taken for row in rows if row.taken is not None}
    gaps = [
        Gap((taken[number + 1] - day).days, day, taken[number + 1])
        for number, day in taken.items()
        if number + 1 in taken
    ]
    waiting = [row for row in rows if row.taken is None and row.status in SUMMARISED]
    if waiting and waiting[0].number - 1 in taken:
        since = taken[waiting[0].number - 1]
        gaps.append(Gap((today - since).days, since, None))
    if not gaps:
        return None
    return max(gaps, key=lambda gap: (gap.days, gap.until is None))


def summarize(rows: Sequence[DoseRow], today: date) -> Summary:
    statuses = [row.status for row in rows if row.status in SUMMARISED]
    return Summary(
        planned=len(statuses),
        on_time=statuses.count(Status.ON_TIME),
        early=statuses.count(Status.EARLY),
        late=statuses.count(Status.LATE),
        missed=statuses.count(Status.MISSED),
        open=statuses.count(Status.OVERDUE) + statuses.count(Status.DUE_TODAY),
        longest_gap=longest_gap(rows, today),
    )


def build_report(
    *,
    period: Period,
    today: date,
    made_at: datetime,
    first_injection: date,
    plan: Iterable[tuple[PlannedDose, Status]],
    injections: dict[int, Injection],
    name: str | None = None,
    notes: Iterable[NoteRow] = (),
    pens: Iterable[PenRow] = (),
    appointments: Iterable[AppointmentRow] = (),
) -> Report:
    """The report of `period` up to `today` (the patient's local date at `made_at`). `plan`
    pairs each dose with its status now; notes, pens and appointments outside the period are
    left out here, so the caller may pass more."""
    start = period_start(period, today, first_injection)
    rows = dose_rows(plan, injections, start, today)
    return Report(
        period=period,
        start=start,
        end=today,
        made_at=made_at,
        name=name,
        summary=summarize(rows, today),
        doses=rows,
        notes=tuple(sorted((n for n in notes if start <= n.day <= today), key=lambda n: n.day)),
        pens=tuple(
            sorted(
                (p for p in pens if p.removed.date() <= today and _pen_in(p, start)),
                key=lambda p: p.removed,
            )
        ),
        appointments=tuple(
            sorted(
                (a for a in appointments if start <= a.day),
                key=lambda a: (a.day, a.at or time.min),
            )
        ),
    )


def _pen_in(pen: PenRow, start: date) -> bool:
    """A pen counts if its period reached into the report's."""
    return (pen.ended or pen.removed).date() >= start
