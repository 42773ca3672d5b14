"""The language a text is written in. English is the source: every sentence is written in
English in `bot/texts/` and marked for translation; other languages come from gettext catalogs
(`bot/texts/locales/<code>/LC_MESSAGES/messages.po`, kept with Babel).

The language of the moment lives in a context variable, like a web framework's active locale:
the first handler of each update sets it from the user's choice or Telegram's language code,
and the jobs set it for each recipient before composing their message."""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime, get_day_names
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DEFAULT = "en"
LANGUAGES = {"en": "English", "de": "Deutsch"}
"""Each language the bot speaks, by code, with its own name for itself."""
DOMAIN = "messages"
LOCALES = Path(__file__).parent / "locales"

_current: ContextVar[str] = ContextVar("language", default=DEFAULT)


def choose(language_code: str | None) -> str:
    """The bot's language for a Telegram language code ("de", "de-AT", "en-GB", None)."""
    base = (language_code or "").split("-")[0].split("_")[0].lower()
    return base if base in LANGUAGES else DEFAULT


def current() -> str:
    return _current.get()


def activate(code: str) -> None:
    """Speak `code` from now on in this context (one update, one job run)."""
    _current.set(code if code in LANGUAGES else DEFAULT)


@contextmanager
def speaking(code: str) -> Iterator[None]:
    """Speak `code` inside the block, e.g. for a message to someone else."""
    token = _current.set(code if code in LANGUAGES else DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)


def catalog_path(code: str) -> Path:
    return LOCALES / code / "LC_MESSAGES" / (DOMAIN + ".po")


@cache
def translations(code: str) -> gettext.NullTranslations:
    """The catalog, read from its .po file once: compiled in memory, so no build step and no
    binary files in the repository. Fuzzy entries are not used."""
    if code == DEFAULT:
        return gettext.NullTranslations()
    with catalog_path(code).open("rb") as po:
        catalog = read_po(po, locale=code)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _(message: str) -> str:
    """`message` in the current language."""
    if not message:
        return message
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form that fits `count`, in the current language."""
    return translations(current()).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks English source text kept as data (the information pages) for the catalog; it is
    translated where it is read, with `_`."""
    return message


class Joined(tuple[str, ...]):
    """A text made of marked parts, such as a page and the disclaimer every page shares: each
    part is its own catalog entry, and the parts are joined after translation (see
    `information.page`)."""

    def __new__(cls, *parts: str) -> Joined:
        return super().__new__(cls, parts)


def locale() -> Locale:
    return Locale.parse(current())


def either(choices: list[str]) -> str:
    """ "1 or 2", "1, 2 or 3" in the current language ("1 oder 2" in German)."""
    return format_list(choices, style="or", locale=locale())


def weekday(day: date) -> str:
    """'Monday' / 'Montag'."""
    return format_date(day, "EEEE", locale=locale())


def day(value: date) -> str:
    """A date the way the reader's language writes it, with the weekday, for dates someone plans
    by (the schedule, the next dose, where a plan starts): 'Mon 2027-01-11' (ISO stays in
    English: American and British readers both read it one way), 'Mo., 11.01.2027' in German."""
    return format_date(value, _("EEE yyyy-MM-dd"), locale=locale())


def numeric_day(value: date) -> str:
    """'2027-01-15' / '15.01.2027': a date as the reader types it, for examples in prompts and
    wherever the weekday adds nothing (a dose recorded, a reminder on its day, "tomorrow")."""
    return format_date(value, _("yyyy-MM-dd"), locale=locale())


def spelled_day(value: date) -> str:
    """'Mon 1 February 2027' / 'Mo., 1. Februar 2027': a date whose month cannot be misread."""
    return format_date(value, _("EEE d MMMM yyyy"), locale=locale())


def day_month(day: date) -> str:
    """'03 Mar' / '03. März': a short date where the year is obvious."""
    return format_date(day, _("dd MMM"), locale=locale())


def moment(at: datetime) -> str:
    """'Tue 2026-03-03 09:00' / 'Di., 03.03.2026, 09:00': an aware local date and time."""
    return format_datetime(at, _("EEE yyyy-MM-dd HH:mm"), tzinfo=at.tzinfo, locale=locale())


def month_year(day: date) -> str:
    """'March 2026' / 'März 2026': a calendar's title."""
    return format_date(day, "LLLL yyyy", locale=locale())


def weekday_initials() -> list[str]:
    """'Mo', 'Tu', … / 'Mo.', 'Di.', …: a calendar's column heads, Monday first."""
    names = get_day_names("short", "stand-alone", locale=locale())
    return [names[index] for index in range(7)]
