"""/history's and the page's adherence come from one function: which doses count, their
statuses, the counts and the chart's points, on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine

from bot.actions import doses
from bot.actions.history import HistoryLine, history
from bot.domain.adherence import Status
from tests.support.factories import enrol

ANA = 7001
SIGN_UP = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


def test_no_history_before_the_first_dose(engine: Engine) -> None:
    enrol(engine, ANA, SIGN_UP)
    found = history(engine, SIGN_UP, ANA)
    assert found is not None
    assert (found.lines, found.counts, found.points, list(found.notes)) == ([], None, [], [])


def test_a_late_dose_and_a_missed_one(engine: Engine) -> None:
    enrol(engine, ANA, SIGN_UP)  # dose 1 planned on 2 March, reminders at 10:00 Berlin
    late = doses.record_dose(
        engine,
        datetime(2026, 3, 3, 9, 0, tzinfo=UTC),
        ANA,
        number=None,
        planned=None,
        source="command",
    )
    assert isinstance(late, doses.Recorded) and late.following.planned == date(2026, 3, 10)
    found = history(engine, datetime(2026, 3, 20, 12, 0, tzinfo=UTC), ANA)
    assert found is not None
    assert found.lines == [
        HistoryLine(1, date(2026, 3, 2), date(2026, 3, 3), Status.LATE),
        HistoryLine(2, date(2026, 3, 10), None, Status.MISSED),
    ]
    assert found.counts is not None
    assert (found.counts.on_time, found.counts.late, found.counts.missed) == (0, 1, 1)
    assert [(point.number, point.status) for point in found.points] == [
        (1, Status.LATE),
        (2, Status.MISSED),
    ]


def test_someone_not_enrolled_has_no_history(engine: Engine) -> None:
    assert history(engine, SIGN_UP, ANA) is None
