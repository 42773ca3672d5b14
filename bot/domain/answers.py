"""Typed answers during enrolment, parsed into values; the wording of refusals lives elsewhere."""

from __future__ import annotations

import re
from collections.abc import Mapping
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
_CLOCK = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")


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


def parse_clock(text: str) -> time | None:
    """A local 24-hour ``HH:MM`` or ``H:MM`` time; anything else (am/pm, 24:00) is None."""
    word = _normalize(text)
    if word is None:
        return None
    match = _CLOCK.fullmatch(word)
    if match is None:
        return None
    return time(int(match.group(1)), int(match.group(2)))


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
