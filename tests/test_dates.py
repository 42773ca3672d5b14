"""Dates typed as people type them (issue 14), read by `bot.dates.read_day` on a fixed local
today: Wednesday 2027-01-13. Every input below was typed by someone trying the bot."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.dates import read_day
from bot.domain.answers import Ambiguous, Direction, Vague
from bot.domain.schedule import infer_last_dose, last_planned

TODAY = date(2027, 1, 13)
ALL = frozenset({"today", "tomorrow", "yesterday"})
PAST = frozenset({"today", "yesterday"})


def read(text: str, language: str, direction: Direction = Direction.PAST) -> object:
    keywords = ALL if direction is Direction.NEAR else PAST
    return read_day(text, TODAY, keywords=keywords, language=language, direction=direction)


@pytest.mark.parametrize(
    ("text", "language", "direction", "expected"),
    [
        ("next monday", "en", Direction.NEAR, date(2027, 1, 18)),
        ("Monday", "en", Direction.NEAR, date(2027, 1, 18)),
        ("Monday", "en", Direction.PAST, date(2027, 1, 11)),
        ("last Monday", "en", Direction.PAST, date(2027, 1, 11)),
        ("in 3 days", "en", Direction.NEAR, date(2027, 1, 16)),
        ("yesterday", "en", Direction.NEAR, date(2027, 1, 12)),
        ("15.01.2027", "en", Direction.NEAR, date(2027, 1, 15)),
        ("15/01/2027", "en", Direction.NEAR, date(2027, 1, 15)),
        ("15 Jan 2027", "en", Direction.NEAR, date(2027, 1, 15)),
        ("January 15", "en", Direction.NEAR, date(2027, 1, 15)),
        ("January 15", "en", Direction.PAST, date(2026, 1, 15)),
        ("December 3", "en", Direction.NEAR, date(2026, 12, 3)),
        ("15.1.", "en", Direction.NEAR, date(2027, 1, 15)),
        ("2027-01-15", "en", Direction.NEAR, date(2027, 1, 15)),
        ("nächsten Montag", "de", Direction.NEAR, date(2027, 1, 18)),
        ("Montag", "de", Direction.NEAR, date(2027, 1, 18)),
        ("Montag", "de", Direction.PAST, date(2027, 1, 11)),
        ("letzten Montag", "de", Direction.PAST, date(2027, 1, 11)),
        ("am Montag", "de", Direction.PAST, date(2027, 1, 11)),
        ("on Monday", "en", Direction.NEAR, date(2027, 1, 18)),
        ("in 3 Tagen", "de", Direction.NEAR, date(2027, 1, 16)),
        ("vor 3 Tagen", "de", Direction.PAST, date(2027, 1, 10)),
        ("gestern", "de", Direction.PAST, date(2027, 1, 12)),
        ("heute", "de", Direction.PAST, date(2027, 1, 13)),
        ("morgen", "de", Direction.NEAR, date(2027, 1, 14)),
        ("15. Januar 2027", "de", Direction.NEAR, date(2027, 1, 15)),
        ("15.1.", "de", Direction.PAST, date(2026, 1, 15)),
        ("01.02.2027", "de", Direction.NEAR, date(2027, 2, 1)),
        ("next monday", "de", Direction.NEAR, date(2027, 1, 18)),
    ],
)
def test_dates_as_people_type_them(
    text: str, language: str, direction: Direction, expected: date
) -> None:
    assert read(text, language, direction) == expected


def test_a_keyword_the_step_does_not_allow_is_refused_not_read_otherwise() -> None:
    assert read("tomorrow", "en") is None
    assert read("morgen", "de") is None


@pytest.mark.parametrize("language", ["en", "de"])
def test_an_ambiguous_date_asks(language: str) -> None:
    assert read("01/02/2027", language) == Ambiguous((date(2027, 2, 1), date(2027, 1, 2)))


def test_dots_are_ambiguous_only_for_an_english_reader() -> None:
    assert isinstance(read("01.02.2027", "en"), Ambiguous)
    assert read("01.02.2027", "de") == date(2027, 2, 1)


@pytest.mark.parametrize(
    ("text", "language", "month"),
    [
        ("early August", "en", date(2026, 8, 1)),
        ("end of March", "en", date(2026, 3, 1)),
        ("August", "en", date(2026, 8, 1)),
        ("Anfang August", "de", date(2026, 8, 1)),
        ("I don't remember", "en", None),
        ("not sure", "en", None),
        ("weiß nicht", "de", None),
        ("keine Ahnung", "de", None),
    ],
)
def test_a_vague_answer_is_recognised(text: str, language: str, month: date | None) -> None:
    assert read(text, language) == Vague(month)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("abc", "en"),
        ("9", "en"),
        ("9am", "en"),
        ("Montag", "en"),
        ("", "de"),
        ("💉", "de"),
        ("15 Jan 2027 " * 50, "en"),
    ],
)
def test_what_is_no_date_is_none(text: str, language: str) -> None:
    assert read(text, language) is None


def test_the_app_clock_not_the_real_one_sets_today() -> None:
    """A far-off today: relative words follow it, never the machine's clock."""
    far = date(2031, 6, 4)
    found = read_day("yesterday", far, keywords=PAST, language="en", direction=Direction.PAST)
    assert found == date(2031, 6, 3)
    found = read_day("in 3 days", far, keywords=PAST, language="en", direction=Direction.PAST)
    assert found == date(2031, 6, 7)


def test_plan_from_the_first_injection() -> None:
    """'I don't remember' my last injection: the last dose planned up to today, on time."""
    first = date(2026, 10, 1)
    number, day = last_planned(first, TODAY)
    assert (number, day) == (6, date(2026, 12, 29))  # Oct 1, 8, 15, 29, Nov 29, Dec 29
    assert infer_last_dose(first, day) == (number,)
    assert last_planned(TODAY, TODAY) == (1, TODAY)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40), st.sampled_from(["en", "de"]), st.sampled_from(list(Direction)))
def test_any_text_is_read_without_raising(text: str, language: str, direction: Direction) -> None:
    reading = read_day(text, TODAY, keywords=PAST, language=language, direction=direction)
    assert reading is None or isinstance(reading, date | Ambiguous | Vague)


def test_the_fast_forms_never_load_dateparser() -> None:
    """ISO dates, the day keywords and numeric dates are read without dateparser, which takes
    about half a second to load; a fresh interpreter shows whether it was imported."""
    script = (
        "import sys\n"
        "from datetime import date\n"
        "from bot.dates import read_day\n"
        "from bot.domain.answers import Direction\n"
        "for text in ('2027-01-15', 'today', 'gestern', '15.01.2027', '01/02/2027', '15.1.'):\n"
        "    read_day(text, date(2027, 1, 13), keywords=frozenset({'today', 'yesterday'}),\n"
        "             language='de', direction=Direction.PAST)\n"
        "assert 'dateparser' not in sys.modules, 'loaded for a fast form'\n"
        "read_day('15 Jan 2027', date(2027, 1, 13), keywords=frozenset(), language='en',\n"
        "         direction=Direction.PAST)\n"
        "assert 'dateparser' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=Path(__file__).parent.parent)
