"""Local wall time <-> UTC instants, and the policy for days when the clocks change.

Reminders are set in local wall time (08:00 stays 08:00 across a change), so the UTC
instant of a reminder differs between the days before and after a change.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

MAX_ZONE_TEXT = 200
"""Longer input is not a zone name; refuse it before doing any work."""

_NOT_FOR_PEOPLE = frozenset({"localtime", "posixrules", "factory"})
_NOT_FOR_PEOPLE_PREFIXES = ("posix/", "right/")


@cache
def _zone_index() -> dict[str, str]:
    """Lowercase name -> canonical IANA name, built once on first use (reads tzdata)."""
    index: dict[str, str] = {}
    for name in available_timezones():
        key = name.lower()
        if key in _NOT_FOR_PEOPLE or key.startswith(_NOT_FOR_PEOPLE_PREFIXES):
            continue
        index[key] = name
    return index


def find_zone(text: str) -> str | None:
    """The canonical IANA zone a person typed, or None.

    Forgiving about case, surrounding spaces and spaces for underscores
    ("america/new york"), since people type these on a phone.
    """
    if len(text) > MAX_ZONE_TEXT:
        return None
    parts = [re.sub(r"\s+", "_", part.strip()) for part in text.strip().split("/")]
    key = "/".join(parts).lower()
    if not key:
        return None
    return _zone_index().get(key)


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"an aware datetime is required, got naive {moment!r}")


def local_date(now: datetime, zone: str) -> date:
    """The patient's calendar date at ``now`` (aware); doses are planned per local date."""
    _require_aware(now)
    return now.astimezone(ZoneInfo(zone)).date()


def local_instant(day: date, at: time, zone: str) -> datetime:
    """The aware UTC instant of the local wall time ``at`` on ``day`` in ``zone``.

    On the day the clocks change:
    - a wall time that does not exist (the spring-forward gap) moves forward by the length
      of the gap: 02:30 on Europe/Berlin's spring-forward day is 03:30 CEST (01:30 UTC),
      so the reminder still comes that day, just after the gap;
    - a wall time that occurs twice (autumn) means its first occurrence (fold=0), so the
      reminder is never sent an hour later than the patient expects.
    Both follow from PEP 495: fold=0 uses the offset in force before the change.
    """
    if at.tzinfo is not None:
        raise ValueError("the reminder time is a local wall time and must be naive")
    wall = datetime.combine(day, at.replace(fold=0), tzinfo=ZoneInfo(zone))
    return wall.astimezone(UTC)


def utc_offset(now: datetime, zone: str) -> timedelta:
    """The zone's offset from UTC at ``now`` (aware), e.g. to show it while confirming."""
    _require_aware(now)
    offset = now.astimezone(ZoneInfo(zone)).utcoffset()
    if offset is None:
        raise AssertionError(f"zone {zone} has no offset")
    return offset


def day_start(day: date, zone: str) -> datetime:
    """The UTC instant at which the local ``day`` begins in ``zone``. Where midnight falls in a
    spring-forward gap, fold=0 reads it with the offset before the change, which is exactly
    the instant the clocks jump: still the first moment whose local date is ``day``."""
    return local_instant(day, time(0), zone)
