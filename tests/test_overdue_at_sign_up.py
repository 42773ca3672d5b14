"""Joining mid-treatment with the next dose already days late, with the sweep under a fixed
clock: the first reminder waits for the chosen time (18:00, not the 12:00 of sign-up) and
says how late the dose is and what the label says to do."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time

from bot import texts
from bot.actions.enrolment import Late, enrol
from bot.clock import FixedClock
from bot.services import Services
from bot.texts import language
from tests.support import factories
from tests.test_outbox import StandInBot, app, clock, run_sweep

__all__ = ["app", "clock"]  # the fixtures, shared with the outbox's tests

NOON = datetime(2026, 3, 7, 11, 0, tzinfo=UTC)  # 12:00 in Berlin
SIX = datetime(2026, 3, 7, 17, 0, tzinfo=UTC)  # the chosen 18:00


def join_five_days_late(app: Services, code: str = "en") -> None:
    """First injection 5 January, the latest (dose 4) 2 February: dose 5 was due 2 March."""
    answers = replace(
        factories.enrolment(1, first=date(2026, 1, 5), at=time(18, 0), language=code),
        last_injection=date(2026, 2, 2),
        last_dose_number=4,
    )
    enrolled = enrol(app.engine, NOON, answers)
    assert enrolled.late == Late(5, date(2026, 3, 2), 5, SIX)


def test_the_first_reminder_comes_at_the_chosen_time_and_says_how_late(
    app: Services, clock: FixedClock
) -> None:
    join_five_days_late(app)
    bot = StandInBot()
    clock.set(NOON)
    assert run_sweep(app, bot) == 0, "no surprise at noon"
    clock.set(SIX)
    assert run_sweep(app, bot) == 1
    [(_, text)] = bot.sent
    assert "Dose 5 (monthly 2) of your Kesimpta injection was planned for 2026-03-02" in text
    assert "— 5 days ago." in text
    assert texts.reminders.missed_dose_advice() in text
    assert "as soon as possible" in text and "doctor" in text
    assert "It's time" not in text


def test_in_german(app: Services, clock: FixedClock) -> None:
    join_five_days_late(app, "de")
    bot = StandInBot()
    clock.set(SIX)
    run_sweep(app, bot)
    [(_, text)] = bot.sent
    with language.speaking("de"):
        assert "vor 5 Tagen" in text and texts.reminders.missed_dose_advice() in text


def test_the_sign_up_plan_says_it_too() -> None:
    local_noon = datetime(2026, 3, 7, 12, 0)
    note = texts.reminders.overdue_at_sign_up(
        11, date(2026, 3, 2), 5, datetime(2026, 3, 7, 18, 0), local_noon
    )
    assert note.startswith("⚠️ Dose 11 was planned for 2026-03-02 — 5 days ago.")
    assert "I'll remind you at 18:00 today" in note
    now = texts.reminders.overdue_at_sign_up(11, date(2026, 3, 2), 1, local_noon, local_noon)
    assert "1 day ago" in now and "reminder now" in now
