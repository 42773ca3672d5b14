from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.timing import find_zone, local_date, local_instant, utc_offset
from tests.support.dst import change_days


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- find_zone ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("  EUROPE/BERLIN \n", "Europe/Berlin"),
        ("america/new york", "America/New_York"),
        ("America/New_York", "America/New_York"),
        ("America / New  York", "America/New_York"),
        ("america/argentina/buenos aires", "America/Argentina/Buenos_Aires"),
        ("Australia/Lord_Howe", "Australia/Lord_Howe"),
        ("utc", "UTC"),
        ("UTC", "UTC"),
        ("GMT", "GMT"),
        ("etc/utc", "Etc/UTC"),
        ("asia/kolkata", "Asia/Kolkata"),
    ],
)
def test_find_zone(text: str, expected: str) -> None:
    assert find_zone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "/",
        "Berlin",
        "Mars/Olympus_Mons",
        "localtime",
        "posixrules",
        "Factory",
        "factory",
        "posix/Europe/Berlin",
        "right/UTC",
        "Europe/Berlin/",
        "🕐",
        "Europe/Berlin" * 1000,
        "x" * 10_000,
        "Europe\\Berlin",
    ],
)
def test_find_zone_refuses(text: str) -> None:
    assert find_zone(text) is None


# --- local_date and utc_offset -----------------------------------------------------------


def test_local_date_around_midnight() -> None:
    now = utc(2026, 1, 1, 23, 30)
    assert local_date(now, "Europe/Berlin") == date(2026, 1, 2)
    assert local_date(now, "Pacific/Honolulu") == date(2026, 1, 1)
    assert local_date(now, "UTC") == date(2026, 1, 1)
    assert local_date(utc(2026, 1, 1, 0, 10), "America/New_York") == date(2025, 12, 31)


def test_local_date_accepts_any_aware_datetime() -> None:
    berlin = datetime(2026, 1, 2, 0, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    assert local_date(berlin, "UTC") == date(2026, 1, 1)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        local_date(datetime(2026, 1, 1, 12), "Europe/Berlin")
    with pytest.raises(ValueError):
        utc_offset(datetime(2026, 1, 1, 12), "Europe/Berlin")
    with pytest.raises(ValueError):
        local_instant(date(2026, 1, 1), time(8, tzinfo=UTC), "Europe/Berlin")


@pytest.mark.parametrize(
    ("now", "zone", "hours"),
    [
        (utc(2026, 1, 15, 12), "Europe/Berlin", 1),
        (utc(2026, 7, 15, 12), "Europe/Berlin", 2),
        (utc(2026, 1, 15, 12), "America/New_York", -5),
        (utc(2026, 7, 15, 12), "America/New_York", -4),
        (utc(2026, 7, 15, 12), "Australia/Lord_Howe", 10.5),
        (utc(2026, 1, 15, 12), "Australia/Lord_Howe", 11),
        (utc(2026, 1, 15, 12), "Asia/Kolkata", 5.5),
        (utc(2026, 1, 15, 12), "UTC", 0),
    ],
)
def test_utc_offset(now: datetime, zone: str, hours: float) -> None:
    assert utc_offset(now, zone) == timedelta(hours=hours)


# --- local_instant on the days the clocks change ---------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected_utc", "expected_local"),
    [
        # Spring forward: 02:00-03:00 does not exist; 02:30 moves to 03:30.
        ("Europe/Berlin", date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 1, 30), time(3, 30)),
        ("Europe/Berlin", date(2026, 3, 29), time(1, 59), utc(2026, 3, 29, 0, 59), time(1, 59)),
        ("Europe/Berlin", date(2026, 3, 29), time(3, 0), utc(2026, 3, 29, 1, 0), time(3, 0)),
        # Fall back: 02:00-03:00 occurs twice; the first (CEST) is taken.
        ("Europe/Berlin", date(2026, 10, 25), time(2, 30), utc(2026, 10, 25, 0, 30), time(2, 30)),
        ("Europe/Berlin", date(2026, 10, 25), time(3, 0), utc(2026, 10, 25, 2, 0), time(3, 0)),
        # New York: the gap is 02:00-03:00 on 8 March, 01:00-02:00 repeats on 1 November.
        ("America/New_York", date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7, 30), time(3, 30)),
        ("America/New_York", date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30), time(1, 30)),
        # Lord Howe moves its clocks by 30 minutes: 02:00-02:30 is missing, 01:30-02:00 repeats.
        (
            "Australia/Lord_Howe",
            date(2026, 10, 4),
            time(2, 15),
            utc(2026, 10, 3, 15, 45),
            time(2, 45),
        ),
        (
            "Australia/Lord_Howe",
            date(2026, 4, 5),
            time(1, 45),
            utc(2026, 4, 4, 14, 45),
            time(1, 45),
        ),
    ],
)
def test_local_instant_on_change_days(
    zone: str, day: date, at: time, expected_utc: datetime, expected_local: time
) -> None:
    instant = local_instant(day, at, zone)
    assert instant == expected_utc
    assert instant.tzinfo is UTC
    local = instant.astimezone(ZoneInfo(zone))
    assert local.date() == day
    assert local.time() == expected_local


def test_the_ambiguous_time_is_the_first_occurrence() -> None:
    instant = local_instant(date(2026, 10, 25), time(2, 30), "Europe/Berlin")
    second = datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=ZoneInfo("Europe/Berlin"))
    assert instant == second.astimezone(UTC) - timedelta(hours=1)


def test_a_fold_in_the_given_time_is_ignored() -> None:
    at = time(2, 30, fold=1)
    assert local_instant(date(2026, 10, 25), at, "Europe/Berlin") == utc(2026, 10, 25, 0, 30)


@pytest.mark.parametrize(
    ("zone", "before", "after", "utc_before", "utc_after"),
    [
        ("Europe/Berlin", date(2026, 3, 28), date(2026, 3, 29), 7, 6),
        ("Europe/Berlin", date(2026, 10, 24), date(2026, 10, 25), 6, 7),
        ("America/New_York", date(2026, 3, 7), date(2026, 3, 8), 13, 12),
        ("America/New_York", date(2026, 10, 31), date(2026, 11, 1), 12, 13),
    ],
)
def test_a_daily_0800_reminder_stays_0800_local(
    zone: str, before: date, after: date, utc_before: int, utc_after: int
) -> None:
    first = local_instant(before, time(8), zone)
    second = local_instant(after, time(8), zone)
    assert first.hour == utc_before
    assert second.hour == utc_after
    assert second - first != timedelta(days=1)
    for instant, day in ((first, before), (second, after)):
        local = instant.astimezone(ZoneInfo(zone))
        assert (local.date(), local.time()) == (day, time(8))


def test_lord_howe_daily_reminder_shifts_by_half_an_hour() -> None:
    zone = "Australia/Lord_Howe"
    first = local_instant(date(2026, 10, 3), time(8), zone)
    second = local_instant(date(2026, 10, 4), time(8), zone)
    assert second - first == timedelta(hours=23, minutes=30)
    assert second.astimezone(ZoneInfo(zone)).time() == time(8)


ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "America/Santiago",
    "Australia/Lord_Howe",
    "Australia/Sydney",
    "Pacific/Chatham",
    "Asia/Kolkata",
    "Asia/Tehran",
    "Africa/Casablanca",
]


def wall_exists(day: date, at: time, zone: str) -> bool:
    """A wall time exists when one of its two readings maps back to itself."""
    wall = datetime.combine(day, at)
    for fold in (0, 1):
        aware = wall.replace(tzinfo=ZoneInfo(zone), fold=fold)
        if aware.astimezone(UTC).astimezone(ZoneInfo(zone)).replace(tzinfo=None) == wall:
            return True
    return False


@st.composite
def wall_times(draw: st.DrawFn) -> tuple[str, date, time]:
    """A zone and a local wall time, half of them on a day the clocks change."""
    zone = draw(st.sampled_from(ZONES))
    any_day = st.dates(date(2020, 1, 1), date(2035, 12, 31))
    changes = change_days(zone)
    day = draw(st.one_of(any_day, st.sampled_from(changes)) if changes else any_day)
    at = draw(st.one_of(st.times(), st.times(time(0), time(4)).map(lambda t: t.replace(second=0))))
    return zone, day, at


def test_the_zones_drawn_from_do_change_their_clocks() -> None:
    assert change_days("Europe/Berlin") == [
        date(2025, 3, 30),
        date(2025, 10, 26),
        date(2026, 3, 29),
        date(2026, 10, 25),
        date(2027, 3, 28),
        date(2027, 10, 31),
    ]
    assert date(2026, 10, 4) in change_days("Australia/Lord_Howe")
    assert change_days("UTC") == []


@settings(max_examples=400, deadline=None)
@given(wall_times())
def test_local_instant_round_trips(drawn: tuple[str, date, time]) -> None:
    zone, day, at = drawn
    instant = local_instant(day, at, zone)
    assert instant.tzinfo is UTC
    local = instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    wall = datetime.combine(day, at)
    if wall_exists(day, at, zone):
        assert local == wall
    else:
        assert timedelta(0) < local - wall <= timedelta(hours=1)
        assert local.date() == day
    assert local_date(instant, zone) == day


@pytest.mark.parametrize(
    ("zone", "day", "at"),
    [
        ("Europe/Berlin", date(2026, 3, 29), time(2, 0)),
        ("Europe/Berlin", date(2026, 3, 29), time(2, 59)),
        ("America/New_York", date(2026, 3, 8), time(2, 59)),
        ("Australia/Lord_Howe", date(2026, 10, 4), time(2, 0)),
        ("Australia/Lord_Howe", date(2026, 10, 4), time(2, 29)),
    ],
)
def test_gap_times_do_not_exist(zone: str, day: date, at: time) -> None:
    assert not wall_exists(day, at, zone)
    local = local_instant(day, at, zone).astimezone(ZoneInfo(zone))
    gap = timedelta(minutes=30) if zone == "Australia/Lord_Howe" else timedelta(hours=1)
    assert local.replace(tzinfo=None) == datetime.combine(day, at) + gap
