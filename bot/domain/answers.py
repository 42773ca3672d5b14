"""Typed answers during enrolment, parsed into values; the wording of refusals lives elsewhere."""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import StrEnum
from types import MappingProxyType

from bot.domain.schedule import FIRST_APPROVAL, add_months

MAX_ANSWER = 200
"""Longer texts are never a valid answer; refuse them before doing any work."""

DAY_KEYWORDS: Mapping[str, timedelta] = MappingProxyType(
    {
        "yesterday": timedelta(days=-1),
        "today": timedelta(0),
        "tomorrow": timedelta(days=1),
    }
)

DAY_WORDS: Mapping[str, str] = MappingProxyType(
    {"gestern": "yesterday", "heute": "today", "morgen": "tomorrow"}
)
"""The same day keywords in the other languages the bot speaks; both are always accepted."""
_YES = frozenset({"yes", "agree", "i agree", "y", "ok", "ja", "einverstanden", "ich stimme zu"})
_NO = frozenset({"no", "decline", "no thanks", "nein", "nein danke", "ablehnen"})
DONE_WORDS = frozenset({"done", "taken", "injected", "erledigt", "gespritzt", "genommen"})
"""A typed reply to a reminder that means it is done."""
CANCEL_WORDS = frozenset({"cancel", "stop", "back", "abbrechen", "zurück"})
_YES_MARKS = ("✅",)
_NO_MARKS = ("✖", "❌")
_TRAILING = ".!?,;"
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NUMERIC_DAY = re.compile(r"([0-9]{1,2})([./-])([0-9]{1,2})(?:\2([0-9]{4}|[0-9]{2})?)?\.?")
"""15.01.2027, 15/01/2027, 1/15/2027, 15.1., 15.1 and 15.01.27; one separator throughout."""
_CLOCK = re.compile(r"([0-9]{1,2})(?:\s*(?:[:.h]|uhr)\s*([0-9]{2})?)?\s*(uhr|h|am|pm|a\.m|p\.m)?")
"""9, 9:00, 9.00, 9h, 9h30, 9 uhr, 9:30 uhr, 9am, 9:00 am, 9 p.m (the final dot is trimmed)."""
_CLOCK_SUFFIXES = ("uhr", "h", "am", "pm", "a.m", "p.m", "")
VAGUE_PHRASES = (
    "don't remember",
    "dont remember",
    "do not remember",
    "can't remember",
    "cant remember",
    "cannot remember",
    "don't know",
    "dont know",
    "do not know",
    "not sure",
    "unsure",
    "no idea",
    "forgot",
    "weiß nicht",
    "weiss nicht",
    "weiß ich nicht",
    "weiss ich nicht",
    "keine ahnung",
    "nicht sicher",
    "vergessen",
    "erinnere mich nicht",
)
"""Answers that say the person does not know the date: they get the calendar, not a refusal."""
VAGUE_PARTS = (
    "early",
    "beginning of",
    "start of",
    "mid",
    "middle of",
    "late",
    "end of",
    "around",
    "anfang",
    "mitte",
    "ende",
    "etwa",
    "ungefähr",
)
"""Words that make a month an approximate answer ("early August", "Anfang August")."""


class Direction(StrEnum):
    """Which way a date without a year (or a bare weekday) is read from today."""

    PAST = "past"
    """A dose already injected: the most recent such day up to today."""
    NEAR = "near"
    """A first injection, past or soon: the closest such day, a weekday the coming one."""


@dataclass(frozen=True)
class Ambiguous:
    """A numeric date that reads both ways (01/02/2027): day first, then month first."""

    options: tuple[date, date]


@dataclass(frozen=True)
class Vague:
    """An answer that names no single day ("early August", "not sure"): the month it names,
    if any, so a calendar can open there."""

    month: date | None


DayReading = date | Ambiguous | Vague
"""What a typed date can mean; None where it means nothing."""


@dataclass(frozen=True)
class TimeChoice:
    """A part of the day ("morning", "abends"): the times to offer."""

    options: tuple[time, ...]


class ClockProblem(StrEnum):
    """Why a typed time is refused; the handler words the reason."""

    NO_SUCH_HOUR = "no_such_hour"
    NO_SUCH_MINUTE = "no_such_minute"
    UNREADABLE = "unreadable"


def _times(*hours: int) -> TimeChoice:
    return TimeChoice(tuple(time(hour) for hour in hours))


DAY_PARTS: Mapping[str, TimeChoice] = MappingProxyType(
    {
        "morning": _times(8, 9, 10),
        "in the morning": _times(8, 9, 10),
        "morgens": _times(8, 9, 10),
        "morgen früh": _times(8, 9, 10),
        "vormittags": _times(9, 10, 11),
        "noon": _times(12),
        "midday": _times(12),
        "mittags": _times(12),
        "afternoon": _times(14, 15, 16),
        "in the afternoon": _times(14, 15, 16),
        "nachmittags": _times(14, 15, 16),
        "evening": _times(18, 19, 20),
        "in the evening": _times(18, 19, 20),
        "abends": _times(18, 19, 20),
        "night": _times(20, 21, 22),
        "at night": _times(20, 21, 22),
        "nachts": _times(20, 21, 22),
    }
)
"""A part of the day typed for a reminder time, with the times offered for it."""


class DateProblem(StrEnum):
    """Why an enrolment date is refused; the handler words the reason."""

    BEFORE_APPROVAL = "before_approval"
    TOO_FAR_AHEAD = "too_far_ahead"
    IN_FUTURE = "in_future"
    BEFORE_FIRST_INJECTION = "before_first_injection"


def _normalize(text: str) -> str | None:
    """Trimmed, lowercased, without trailing punctuation and with single spaces."""
    if len(text) > MAX_ANSWER:
        return None
    return " ".join(text.strip().rstrip(_TRAILING).split()).lower()


def parse_consent(text: str) -> bool | None:
    """True to agree, False to decline, None when the text is neither (ask again)."""
    if len(text) > MAX_ANSWER:
        return None
    stripped = text.strip()
    if stripped.startswith(_YES_MARKS):
        return True
    if stripped.startswith(_NO_MARKS):
        return False
    word = _normalize(stripped.replace(",", " "))
    if word in _YES:
        return True
    if word in _NO:
        return False
    return None


def parse_day(text: str, today: date, *, keywords: frozenset[str]) -> date | None:
    """A strict ``YYYY-MM-DD`` date, or one of ``keywords`` relative to ``today``.

    Each step allows only the keywords that make sense there (no "tomorrow" for a past
    injection), so the caller passes them.
    """
    unknown = {keyword.lower() for keyword in keywords} - DAY_KEYWORDS.keys()
    if unknown:
        raise ValueError(f"unknown day keywords: {sorted(unknown)}")
    word = _normalize(text)
    if not word:
        return None
    word = DAY_WORDS.get(word, word)
    if word in DAY_KEYWORDS:
        allowed = word in {keyword.lower() for keyword in keywords}
        return today + DAY_KEYWORDS[word] if allowed else None
    if not _ISO_DAY.fullmatch(word):
        return None
    try:
        return date.fromisoformat(word)
    except ValueError:
        return None


def is_done(text: str) -> bool:
    return _normalize(text) in DONE_WORDS


def is_cancel(text: str) -> bool:
    return _normalize(text) in CANCEL_WORDS


def read_clock(text: str) -> time | TimeChoice | ClockProblem:
    """A local time as people type it: 24-hour ``9``, ``09:00``, ``9.00``, ``9h``, ``21 Uhr``;
    12-hour ``9am``, ``9:00 pm``; or a part of the day, answered with times to choose from."""
    word = _normalize(text)
    if not word:
        return ClockProblem.UNREADABLE
    if word in DAY_PARTS:
        return DAY_PARTS[word]
    match = _CLOCK.fullmatch(word)
    if match is None or not match.group(1).isascii():
        return ClockProblem.UNREADABLE
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = match.group(3) or ""
    if suffix in ("am", "pm", "a.m", "p.m"):
        if not 1 <= hour <= 12:
            return ClockProblem.NO_SUCH_HOUR
        hour = hour % 12 + (12 if suffix.startswith("p") else 0)
    if hour > 23:
        return ClockProblem.NO_SUCH_HOUR
    if minute > 59:
        return ClockProblem.NO_SUCH_MINUTE
    return time(hour, minute)


def is_vague(text: str) -> bool:
    """Whether the answer says the person does not know the date."""
    word = (_normalize(text) or "").replace("’", "'")
    return any(phrase in word for phrase in VAGUE_PHRASES)


def strip_vague_part(text: str) -> str | None:
    """The rest of an approximate answer ("early August" → "august"), or None if it has no
    word that makes it approximate."""
    word = _normalize(text) or ""
    for part in VAGUE_PARTS:
        if word.startswith(part + " "):
            return word.removeprefix(part + " ").removeprefix("of ").strip() or None
    return None


def in_year(month: int, day: int, year: int) -> date | None:
    """The date, or None if that month has no such day (31.02.)."""
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def year_for(month: int, day: int, today: date, direction: Direction) -> date | None:
    """A day and month without a year: the most recent one up to today (PAST), or the one
    closest to today, the coming one on a tie (NEAR)."""
    found = [
        candidate
        for year in (today.year - 1, today.year, today.year + 1)
        if (candidate := in_year(month, day, year)) is not None
    ]
    if direction is Direction.PAST:
        past = [candidate for candidate in found if candidate <= today]
        return max(past) if past else None
    return min(
        found, key=lambda candidate: (abs(candidate - today), candidate < today), default=None
    )


def parse_numeric_day(
    text: str, today: date, *, direction: Direction, dots_day_first: bool
) -> date | Ambiguous | None:
    """A date written with numbers only: ``15.01.2027``, ``15/01/2027``, ``1/15/2027``,
    ``15.1.`` (no year: read in `direction`). Day and month are told apart by the one that
    is over 12; when both could be either, it is Ambiguous, except that dots are day first
    for a reader whose language writes dates that way (`dots_day_first`, German)."""
    if len(text) > MAX_ANSWER:
        return None
    match = _NUMERIC_DAY.fullmatch(text.strip())
    if match is None or not match.group(0).isascii():
        return None
    first, separator, second, year_text = match.groups()
    a, b = int(first), int(second)

    def build(day: int, month: int) -> date | None:
        if year_text is None:
            return year_for(month, day, today, direction)
        year = int(year_text)
        return in_year(month, day, year + 2000 if year < 100 else year)

    day_first, month_first = build(a, b), build(b, a)
    if separator == "." and dots_day_first:
        return day_first
    if day_first is not None and month_first is not None and day_first != month_first:
        return Ambiguous((day_first, month_first))
    return day_first or month_first


def check_first_injection(day: date, today: date) -> DateProblem | None:
    """A first injection cannot predate approval nor be planned more than a year ahead."""
    if day < FIRST_APPROVAL:
        return DateProblem.BEFORE_APPROVAL
    if day > add_months(today, 12):
        return DateProblem.TOO_FAR_AHEAD
    return None


def check_last_injection(day: date, first: date, today: date) -> DateProblem | None:
    """The most recent injection lies between the first injection and today."""
    if day > today:
        return DateProblem.IN_FUTURE
    if day < first:
        return DateProblem.BEFORE_FIRST_INJECTION
    return None
