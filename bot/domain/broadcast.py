"""Broadcast rules: who a notice goes to, whether its text is HTML Telegram will accept, which
language's text each recipient gets, and when a scheduled one starts.

Checking the formatting before anything is sent means a typo in a tag is reported to the
staff member at once, instead of failing for every recipient."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from html import unescape
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

from bot.domain.answers import (
    MAX_ANSWER,
    Ambiguous,
    Direction,
    parse_day,
    parse_numeric_day,
    read_clock,
)
from bot.domain.timing import local_instant

MAX_LENGTH = 4096
"""Telegram's limit for one message, counted in UTF-16 units after the tags are removed."""


class Audience(StrEnum):
    EVERYONE = "everyone"
    PATIENTS = "patients"
    CAREGIVERS = "caregivers"


class Status(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    DONE = "done"
    STOPPED = "stopped"
    CANCELLED = "cancelled"


ALLOWED_TAGS: dict[str, frozenset[str]] = {
    "b": frozenset(),
    "strong": frozenset(),
    "i": frozenset(),
    "em": frozenset(),
    "u": frozenset(),
    "ins": frozenset(),
    "s": frozenset(),
    "strike": frozenset(),
    "del": frozenset(),
    "tg-spoiler": frozenset(),
    "span": frozenset({"class"}),
    "a": frozenset({"href"}),
    "code": frozenset({"class"}),
    "pre": frozenset(),
    "blockquote": frozenset({"expandable"}),
    "tg-emoji": frozenset({"emoji-id"}),
}
NAMED_ENTITIES = frozenset({"lt", "gt", "amp", "quot"})


class FormattingError(ValueError):
    """The text is not HTML Telegram accepts; the message says what to fix, for staff."""


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []
        self.visible: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        allowed = ALLOWED_TAGS.get(tag)
        if allowed is None:
            raise FormattingError(f"<{tag}> is not a tag Telegram supports")
        for name, value in attrs:
            if name not in allowed:
                raise FormattingError(f'<{tag}> cannot have the attribute "{name}"')
            if tag == "span" and value != "tg-spoiler":
                raise FormattingError('<span> is only allowed as <span class="tg-spoiler">')
        if tag == "a" and not dict(attrs).get("href"):
            raise FormattingError("<a> needs an href with the link")
        if tag == "span" and not attrs:
            raise FormattingError('<span> is only allowed as <span class="tg-spoiler">')
        self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise FormattingError(f"<{tag}/> is not allowed: open and close the tag around text")

    def handle_endtag(self, tag: str) -> None:
        if not self.open:
            raise FormattingError(f"</{tag}> closes a tag that was never opened")
        if self.open[-1] != tag:
            raise FormattingError(f"</{tag}> comes before </{self.open[-1]}>")
        self.open.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data:
            raise FormattingError("a < that starts no tag must be written &lt;")
        self.visible.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in NAMED_ENTITIES:
            raise FormattingError(f"&{name}; is not supported: use &lt; &gt; &amp; or &quot;")
        self.visible.append(unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.visible.append(unescape(f"&#{name};"))

    def handle_comment(self, data: str) -> None:
        raise FormattingError("HTML comments are not allowed")

    def handle_decl(self, decl: str) -> None:
        raise FormattingError("<!…> declarations are not allowed")

    def unknown_decl(self, data: str) -> None:
        raise FormattingError("<![…]> sections are not allowed")

    def handle_pi(self, data: str) -> None:
        raise FormattingError("<?…> instructions are not allowed")


def check_formatting(text: str) -> None:
    """Raise FormattingError unless Telegram will accept `text` with parse_mode HTML and it
    fits one message."""
    if not text.strip():
        raise FormattingError("the text is empty")
    checker = _Checker()
    checker.feed(text)
    checker.close()
    if checker.rawdata:  # an unfinished tag such as "<b" at the very end
        raise FormattingError("a tag is not finished (a < without its >)")
    if checker.open:
        raise FormattingError(f"<{checker.open[-1]}> is never closed")
    visible = "".join(checker.visible)
    if not visible.strip():
        raise FormattingError("the text is empty once the tags are removed")
    length = len(visible.encode("utf-16-le")) // 2
    if length > MAX_LENGTH:
        raise FormattingError(
            f"it is {length} characters long; one Telegram message holds {MAX_LENGTH}"
        )


@dataclass(frozen=True)
class Tally:
    """Where a broadcast stands: what was delivered, refused or dropped, out of how many."""

    total: int
    delivered: int
    failed: int
    blocked: int
    cancelled: int

    @property
    def done(self) -> int:
        return self.delivered + self.failed + self.blocked + self.cancelled


def rate_of(delivered: int, duration: timedelta) -> float:
    """Messages per second over the whole broadcast (0 when nothing took any time)."""
    seconds = duration.total_seconds()
    return delivered / seconds if seconds > 0 else 0.0


def text_for(
    language: str, default_language: str, default_text: str, versions: Mapping[str, str]
) -> tuple[str, str]:
    """The text a recipient speaking `language` gets, and the language it is in: their own
    version when there is one, otherwise the default language's text."""
    if language != default_language and language in versions:
        return language, versions[language]
    return default_language, default_text


def missing_versions(
    speakers: Mapping[str, int], default_language: str, versions: Mapping[str, str]
) -> dict[str, int]:
    """For each language some recipients speak but the broadcast has no text in: how many of
    them will get the default language's text instead (languages nobody speaks are left out)."""
    return {
        language: count
        for language, count in sorted(speakers.items())
        if count > 0 and language != default_language and language not in versions
    }


def delivered_by_language(
    delivered: int, default_language: str, versions: Mapping[str, int]
) -> dict[str, int]:
    """Deliveries per language of the text received: each version counts its own; the
    default language's text went to everyone else delivered."""
    counts = {default_language: max(delivered - sum(versions.values()), 0)}
    counts.update({language: count for language, count in sorted(versions.items())})
    return counts


class MomentProblem(StrEnum):
    """Why a typed start time is refused; the handler words the reason."""

    UNREADABLE = "unreadable"
    PAST = "past"
    TOO_FAR = "too_far"


LATEST_START = timedelta(days=366)
"""A broadcast is scheduled at most a year ahead: further is almost surely a typo."""
MOMENT_DAY_WORDS = frozenset({"today", "tomorrow"})


def read_moment(
    text: str, now: datetime, zone: str, *, dots_day_first: bool
) -> datetime | MomentProblem:
    """The UTC instant of a local date and time typed by staff in `zone`: ``2026-12-24 09:00``,
    ``24.12.2026 9:00``, ``tomorrow 9am``, ``morgen 9 Uhr``. On the day the clocks change, a
    time that does not exist moves forward by the gap and a time that occurs twice means the
    first one (as for reminders, `local_instant`). It must be after `now` and within a year."""
    if len(text) > MAX_ANSWER:
        return MomentProblem.UNREADABLE
    words = text.strip().replace(",", " ").split()
    today = now.astimezone(_zone(zone)).date()
    for split in range(1, len(words)):
        day = _read_day(" ".join(words[:split]), today, dots_day_first=dots_day_first)
        at = read_clock(" ".join(words[split:]))
        if day is not None and isinstance(at, time):
            moment = local_instant(day, at, zone)
            if moment <= now:
                return MomentProblem.PAST
            if moment - now > LATEST_START:
                return MomentProblem.TOO_FAR
            return moment
    return MomentProblem.UNREADABLE


def _read_day(text: str, today: date, *, dots_day_first: bool) -> date | None:
    day = parse_day(text, today, keywords=MOMENT_DAY_WORDS)
    if day is not None:
        return day
    numeric = parse_numeric_day(
        text, today, direction=Direction.NEAR, dots_day_first=dots_day_first
    )
    return None if isinstance(numeric, Ambiguous) else numeric


def _zone(zone: str) -> tzinfo:
    return ZoneInfo(zone)
