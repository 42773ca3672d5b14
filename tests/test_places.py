"""Time zones from what people type (bot/places.py), as they typed it in issue 14: cities and
countries in English and German, UTC offsets, and what must find nothing."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import places
from bot.places import Kind

WINTER = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)
SUMMER = datetime(2027, 7, 5, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Berlin", "Europe/Berlin"),
        ("germany", "Europe/Berlin"),
        ("Deutschland", "Europe/Berlin"),
        ("London", "Europe/London"),
        ("New York", "America/New_York"),
        ("  new   YORK ", "America/New_York"),
        ("München", "Europe/Berlin"),
        ("Munchen", "Europe/Berlin"),
        ("Köln", "Europe/Berlin"),
        ("Cologne", "Europe/Berlin"),
        ("Wien", "Europe/Vienna"),
        ("Österreich", "Europe/Vienna"),
        ("Schweiz", "Europe/Zurich"),
        ("Zürich", "Europe/Zurich"),
        ("UK", "Europe/London"),
        ("Indien", "Asia/Kolkata"),
    ],
)
def test_a_city_or_country_with_one_zone_is_taken(text: str, zone: str) -> None:
    found = places.find(text, WINTER)
    assert found.kind is Kind.PLACE
    assert found.zone == zone


@pytest.mark.parametrize(
    ("text", "first", "also"),
    [
        ("United States", "America/New_York", {"America/Chicago", "America/Los_Angeles"}),
        ("Vereinigte Staaten", "America/New_York", {"America/Denver"}),
        ("USA", "America/New_York", {"America/Phoenix"}),
        ("Australia", "Australia/Sydney", {"Australia/Perth", "Australia/Brisbane"}),
        ("Springfield", "America/Chicago", {"America/New_York"}),
        ("Portland", "America/Los_Angeles", {"America/New_York"}),
    ],
)
def test_several_zones_are_offered_biggest_first(text: str, first: str, also: set[str]) -> None:
    found = places.find(text, WINTER)
    assert found.zone is None, "the person picks"
    assert found.zones[0] == first
    assert also <= set(found.zones)
    assert len(found.zones) <= places.MAX_CHOICES
    assert len(set(found.zones)) == len(found.zones)


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Portland, Oregon", "America/Los_Angeles"),
        ("Portland, ME", "America/New_York"),
        ("Springfield, Illinois", "America/Chicago"),
        ("London, Canada", "America/Toronto"),
        ("London, Kanada", "America/Toronto"),
        ("Frankfurt, Deutschland", "Europe/Berlin"),
    ],
)
def test_a_place_with_its_country_or_state(text: str, zone: str) -> None:
    assert places.find(text, WINTER).zones == (zone,)


def test_a_place_with_the_wrong_country_finds_nothing() -> None:
    assert places.find("Springfield, Deutschland", WINTER).zones == ()


def test_a_city_far_bigger_than_its_namesakes_is_taken_and_they_are_kept() -> None:
    found = places.find("London", WINTER)
    assert found.zone == "Europe/London" and "America/Toronto" in found.zones


def test_a_country_with_one_inhabited_zone_does_not_ask() -> None:
    """Germany's tz table also lists Busingen (a village on Swiss time): not worth a question."""
    assert places.find("Germany", WINTER).zones == ("Europe/Berlin",)


@pytest.mark.parametrize("text", ["GMT+1", "UTC+1", "utc +1", "+1", "UTC+01:00", "gmt+1h"])
def test_an_offset_offers_the_zones_at_it_now(text: str) -> None:
    winter = places.find(text, WINTER)
    assert winter.kind is Kind.OFFSET and winter.zone is None
    assert winter.offset == timedelta(hours=1)
    assert {"Europe/Berlin", "Europe/Paris"} <= set(winter.zones)
    assert not any(zone.startswith("Etc/") for zone in winter.zones)
    for zone in winter.zones:
        assert WINTER.astimezone(ZoneInfo(zone)).utcoffset() == timedelta(hours=1)
    summer = places.find(text, SUMMER).zones
    assert "Europe/London" in summer and "Europe/Berlin" not in summer, "it is now that counts"


@pytest.mark.parametrize(
    ("text", "offset", "zone"),
    [
        ("UTC+05:30", timedelta(hours=5, minutes=30), "Asia/Kolkata"),
        ("UTC-5", timedelta(hours=-5), "America/New_York"),
        ("GMT−5", timedelta(hours=-5), "America/New_York"),
        ("+2", timedelta(hours=2), "Africa/Johannesburg"),
        ("GMT+0", timedelta(0), "Europe/London"),
    ],
)
def test_other_offsets(text: str, offset: timedelta, zone: str) -> None:
    found = places.find(text, WINTER)
    assert found.offset == offset
    assert zone in found.zones


@pytest.mark.parametrize("text", ["UTC+15", "UTC+1:75", "UTC+13:15"])
def test_an_offset_no_zone_has_finds_nothing(text: str) -> None:
    assert places.find(text, WINTER).zones == ()


@pytest.mark.parametrize(
    "text", ["Europe/Berlin", " europe/berlin ", "america/new york", "UTC", "Asia/Kolkata"]
)
def test_typed_iana_names_still_work(text: str) -> None:
    found = places.find(text, WINTER)
    assert found.kind is Kind.NAME and found.zone is not None


@pytest.mark.parametrize("text", ["qwertzuiop blah", "", "   ", "?!", "de", "x" * 10_000])
def test_nonsense_finds_nothing(text: str) -> None:
    started = time.perf_counter()
    found = places.find(text, WINTER)
    assert found.zones == () and found.zone is None
    assert time.perf_counter() - started < 0.5


def test_normalise() -> None:
    assert places.normalise("  Saint-Étienne ") == "saint etienne"
    assert places.normalise("STRAßE") == "strasse"
