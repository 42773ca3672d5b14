"""When the check-in after a loading dose is asked (its answers: tests/test_triage.py)."""

from __future__ import annotations

from datetime import date

from bot.domain.checkin import needs_checkin, still_worth_asking


def test_check_ins_follow_the_loading_doses_only() -> None:
    assert [n for n in range(1, 8) if needs_checkin(n)] == [1, 2, 3]


def test_a_check_in_is_not_asked_a_week_late() -> None:
    injected = date(2026, 3, 2)
    assert still_worth_asking(injected, date(2026, 3, 3))
    assert still_worth_asking(injected, date(2026, 3, 4))
    assert not still_worth_asking(injected, date(2026, 3, 5))
    assert not still_worth_asking(injected, date(2026, 3, 9))
