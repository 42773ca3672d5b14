"""Days on which zones change their UTC offset, shared by the timing and reminder tests."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo


@cache
def change_days(zone: str) -> list[date]:
    """The local dates in 2025-2027 on which the zone's offset changes."""
    tz = ZoneInfo(zone)
    days: list[date] = []
    day = date(2025, 1, 1)
    while day < date(2028, 1, 1):
        start = datetime.combine(day, time(0), tzinfo=tz).utcoffset()
        end = datetime.combine(day, time(23, 59), tzinfo=tz).utcoffset()
        if start != end:
            days.append(day)
        day += timedelta(days=1)
    return days
