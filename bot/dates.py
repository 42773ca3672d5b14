"""Typed dates as people write them, for every step that asks for one (sign-up, /taken, a
corrected dose date): the one place that reads them.

The strict forms the contract names (`YYYY-MM-DD`, today/tomorrow/yesterday and their German
words) and numeric dates (`15.01.2027`, `15/01/2027`, `15.1.`) are read by the domain's plain
rules in `bot/domain/answers.py`, which also decide what is ambiguous or vague. Words (`next
monday`, `in 3 Tagen`, `15 Jan 2027`, `15. Januar 2027`) go to dateparser, restricted to English
and the reader's language and relative to the reader's local today from the app's clock. It
knows the month and weekday names and relative phrases of both languages, which a hand-written
table would have to keep up. It stays out of the domain because importing it (about 0.1 s
here) and its first parse (0.4 s: language data from disk) are heavy, so it is imported on the
first answer that needs words; after that an answer takes about 5 ms (up to four parses), and
the numeric and keyword forms never reach it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from functools import cache
from typing import Any

from bot.domain.answers import (
    DAY_KEYWORDS,
    DAY_WORDS,
    MAX_ANSWER,
    DayReading,
    Direction,
    Vague,
    is_vague,
    parse_day,
    parse_numeric_day,
    read_clock,
    strip_vague_part,
)

DAY_FIRST_DOTS = frozenset({"de"})
"""Languages whose readers write `01.02.2027` for the first of February, never otherwise."""

_MODIFIERS = {
    "nächsten": Direction.NEAR,
    "nächster": Direction.NEAR,
    "nächste": Direction.NEAR,
    "kommenden": Direction.NEAR,
    "kommender": Direction.NEAR,
    "kommende": Direction.NEAR,
    "diesen": Direction.NEAR,
    "letzten": Direction.PAST,
    "letzter": Direction.PAST,
    "letzte": Direction.PAST,
    "vergangenen": Direction.PAST,
    "vergangener": Direction.PAST,
    "am": None,
    "on": None,
}
"""Words before a weekday that dateparser does not read in German ("nächsten Montag", "am
Montag"): each sets the direction itself, None keeps the step's."""
_LETTERS = re.compile(r"[^\W\d_]")
_DAY_NUMBER = re.compile(r"(?<![0-9])[0-9]{1,2}(?![0-9])")


@cache
def _dateparser() -> Any:
    """dateparser, imported on first use (see the module's docstring)."""
    import dateparser  # type: ignore[import-untyped]  # no types shipped; parse() is wrapped

    return dateparser


def read_day(
    text: str,
    today: date,
    *,
    keywords: frozenset[str],
    language: str,
    direction: Direction,
) -> DayReading | None:
    """What `text` says about a day, in `language` (English always too), relative to `today`:
    a date, two readings to ask between, a vague answer, or None for no date at all.

    The day keywords keep their contract: each step allows only its own (`keywords`), and a
    keyword that is not allowed there is refused, never read another way.
    """
    if len(text) > MAX_ANSWER:
        return None
    strict = parse_day(text, today, keywords=keywords)
    if strict is not None:
        return strict
    word = " ".join(text.strip().lower().split())
    if DAY_WORDS.get(word.rstrip(".!"), word.rstrip(".!")) in DAY_KEYWORDS:
        return None
    numeric = parse_numeric_day(
        text, today, direction=direction, dots_day_first=language in DAY_FIRST_DOTS
    )
    if numeric is not None:
        return numeric
    if is_vague(text):
        return Vague(None)
    if not _LETTERS.search(word) or isinstance(read_clock(word), time):
        return None
    approximate = strip_vague_part(word)
    if approximate is not None:
        month = _parse(approximate, today, language, direction, "first")
        return Vague(month.replace(day=1) if month is not None else None)
    first, _, rest = word.partition(" ")
    if first in _MODIFIERS and rest:
        direction, word = _MODIFIERS[first] or direction, rest
    found = _parse(word, today, language, direction, "first")
    if found is None:
        return None
    if not _DAY_NUMBER.search(word) and _parse(word, today, language, direction, "last") != found:
        return Vague(found.replace(day=1))
    return found


def _parse(
    text: str, today: date, language: str, direction: Direction, day_of_month: str
) -> date | None:
    """dateparser's reading, as a local date; `day_of_month` fills a month without a day, so
    that reading it both ways shows whether the text named a day at all. NEAR takes the
    closer of the past and the coming reading ("December 3" in January is last month's), but
    the coming one for a bare weekday or month ("Monday" for a first injection is planned)."""
    past = _parse_towards(text, today, language, "past", day_of_month)
    if direction is Direction.PAST:
        return past
    coming = _parse_towards(text, today, language, "future", day_of_month)
    if past is None or coming is None or not _DAY_NUMBER.search(text):
        return coming or past
    return past if today - past < coming - today else coming


def _parse_towards(
    text: str, today: date, language: str, prefer: str, day_of_month: str
) -> date | None:
    settings = {
        "RELATIVE_BASE": datetime.combine(today, time(12)),
        "PREFER_DATES_FROM": prefer,
        "PREFER_DAY_OF_MONTH": day_of_month,
        "DATE_ORDER": "DMY",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    languages = ["en"] if language == "en" else ["en", language]
    found = _dateparser().parse(text, languages=languages, settings=settings)
    return found.date() if found is not None else None
