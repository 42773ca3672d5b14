"""The /pen action against a real database: the period counts from the first removal for the
current dose, and a period left open for a recorded dose ends as used."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from bot.actions import doses, pen
from bot.db import transaction
from bot.domain.pen import PenAlert
from bot.models import PenPeriod
from tests.support import factories
from tests.support.pending import pending

PATIENT, STRANGER = 1, 3
FIRST = date(2026, 3, 2)
OUT = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


@pytest.fixture
def engine(engine: Engine) -> Engine:
    factories.enrol(engine, PATIENT, OUT - timedelta(days=1), first=FIRST)
    return engine


def pen_alerts(engine: Engine) -> list[tuple[str, int | None]]:
    kinds = {alert.value for alert in PenAlert}
    return [(kind, number) for kind, number, _ in pending(engine, PATIENT) if kind in kinds]


def test_the_first_removal_starts_the_count_and_asking_again_keeps_it(engine: Engine) -> None:
    assert pen.take_out(engine, OUT, STRANGER) is None
    first = pen.take_out(engine, OUT, PATIENT)
    assert first is not None and first.started
    assert (first.period.dose_number, first.period.removed_at) == (1, OUT)
    assert sorted(pen_alerts(engine)) == sorted((alert.value, 1) for alert in PenAlert)
    again = pen.take_out(engine, OUT + timedelta(hours=2), PATIENT)
    assert again is not None and not again.started and again.period.id == first.period.id


def test_a_pen_for_a_recorded_dose_is_used_and_the_next_one_starts(engine: Engine) -> None:
    first = pen.take_out(engine, OUT, PATIENT)
    assert first is not None
    doses.record_dose(engine, OUT, PATIENT, number=None, planned=None, source="command")
    later = OUT + timedelta(days=6)
    second = pen.take_out(engine, later, PATIENT)
    assert second is not None and second.started and second.period.dose_number == 2
    with transaction(engine) as session:
        used = session.get(PenPeriod, first.period.id)
        assert used is not None and (used.outcome, used.closed_at) == ("used", later)
    assert sorted(pen_alerts(engine)) == sorted((alert.value, 2) for alert in PenAlert)


def test_looking_changes_nothing_and_says_which_dose_is_asked_about(engine: Engine) -> None:
    assert pen.look(engine, OUT, STRANGER) is None
    view = pen.look(engine, OUT, PATIENT)
    assert view is not None and (view.dose_number, view.period) == (1, None)
    assert pen_alerts(engine) == []
    started = pen.take_out(engine, OUT, PATIENT, dose_number=1)
    assert started is not None
    view = pen.look(engine, OUT + timedelta(hours=1), PATIENT)
    assert view is not None and view.period is not None and view.period.id == started.period.id


def test_a_yes_for_a_dose_since_recorded_notes_nothing(engine: Engine) -> None:
    doses.record_dose(engine, OUT, PATIENT, number=None, planned=None, source="command")
    assert pen.take_out(engine, OUT, PATIENT, dose_number=1) is None
    assert pen_alerts(engine) == []


def test_undo_removes_the_period_and_its_alerts_once(engine: Engine) -> None:
    out = pen.take_out(engine, OUT, PATIENT)
    assert out is not None and out.period.id is not None
    assert not pen.undo(engine, OUT, STRANGER, out.period.id), "someone else's: nothing"
    assert not pen.undo(engine, OUT, PATIENT, out.period.id + 1), "a forged id: nothing"
    assert pen_alerts(engine) != []
    assert pen.undo(engine, OUT, PATIENT, out.period.id)
    assert pen_alerts(engine) == []
    with transaction(engine) as session:
        assert session.get(PenPeriod, out.period.id) is None
    assert not pen.undo(engine, OUT, PATIENT, out.period.id), "a stale undo: nothing"
    again = pen.take_out(engine, OUT + timedelta(hours=1), PATIENT)
    assert again is not None and again.started, "the next pen starts afresh"
