"""The pen's single room-temperature period on an injectable clock: counted from the first
removal, a warning from day 6, discard after day 7 or above 30 °C, nothing once it is used."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.pen import PenAlert, PenState, alerts_for, first_removal, pen_status

OUT = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("after", "state", "day"),
    [
        (timedelta(0), PenState.FINE, 1),
        (timedelta(days=4, hours=23, minutes=59), PenState.FINE, 5),
        (timedelta(days=5), PenState.LAST_DAYS, 6),
        (timedelta(days=6, hours=23, minutes=59), PenState.LAST_DAYS, 7),
        (timedelta(days=7), PenState.DISCARD, 8),
        (timedelta(days=30), PenState.DISCARD, 31),
    ],
)
def test_days_at_room_temperature(after: timedelta, state: PenState, day: int) -> None:
    status = pen_status(OUT, OUT + after)
    assert (status.state, status.day) == (state, day)
    assert status.warn_at == OUT + timedelta(days=5)
    assert status.discard_at == OUT + timedelta(days=7)


def test_above_30_degrees_it_is_discarded_at_once() -> None:
    assert pen_status(OUT, OUT + timedelta(hours=2), above_30=True).state is PenState.DISCARD


def test_once_used_there_is_nothing_more_to_watch() -> None:
    assert pen_status(OUT, OUT + timedelta(days=9), used=True).state is PenState.DONE


def test_back_in_the_fridge_does_not_restart_the_count() -> None:
    removals = [OUT + timedelta(days=3), OUT, OUT + timedelta(days=1)]
    assert first_removal(removals) == OUT
    status = pen_status(first_removal(removals), OUT + timedelta(days=7, minutes=1))
    assert status.state is PenState.DISCARD


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="never left"):
        first_removal([])
    with pytest.raises(ValueError, match="aware"):
        pen_status(OUT.replace(tzinfo=None), OUT)
    with pytest.raises(ValueError, match="before the pen left"):
        pen_status(OUT, OUT - timedelta(minutes=1))


def test_the_two_alerts_fall_at_the_start_of_day_6_and_the_end_of_day_7() -> None:
    assert alerts_for(OUT) == [
        (PenAlert.LAST_DAYS, OUT + timedelta(days=5)),
        (PenAlert.DISCARD, OUT + timedelta(days=7)),
    ]
