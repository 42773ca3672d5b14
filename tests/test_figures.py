"""The staff's figures: from the pure domain, which of a patient's doses of the last days count
as on time, early, late or missed; from the store, the counts on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine

from bot.db import transaction
from bot.domain.adherence import Recent, recent
from bot.domain.conversations import EnrolmentAnswers, EraseAnswers, SettingsAnswers
from bot.domain.schedule import Course
from bot.store import conversations
from bot.store import figures as figures_store

ZONE = "Europe/Berlin"
AT = time(9)
NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)  # 14:00 in Berlin on 31 March
ENROLLED = datetime(2026, 1, 1, tzinfo=UTC)


def figures(course: Course, *, days: int = 30, enrolled_at: datetime = ENROLLED) -> Recent:
    return recent(course, now=NOW, zone=ZONE, reminder_time=AT, enrolled_at=enrolled_at, days=days)


def test_taken_doses_count_by_the_day_they_were_taken() -> None:
    # plan: 1 on 3 Mar, 2 on 10 Mar, 3 on 17 Mar, 4 on 31 Mar (dose 3 + 14 days)
    course = Course(
        first_injection=date(2026, 3, 3),
        taken={1: date(2026, 3, 3), 2: date(2026, 3, 9), 3: date(2026, 3, 19)},
    )
    # dose 2 was early (9th for the 10th), dose 3 late (19th for the 16th: 2 taken on the 9th)
    assert figures(course) == Recent(on_time=1, early=1, late=1, missed=0)
    assert figures(course, days=13) == Recent(on_time=0, early=0, late=1, missed=0)


def test_a_dose_still_not_taken_a_day_after_its_reminder_is_missed() -> None:
    course = Course(first_injection=date(2026, 3, 3), taken={1: date(2026, 3, 3)})
    # dose 2 was due on 10 March: missed since 11 March 09:00
    assert figures(course) == Recent(on_time=1, missed=1)
    assert figures(course, days=15) == Recent(), "both fall before the window"


def test_doses_due_before_enrolment_are_never_missed() -> None:
    course = Course(first_injection=date(2026, 3, 3), taken={})
    assert figures(course, enrolled_at=NOW - timedelta(hours=1)) == Recent()
    assert figures(course) == Recent(missed=1), "reminded since January: missed"


def test_figures_add_up_over_patients() -> None:
    total = Recent(on_time=1, late=2) + Recent(early=1, missed=3)
    assert total == Recent(on_time=1, early=1, late=2, missed=3)


def test_counts_include_a_sign_up_waiting_behind_a_short_question(engine: Engine) -> None:
    """The JSON path into an interrupted conversation works on SQLite and PostgreSQL alike."""
    with transaction(engine) as session:
        conversations.save(session, 1, "enrolment", "zone", EnrolmentAnswers(), NOW)
        conversations.save(session, 2, "enrolment", "first", EnrolmentAnswers(zone="UTC"), NOW)
        conversations.interrupt(session, 2, "erase", "confirm", EraseAnswers(), NOW)
        conversations.save(session, 3, "settings", "time", SettingsAnswers(), NOW)
    with transaction(engine) as session:
        found = figures_store.figures(session)
    assert (found.enrolling, found.patients, found.active, found.inactive) == (2, 0, 0, 0)
