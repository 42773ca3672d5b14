"""The checks before a first injection, dated from it: the label's vaccine lead times, a
week's notice, and a deadline already past turned into "talk to your doctor"."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.checklist import Check, Item, checklist

FIRST = date(2026, 6, 15)


def test_far_ahead_every_check_has_a_dated_reminder() -> None:
    assert checklist(FIRST, date(2026, 4, 1)) == [
        Item(Check.LIVE_VACCINES, date(2026, 5, 18), date(2026, 5, 11), False),
        Item(Check.INACTIVATED_VACCINES, date(2026, 6, 1), date(2026, 5, 25), False),
        Item(Check.HEPATITIS_B, date(2026, 6, 14), date(2026, 6, 7), False),
        Item(Check.IMMUNOGLOBULINS, date(2026, 6, 14), date(2026, 6, 7), False),
    ]


def test_a_deadline_already_past_is_for_the_doctor_never_do_it_now() -> None:
    items = {item.check: item for item in checklist(FIRST, date(2026, 6, 5))}
    assert items[Check.LIVE_VACCINES].too_late and items[Check.LIVE_VACCINES].remind_on is None
    assert items[Check.INACTIVATED_VACCINES].too_late
    assert items[Check.HEPATITIS_B] == Item(
        Check.HEPATITIS_B, date(2026, 6, 14), date(2026, 6, 7), False
    )


def test_inside_the_notice_the_reminder_is_today() -> None:
    today = date(2026, 6, 10)
    items = {item.check: item for item in checklist(FIRST, today)}
    assert items[Check.IMMUNOGLOBULINS].remind_on == today


def test_nothing_once_treatment_has_started() -> None:
    assert checklist(FIRST, FIRST) == []
    assert checklist(FIRST, FIRST + timedelta(days=3)) == []


@given(
    first=st.dates(date(2020, 8, 20), date(2030, 1, 1)),
    before=st.integers(min_value=1, max_value=400),
)
def test_reminders_never_fall_after_deadlines_or_in_the_past(first: date, before: int) -> None:
    today = first - timedelta(days=before)
    for item in checklist(first, today):
        assert item.deadline < first
        if item.too_late:
            assert item.deadline < today and item.remind_on is None
        else:
            assert item.remind_on is not None and today <= item.remind_on <= item.deadline
