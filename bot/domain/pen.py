"""A pen out of the fridge: one room-temperature period (up to 30 °C) of at most 7 days,
counted from the first time it left the fridge. Putting it back does not restart the count;
above 30 °C, or after day 7, it is to be discarded; once its dose is recorded, it is done."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

ROOM_TEMPERATURE_PERIOD = timedelta(days=7)
WARN_FROM_DAY = 6
MAX_ROOM_CELSIUS = 30


class PenState(StrEnum):
    FINE = "fine"  # within its days at room temperature
    LAST_DAYS = "last_days"  # day 6 or 7: use it soon
    DISCARD = "discard"  # past day 7, or it was above 30 °C
    DONE = "done"  # its dose is recorded: nothing more to watch


@dataclass(frozen=True)
class PenStatus:
    state: PenState
    day: int  # 1 on the day it first left the fridge
    warn_at: datetime  # the start of day 6
    discard_at: datetime  # the end of day 7


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got {moment!r}")


def first_removal(removals: Iterable[datetime]) -> datetime:
    """The period counts from the first time the pen left the fridge, whatever happened since."""
    moments = list(removals)
    if not moments:
        raise ValueError("a pen that never left the fridge has no room-temperature period")
    for moment in moments:
        _require_aware(moment)
    return min(moments)


def pen_status(
    removed_at: datetime, now: datetime, *, above_30: bool = False, used: bool = False
) -> PenStatus:
    """Where a pen stands at `now`; `removed_at` is its first removal from the fridge."""
    _require_aware(removed_at)
    _require_aware(now)
    if now < removed_at:
        raise ValueError("now is before the pen left the fridge")
    warn_at = removed_at + timedelta(days=WARN_FROM_DAY - 1)
    discard_at = removed_at + ROOM_TEMPERATURE_PERIOD
    day = (now - removed_at) // timedelta(days=1) + 1
    if used:
        state = PenState.DONE
    elif above_30 or now >= discard_at:
        state = PenState.DISCARD
    elif now >= warn_at:
        state = PenState.LAST_DAYS
    else:
        state = PenState.FINE
    return PenStatus(state, day, warn_at, discard_at)


class PenAlert(StrEnum):
    """Outbox kinds: the day-6 warning and the end of the period."""

    LAST_DAYS = "pen_last_days"
    DISCARD = "pen_discard"


PEN_ALERT_PRIORITY = 2


def alerts_for(removed_at: datetime) -> list[tuple[PenAlert, datetime]]:
    status = pen_status(removed_at, removed_at)
    return [(PenAlert.LAST_DAYS, status.warn_at), (PenAlert.DISCARD, status.discard_at)]
