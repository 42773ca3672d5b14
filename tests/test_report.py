"""The /report's contents (bot.domain.report): the period, the dose rows with days early or
late, the summary and the longest gap, and what a patient with no doses gets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.domain.adherence import Status, status_for
from bot.domain.report import (
    AppointmentRow,
    DoseRow,
    Gap,
    Injection,
    NoteRow,
    Paper,
    PenRow,
    Period,
    Report,
    build_report,
    longest_gap,
    paper_for,
    period_start,
)
from bot.domain.schedule import Course, build_plan

ZONE = "UTC"
REMINDER = time(9)
ENROLLED = datetime(2026, 1, 1, tzinfo=UTC)


def report_of(
    course: Course,
    today: date,
    period: Period = Period.ALL,
    *,
    injections: dict[int, Injection] | None = None,
    notes: Sequence[NoteRow] = (),
    pens: Sequence[PenRow] = (),
    appointments: Sequence[AppointmentRow] = (),
    name: str | None = None,
) -> Report:
    """The report a patient of `course` (UTC, reminded at 09:00) gets at noon on `today`."""
    now = datetime.combine(today, time(12), UTC)
    plan = build_plan(course, today, upcoming=1)
    statuses = [
        (dose, status_for(dose, now=now, zone=ZONE, reminder_time=REMINDER, enrolled_at=ENROLLED))
        for dose in plan
    ]
    return build_report(
        period=period,
        today=today,
        made_at=now,
        first_injection=course.first_injection,
        plan=statuses,
        injections=injections or {},
        name=name,
        notes=notes,
        pens=pens,
        appointments=appointments,
    )


# Dose 1 on 5 Jan; 2 a day late; 3 two days early; 4 on time; 5 due 16 Mar, never taken.
FIRST = date(2026, 1, 5)
COURSE = Course(
    FIRST,
    {1: FIRST, 2: date(2026, 1, 13), 3: date(2026, 1, 18), 4: date(2026, 2, 1)},
)


def test_period_starts_months_back_clamped_and_never_before_the_first_injection() -> None:
    today = date(2026, 5, 31)
    first = date(2024, 3, 1)
    assert period_start(Period.MONTHS_3, today, first) == date(2026, 2, 28)
    assert period_start(Period.MONTHS_6, today, first) == date(2025, 11, 30)
    assert period_start(Period.MONTHS_12, today, first) == date(2025, 5, 31)
    assert period_start(Period.ALL, today, first) == first
    assert period_start(Period.MONTHS_12, today, date(2026, 4, 1)) == date(2026, 4, 1)
    assert period_start(Period.ALL, today, date(2026, 7, 1)) == today, "not started yet"


@pytest.mark.parametrize(
    ("country", "paper"),
    [
        ("US", Paper.LETTER),
        ("CA", Paper.LETTER),
        ("DE", Paper.A4),
        ("BR", Paper.A4),
        (None, Paper.A4),
    ],
)
def test_paper_follows_the_country_of_the_time_zone(country: str | None, paper: Paper) -> None:
    assert paper_for(country) is paper


def test_rows_and_summary_of_doses_on_time_early_late_and_missed() -> None:
    report = report_of(
        COURSE,
        date(2026, 3, 20),
        injections={2: Injection("caregiver", "arm_left"), 3: Injection("self", None)},
    )
    assert [(row.number, row.status, row.days_off) for row in report.doses] == [
        (1, Status.ON_TIME, 0),
        (2, Status.LATE, 1),
        (3, Status.EARLY, -2),
        (4, Status.ON_TIME, 0),
        (5, Status.MISSED, None),
    ]
    assert report.doses[4].planned == date(2026, 3, 1)
    assert (report.doses[1].injector, report.doses[1].site) == ("caregiver", "arm_left")
    assert (report.doses[2].injector, report.doses[2].site) == ("self", None)
    assert report.doses[0].injector is None, "nothing said about dose 1"
    summary = report.summary
    assert (summary.planned, summary.on_time, summary.early, summary.late) == (5, 2, 1, 1)
    assert (summary.missed, summary.open) == (1, 0)
    # dose 4 on 1 Feb, nothing since: 47 days by 20 March, longer than any closed gap (14)
    assert summary.longest_gap == Gap(47, date(2026, 2, 1), None)


def test_the_longest_closed_gap_when_nothing_is_missed() -> None:
    course = Course(FIRST, {**COURSE.taken, 5: date(2026, 3, 4), 6: date(2026, 4, 6)})
    report = report_of(course, date(2026, 4, 10))
    assert report.summary.missed == 0
    assert report.summary.longest_gap == Gap(33, date(2026, 3, 4), date(2026, 4, 6))
    assert report.doses[4].status is Status.LATE and report.doses[4].days_off == 3


def test_a_short_period_keeps_only_its_doses_and_gaps() -> None:
    course = Course(FIRST, {**COURSE.taken, 5: date(2026, 3, 1), 6: date(2026, 4, 1)})
    report = report_of(course, date(2026, 4, 21), Period.MONTHS_3)
    assert report.start == date(2026, 1, 21), "dose 3, planned for 20 January, is out"
    assert [row.number for row in report.doses] == [4, 5, 6]
    assert report.summary.planned == 3
    assert report.summary.longest_gap == Gap(31, date(2026, 3, 1), date(2026, 4, 1))


def test_a_dose_due_today_counts_as_planned_and_open() -> None:
    report = report_of(COURSE, date(2026, 3, 1))
    assert report.doses[-1].status is Status.DUE_TODAY
    assert (report.summary.planned, report.summary.open, report.summary.missed) == (5, 1, 0)


def test_doses_before_enrolment_are_listed_with_a_known_date_only() -> None:
    course = Course(date(2025, 1, 6), {1: date(2025, 1, 6), 6: date(2025, 6, 3)}, enrolled_after=6)
    report = report_of(course, date(2025, 6, 10))
    assert [(row.number, row.status) for row in report.doses] == [
        (1, Status.BEFORE_ENROLMENT),
        (6, Status.BEFORE_ENROLMENT),
    ]
    assert report.summary.planned == 0, "the bot was not there to remind"
    assert report.summary.longest_gap is None, "doses 1 and 6 are not in a row"


def test_a_patient_with_no_doses_yet_gets_an_empty_report() -> None:
    course = Course(date(2026, 6, 1), {})
    report = report_of(course, date(2026, 5, 20), Period.MONTHS_6)
    assert report.empty and report.doses == ()
    assert report.summary.planned == 0 and report.summary.longest_gap is None
    assert report.start == report.end == date(2026, 5, 20)


def test_notes_pens_and_appointments_outside_the_period_are_left_out() -> None:
    today = date(2026, 4, 21)
    at = datetime(2026, 3, 1, 8, tzinfo=UTC)
    report = report_of(
        Course(FIRST, {**COURSE.taken, 5: date(2026, 3, 1), 6: date(2026, 4, 1)}),
        today,
        Period.MONTHS_3,
        notes=[
            NoteRow(date(2026, 1, 10), "too old"),
            NoteRow(date(2026, 3, 2), "check-in after dose 5: went fine", 5),
            NoteRow(date(2026, 2, 2), "headache"),
        ],
        pens=[
            PenRow(
                3, datetime(2026, 1, 15, 8, tzinfo=UTC), datetime(2026, 1, 18, tzinfo=UTC), "used"
            ),
            PenRow(5, at, at + timedelta(days=1), "used"),
        ],
        appointments=[
            AppointmentRow(date(2026, 5, 4), time(10, 30), "mri"),
            AppointmentRow(date(2025, 12, 1), None, "blood_other"),
        ],
        name="Ana",
    )
    assert [note.text for note in report.notes] == [
        "headache",
        "check-in after dose 5: went fine",
    ]
    assert [pen.dose_number for pen in report.pens] == [5]
    assert [row.kind for row in report.appointments] == ["mri"], "coming ones stay in"
    assert report.name == "Ana"


def test_longest_gap_prefers_the_open_one_on_a_tie() -> None:
    rows = [
        DoseRow(4, date(2026, 2, 1), date(2026, 2, 1), Status.ON_TIME),
        DoseRow(5, date(2026, 3, 1), date(2026, 3, 1), Status.ON_TIME),
        DoseRow(6, date(2026, 4, 1), None, Status.MISSED),
    ]
    assert longest_gap(rows, date(2026, 3, 29)) == Gap(28, date(2026, 3, 1), None)
    assert longest_gap(rows[:1], date(2026, 3, 29)) is None
