"""A shared location turned into a time zone name, offline. The coordinates are not kept."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def _finder() -> Any:
    """Loaded on first use: the lookup data costs start time and memory."""
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


def zone_at(latitude: float, longitude: float) -> str | None:
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return _finder().timezone_at(lat=latitude, lng=longitude)
