"""Ticking off pre-start checks against a real database under a fixed clock: the reminder of
a check done is cancelled in the outbox, un-ticking plans it again, a repeated tap changes
nothing, and sign-up inside a notice week writes no reminder to go out at once."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine

from bot.actions import checklist as actions
from bot.actions.enrolment import enrol
from bot.domain.checklist import Check
from tests.support import factories
from tests.support.pending import pending_at

PATIENT = 1
FIRST = date(2026, 6, 15)  # live vaccines by 18 May, others by 1 June; Berlin, 10:00
SIGNED_UP = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)


def checklist_rows(engine: Engine) -> list[tuple[str, date | None, datetime]]:
    return [
        (kind, planned, due)
        for kind, _, planned, due in pending_at(engine, PATIENT)
        if kind.startswith("chk_")
    ]


def test_ticking_off_cancels_the_reminder_and_un_ticking_plans_it_again(engine: Engine) -> None:
    enrol(engine, SIGNED_UP, factories.enrolment(PATIENT, first=FIRST))
    assert [kind for kind, _, _ in checklist_rows(engine)] == ["chk_live_vaccine", "chk_vaccine"]

    marked = actions.mark(engine, SIGNED_UP, PATIENT, Check.LIVE_VACCINES, True)
    assert marked is not None and marked.changed
    assert {item.check for item in marked.items if item.done} == {Check.LIVE_VACCINES}
    assert [kind for kind, _, _ in checklist_rows(engine)] == ["chk_vaccine"]

    again = actions.mark(engine, SIGNED_UP, PATIENT, Check.LIVE_VACCINES, True)
    assert again is not None and not again.changed
    assert [kind for kind, _, _ in checklist_rows(engine)] == ["chk_vaccine"]

    undone = actions.mark(engine, SIGNED_UP, PATIENT, Check.LIVE_VACCINES, False)
    assert undone is not None and undone.changed
    rows = checklist_rows(engine)
    assert [(kind, planned) for kind, planned, _ in rows] == [
        ("chk_live_vaccine", date(2026, 5, 18)),
        ("chk_vaccine", date(2026, 6, 1)),
    ]
    assert rows[0][2] == datetime(2026, 5, 11, 8, 0, tzinfo=UTC), "10:00 in Berlin, a week ahead"


def test_undated_tests_are_ticked_off_without_any_reminder(engine: Engine) -> None:
    enrol(engine, SIGNED_UP, factories.enrolment(PATIENT, first=FIRST))
    before = checklist_rows(engine)
    marked = actions.mark(engine, SIGNED_UP, PATIENT, Check.HEPATITIS_B, True)
    assert marked is not None and marked.items[0].done
    assert checklist_rows(engine) == before


def test_signing_up_inside_the_notice_week_writes_no_reminder_for_now(engine: Engine) -> None:
    """The tester's burst: a reminder due the day of sign-up went out right after the list."""
    inside_the_week = datetime(2026, 5, 28, 12, 0, tzinfo=UTC)  # vaccines by 1 June
    enrol(engine, inside_the_week, factories.enrolment(PATIENT, first=FIRST))
    assert checklist_rows(engine) == []


def test_no_checklist_once_treatment_started(engine: Engine) -> None:
    enrol(engine, SIGNED_UP, factories.enrolment(PATIENT, first=FIRST))
    after_first = datetime(2026, 6, 16, 12, 0, tzinfo=UTC)
    assert actions.mark(engine, after_first, PATIENT, Check.HEPATITIS_B, True) is None
    assert actions.mark(engine, SIGNED_UP, 99, Check.HEPATITIS_B, True) is None
