"""Pens at home, the domain: which planned doses a count covers, the doses within a lead time
(the loading phase takes three pens in two weeks), the shortage date, when the reorder
reminder is due and what is written for it, and typed numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.domain.pen_stock import (
    MAX_PENS,
    REPEAT_AFTER,
    ReorderKind,
    Sent,
    coverage,
    doses_within,
    needs_reorder,
    parse_count,
    parse_delivery,
    reorder_at,
    reorder_day,
    reorder_steps,
)
from bot.domain.schedule import Course

FIRST = date(2026, 3, 2)  # a Monday: doses 2026-03-02, -09, -16, -30, then 04-30, 05-30 ...
NEW = Course(FIRST, {})
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def monthly() -> Course:
    """Loading done on time: the next dose is dose 5 on 2026-04-30."""
    return Course(
        FIRST,
        {1: FIRST, 2: date(2026, 3, 9), 3: date(2026, 3, 16), 4: date(2026, 3, 30)},
    )


def test_the_loading_phase_takes_three_pens_in_two_weeks() -> None:
    assert doses_within(NEW, FIRST, 14) == 3
    assert doses_within(NEW, FIRST, 13) == 2, "day 14 itself is in a 14-day lead time"
    assert doses_within(NEW, FIRST, 28) == 4, "then week 4; no week-3 dose"


def test_monthly_doses_take_one_pen_a_month() -> None:
    today = date(2026, 4, 1)
    assert doses_within(monthly(), today, 28) == 0
    assert doses_within(monthly(), today, 29) == 1, "2026-04-30 is 29 days ahead"
    assert doses_within(monthly(), today, 61) == 2


def test_pens_cover_the_next_doses_in_order_and_name_the_first_without_one() -> None:
    cover = coverage(NEW, FIRST, 3)
    assert [dose.number for dose in cover.covered] == [1, 2, 3]
    assert cover.last_covered == date(2026, 3, 16)
    assert (cover.short.number, cover.short.planned) == (4, date(2026, 3, 30))
    none = coverage(monthly(), date(2026, 4, 1), 0)
    assert none.last_covered is None and none.short.number == 5
    assert coverage(monthly(), date(2026, 4, 1), 2).short.planned == date(2026, 6, 30)


def test_an_overdue_dose_still_needs_its_pen() -> None:
    late = date(2026, 3, 12)  # dose 2 (planned 03-09) not recorded yet
    cover = coverage(Course(FIRST, {1: FIRST}), late, 1)
    assert cover.covered[0].number == 2 and cover.short.number == 3
    assert doses_within(Course(FIRST, {1: FIRST}), late, 0) == 1


def test_the_reorder_day_is_the_lead_time_before_the_shortage() -> None:
    cover = coverage(monthly(), date(2026, 4, 1), 1)  # covers 04-30; short on 05-30
    assert reorder_day(cover, 14) == date(2026, 5, 16)
    assert not needs_reorder(cover, date(2026, 5, 15), 14)
    assert needs_reorder(cover, date(2026, 5, 16), 14), "the shortage date is within 14 days"
    assert reorder_day(cover, 7) == date(2026, 5, 23)
    assert reorder_day(cover, 28) == date(2026, 5, 2)


def test_a_new_patient_with_two_pens_is_short_at_once_with_a_14_day_lead() -> None:
    cover = coverage(NEW, FIRST, 2)
    assert cover.short.planned == date(2026, 3, 16)
    assert needs_reorder(cover, FIRST, 14)
    assert not needs_reorder(coverage(NEW, FIRST, 3), FIRST, 14)


def test_the_reminder_is_due_at_the_reminder_time_in_the_patients_zone() -> None:
    cover = coverage(monthly(), date(2026, 4, 1), 1)
    due = reorder_at(cover, 14, time(9, 0), "Europe/Berlin")
    assert due == datetime(2026, 5, 16, 7, 0, tzinfo=UTC), "09:00 summer time in Berlin"


def test_steps_write_the_reminder_and_its_one_repeat() -> None:
    due = NOW + timedelta(days=10)
    assert reorder_steps(due, NOW, Sent()) == [
        (ReorderKind.FIRST, due),
        (ReorderKind.AGAIN, due + REPEAT_AFTER),
    ]
    assert reorder_steps(NOW - timedelta(days=1), NOW, Sent())[0] == (ReorderKind.FIRST, NOW)


def test_after_the_first_only_the_repeat_and_after_both_nothing() -> None:
    first = NOW - timedelta(days=1)
    assert reorder_steps(NOW, NOW, Sent(first_at=first, latest_at=first)) == [
        (ReorderKind.AGAIN, first + REPEAT_AFTER)
    ]
    late = first + REPEAT_AFTER + timedelta(days=2)
    assert reorder_steps(NOW, late, Sent(first_at=first, latest_at=first)) == [
        (ReorderKind.AGAIN, late)
    ]
    assert reorder_steps(NOW, NOW, Sent(first_at=first, again=True, latest_at=first)) == []


def test_a_new_shortage_right_after_a_reminder_waits_its_turn() -> None:
    latest = NOW - timedelta(hours=1)
    steps = reorder_steps(NOW, NOW, Sent(latest_at=latest))
    assert steps[0] == (ReorderKind.FIRST, latest + REPEAT_AFTER)


@pytest.mark.parametrize(
    ("typed", "count"),
    [
        ("0", 0),
        ("4", 4),
        (" 12 ", 12),
        ("60", 60),
        ("61", None),
        ("10000", None),
        ("-1", None),
        ("four", None),
        ("", None),
        ("٣", None),
        ("3.5", None),
        ("+3", None),
    ],
)
def test_a_typed_count(typed: str, count: int | None) -> None:
    assert parse_count(typed) == count


@pytest.mark.parametrize(
    ("typed", "pens"),
    [
        ("3", 3),
        ("+3", 3),
        ("+ 6", 6),
        ("60", 60),
        ("0", None),
        ("+0", None),
        ("-3", None),
        ("61", None),
        ("drei", None),
        ("++3", None),
    ],
)
def test_a_typed_delivery(typed: str, pens: int | None) -> None:
    assert parse_delivery(typed) == pens


def test_a_count_out_of_bounds_is_a_bug_not_a_shortage() -> None:
    with pytest.raises(ValueError):
        coverage(NEW, FIRST, MAX_PENS + 1)
    with pytest.raises(ValueError):
        coverage(NEW, FIRST, -1)
