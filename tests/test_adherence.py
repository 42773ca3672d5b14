from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.domain.adherence import MISSED_AFTER, Adherence, Status, dose_status, summarize
from bot.domain.schedule import Course, PlannedDose, build_plan
from bot.domain.timing import local_date, local_instant

ZONE = "Europe/Berlin"
PLANNED = date(2026, 6, 1)
REMINDER = local_instant(PLANNED, time(8), ZONE)


def dose(
    taken: date | None = None, *, planned: date = PLANNED, before_enrolment: bool = False
) -> PlannedDose:
    return PlannedDose(4, planned, taken, provisional=False, before_enrolment=before_enrolment)


def status_at(dose_: PlannedDose, now: datetime) -> Status:
    return dose_status(dose_, today=local_date(now, ZONE), now=now, reminder_at=REMINDER)


def test_missed_after_is_a_day() -> None:
    assert timedelta(hours=24) == MISSED_AFTER
    assert datetime(2026, 6, 1, 6, 0, tzinfo=UTC) == REMINDER


@pytest.mark.parametrize(
    ("taken", "expected"),
    [
        (date(2026, 6, 1), Status.ON_TIME),
        (date(2026, 5, 30), Status.EARLY),
        (date(2026, 6, 2), Status.LATE),
        (date(2026, 6, 20), Status.LATE),
    ],
)
def test_taken_doses_are_judged_by_their_local_date(taken: date, expected: Status) -> None:
    now = datetime(2026, 7, 1, tzinfo=UTC)
    assert status_at(dose(taken), now) is expected


def test_taken_after_being_missed_is_late() -> None:
    now = REMINDER + MISSED_AFTER + timedelta(days=2)
    assert status_at(dose(), now) is Status.MISSED
    assert status_at(dose(local_date(now, ZONE)), now) is Status.LATE


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 5, 31, 12, tzinfo=UTC), Status.UPCOMING),
        (datetime(2026, 5, 31, 22, 30, tzinfo=UTC), Status.DUE_TODAY),
        (REMINDER - timedelta(seconds=1), Status.DUE_TODAY),
        (REMINDER + timedelta(hours=10), Status.DUE_TODAY),
        (datetime(2026, 6, 1, 22, 0, tzinfo=UTC), Status.OVERDUE),
        (REMINDER + MISSED_AFTER - timedelta(seconds=1), Status.OVERDUE),
        (REMINDER + MISSED_AFTER, Status.MISSED),
        (REMINDER + MISSED_AFTER + timedelta(seconds=1), Status.MISSED),
        (REMINDER + timedelta(days=40), Status.MISSED),
    ],
)
def test_untaken_dose(now: datetime, expected: Status) -> None:
    assert status_at(dose(), now) is expected


def test_missed_is_measured_from_the_reminder_not_the_date() -> None:
    late_reminder = local_instant(PLANNED, time(23, 30), ZONE)
    now = late_reminder + MISSED_AFTER - timedelta(seconds=1)
    assert (
        dose_status(dose(), today=local_date(now, ZONE), now=now, reminder_at=late_reminder)
        is Status.OVERDUE
    )
    now = late_reminder + MISSED_AFTER
    assert (
        dose_status(dose(), today=local_date(now, ZONE), now=now, reminder_at=late_reminder)
        is Status.MISSED
    )


def test_missed_across_a_clock_change_is_24_real_hours() -> None:
    reminder = local_instant(date(2026, 3, 28), time(8), ZONE)
    planned = dose(planned=date(2026, 3, 28))
    local_0800_next_day = local_instant(date(2026, 3, 29), time(8), ZONE)
    now = local_0800_next_day
    today = local_date(now, ZONE)
    assert dose_status(planned, today=today, now=now, reminder_at=reminder) is Status.OVERDUE
    now = local_0800_next_day + timedelta(hours=1)
    assert dose_status(planned, today=today, now=now, reminder_at=reminder) is Status.MISSED


@pytest.mark.parametrize("taken", [None, date(2026, 6, 5)])
def test_before_enrolment_is_never_missed(taken: date | None) -> None:
    now = REMINDER + timedelta(days=100)
    assert status_at(dose(taken, before_enrolment=True), now) is Status.BEFORE_ENROLMENT


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        dose_status(dose(), today=PLANNED, now=datetime(2026, 6, 1), reminder_at=REMINDER)
    with pytest.raises(ValueError):
        dose_status(
            dose(),
            today=PLANNED,
            now=REMINDER,
            reminder_at=datetime(2026, 6, 1, 8),
        )


def test_a_plan_with_every_status() -> None:
    first = date(2026, 1, 5)
    taken = {
        1: first,
        4: date(2026, 2, 2),
        5: date(2026, 3, 2),
        6: date(2026, 4, 1),
        7: date(2026, 5, 6),
    }
    course = Course(first, taken, enrolled_after=4)
    now = datetime(2026, 6, 8, 12, tzinfo=UTC)
    today = local_date(now, ZONE)
    plan = build_plan(course, today, upcoming=3)
    statuses = [
        dose_status(
            item,
            today=today,
            now=now,
            reminder_at=local_instant(item.planned, time(8), ZONE),
        )
        for item in plan
    ]
    assert statuses == [Status.BEFORE_ENROLMENT] * 4 + [
        Status.ON_TIME,
        Status.EARLY,
        Status.LATE,
        Status.MISSED,
        Status.UPCOMING,
        Status.UPCOMING,
    ]
    assert summarize(statuses) == Adherence(on_time=1, early=1, late=1, missed=1, total_recorded=3)


def test_summarize() -> None:
    assert summarize([]) == Adherence(0, 0, 0, 0, 0)
    statuses = [
        Status.ON_TIME,
        Status.ON_TIME,
        Status.LATE,
        Status.EARLY,
        Status.MISSED,
        Status.OVERDUE,
        Status.DUE_TODAY,
        Status.UPCOMING,
        Status.BEFORE_ENROLMENT,
    ]
    assert summarize(iter(statuses)) == Adherence(
        on_time=2, early=1, late=1, missed=1, total_recorded=4
    )


def test_statuses_are_codes() -> None:
    assert Status.MISSED.value == "missed"
    assert {status.value for status in Status} >= {"before_enrolment", "due_today", "overdue"}
