"""The appointments' rules (`bot.domain.appointments`): which days may be chosen, when the
reminders go out (across DST changes, in a DST gap, just after midnight), when one is stale,
where a repeating test goes next (month ends clamped like the dose plan), the interval as
typed, and who hears of it. Plus the calendar export's appointment events."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from icalendar import Calendar

from bot.domain.appointments import (
    AlertDue,
    AppointmentAlert,
    DayProblem,
    caregivers_hear,
    check_day,
    clean_note,
    is_stale,
    next_occurrence,
    read_every,
    reminders_for,
    starts_at,
)
from bot.domain.export import CalendarAppointment, calendar_ics, calendar_reference

BERLIN = "Europe/Berlin"
DAY_BEFORE, SOON = AppointmentAlert.DAY_BEFORE, AppointmentAlert.SOON


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_days_from_today_up_to_two_years_ahead() -> None:
    today = date(2026, 12, 5)
    assert check_day(today, today) is None
    assert check_day(date(2026, 12, 4), today) is DayProblem.PAST
    assert check_day(date(2028, 12, 5), today) is None
    assert check_day(date(2028, 12, 6), today) is DayProblem.TOO_FAR


def test_the_day_before_at_the_reminder_time_and_two_hours_before() -> None:
    found = reminders_for(date(2027, 1, 12), time(9, 30), BERLIN, time(18, 0), utc(2027, 1, 1))
    assert found == [
        AlertDue(DAY_BEFORE, utc(2027, 1, 11, 17, 0)),  # 18:00 CET
        AlertDue(SOON, utc(2027, 1, 12, 6, 30)),  # 07:30 CET
    ]


def test_across_the_spring_change_the_two_hours_are_real_hours() -> None:
    """Berlin moves 02:00 → 03:00 on 28 March 2027: an appointment at 04:00 that night is at
    02:00 UTC, and its reminder comes two real hours before (01:00 on the wall clock)."""
    found = reminders_for(date(2027, 3, 28), time(4, 0), BERLIN, time(10, 0), utc(2027, 3, 1))
    assert found == [
        AlertDue(DAY_BEFORE, utc(2027, 3, 27, 9, 0)),  # 10:00 CET, the day before the change
        AlertDue(SOON, utc(2027, 3, 28, 0, 0)),
    ]
    monday = reminders_for(date(2027, 3, 29), time(9, 0), BERLIN, time(10, 0), utc(2027, 3, 1))
    assert monday == [
        AlertDue(DAY_BEFORE, utc(2027, 3, 28, 8, 0)),  # 10:00 CEST, on the change's day
        AlertDue(SOON, utc(2027, 3, 29, 5, 0)),
    ]


def test_across_the_autumn_change_and_a_reminder_time_in_the_gap() -> None:
    autumn = reminders_for(date(2026, 10, 26), time(9, 0), BERLIN, time(10, 0), utc(2026, 10, 1))
    assert autumn == [
        AlertDue(DAY_BEFORE, utc(2026, 10, 25, 9, 0)),  # 10:00 CET, the day the clocks go back
        AlertDue(SOON, utc(2026, 10, 26, 6, 0)),
    ]
    gap = reminders_for(date(2027, 3, 29), time(11, 0), BERLIN, time(2, 30), utc(2027, 3, 1))
    assert gap[0] == AlertDue(DAY_BEFORE, utc(2027, 3, 28, 1, 30)), "02:30 does not exist: 03:30"


def test_only_reminders_still_ahead_and_none_the_day_before_after_the_soon_one() -> None:
    day, at = date(2027, 1, 12), time(9, 30)
    after_day_before = reminders_for(day, at, BERLIN, time(18, 0), utc(2027, 1, 11, 17, 0))
    assert after_day_before == [AlertDue(SOON, utc(2027, 1, 12, 6, 30))]
    assert reminders_for(day, at, BERLIN, time(18, 0), utc(2027, 1, 12, 6, 30)) == []
    just_after_midnight = reminders_for(day, time(0, 30), BERLIN, time(23, 0), utc(2027, 1, 1))
    assert [due.alert for due in just_after_midnight] == [SOON]


def test_stale_once_begun_and_the_day_before_one_after_a_few_hours() -> None:
    start = starts_at(date(2027, 1, 12), time(9, 30), BERLIN)
    day_before = utc(2027, 1, 11, 17, 0)
    assert not is_stale(DAY_BEFORE, day_before, start, day_before + timedelta(hours=5))
    assert is_stale(DAY_BEFORE, day_before, start, day_before + timedelta(hours=6))
    soon = start - timedelta(hours=2)
    assert is_stale(DAY_BEFORE, utc(2027, 1, 12, 5, 0), start, soon), "the soon one takes over"
    assert not is_stale(SOON, soon, start, start - timedelta(minutes=1))
    assert is_stale(SOON, soon, start, start)


@pytest.mark.parametrize(
    ("anchor", "every", "after", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 1, 31), date(2027, 2, 28)),
        (date(2027, 1, 31), 1, date(2027, 2, 28), date(2027, 3, 31)),  # counted from the 31st
        (date(2026, 11, 30), 3, date(2026, 11, 30), date(2027, 2, 28)),
        (date(2026, 11, 30), 3, date(2027, 2, 28), date(2027, 5, 30)),
        (date(2027, 8, 31), 6, date(2027, 8, 31), date(2028, 2, 29)),  # a leap year
        (date(2027, 1, 15), 3, date(2027, 9, 1), date(2027, 10, 15)),  # after a long absence
    ],
)
def test_the_next_occurrence_of_a_repeating_test(
    anchor: date, every: int, after: date, expected: date
) -> None:
    assert next_occurrence(anchor, every, after) == expected


def test_no_interval_is_ever_invented() -> None:
    with pytest.raises(ValueError):
        next_occurrence(date(2027, 1, 1), 0, date(2027, 1, 1))


@pytest.mark.parametrize(
    ("typed", "months"),
    [
        ("3", 3),
        ("every 3 months", 3),
        ("alle 6 Monate", 6),
        ("12 Monate", 12),
        ("0", None),
        ("25", None),
        ("3 or 6", None),
        ("quarterly", None),
        ("asdf", None),
        ("", None),
    ],
)
def test_the_interval_only_as_typed(typed: str, months: int | None) -> None:
    assert read_every(typed) == months


def test_a_note_is_one_short_line() -> None:
    assert clean_note("  eye\n doctor ") == "eye doctor"
    assert clean_note("x" * 500) == "x" * 60
    assert clean_note("   ") is None


def test_caregivers_hear_only_what_the_patient_shared() -> None:
    assert caregivers_hear(shared=True, approved=True, blocked=False)
    assert not caregivers_hear(shared=False, approved=True, blocked=False), "off by default"
    assert not caregivers_hear(shared=True, approved=False, blocked=False)
    assert not caregivers_hear(shared=True, approved=True, blocked=True)


def test_appointments_in_the_calendar_with_stable_uids() -> None:
    reference = calendar_reference(123456789, "secret")
    appointment = CalendarAppointment(7, date(2027, 1, 12), time(9, 30), "MRI scan")
    ics = calendar_ics(
        [],
        reminder_time=time(9),
        zone=BERLIN,
        now=datetime(2027, 1, 1, tzinfo=UTC),
        uid_prefix=reference,
        title=lambda number: f"dose {number}",
        description="",
        appointments=[appointment],
    )
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["uid"]) == f"{reference}-appointment-7@kesimpta-companion-bot"
    assert str(event["summary"]) == "MRI scan"
    assert event.decoded("dtstart") == datetime(2027, 1, 12, 8, 30, tzinfo=UTC)
