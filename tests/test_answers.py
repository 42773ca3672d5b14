from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.answers import (
    MAX_ANSWER,
    DateProblem,
    check_first_injection,
    check_last_injection,
    is_cancel,
    is_done,
    parse_clock,
    parse_consent,
    parse_day,
)

TODAY = date(2026, 5, 4)
ALL = frozenset({"today", "tomorrow", "yesterday"})
FIRST = frozenset({"today", "tomorrow"})
LAST = frozenset({"today", "yesterday"})
HUGE = "yes" + " " * 10_000
ODD = ["", "   ", "\n", "🙂", "💉💉", "\x00", "y" * 10_000, "2026-05-04" * 1000]


# --- consent -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "yes",
        "YES",
        " Yes. ",
        "agree",
        "I agree",
        "i  agree!",
        "y",
        "Y",
        "ok",
        "OK!",
        "✅",
        "✅ I agree",
        "✅ Agree and continue",
        " ✅",
    ],
)
def test_consent_yes(text: str) -> None:
    assert parse_consent(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "no",
        "NO",
        "No.",
        "decline",
        "Decline!",
        "no thanks",
        "No, thanks",
        "No thanks.",
        "✖ Decline",
        "✖️",
        "❌",
        "❌ No",
    ],
)
def test_consent_no(text: str) -> None:
    assert parse_consent(text) is False


@pytest.mark.parametrize(
    "text",
    [*ODD, HUGE, "yess", "yes please", "maybe", "nope?", "okay then", "n", "agree ✅", "👍"],
)
def test_consent_neither(text: str) -> None:
    assert parse_consent(text) is None


# --- days ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-05-04", date(2026, 5, 4)),
        (" 2020-08-20 ", date(2020, 8, 20)),
        ("2024-02-29", date(2024, 2, 29)),
        ("today", TODAY),
        ("  TODAY ", TODAY),
        ("Tomorrow", date(2026, 5, 5)),
        ("yesterday", date(2026, 5, 3)),
        ("Yesterday.", date(2026, 5, 3)),
    ],
)
def test_parse_day(text: str, expected: date) -> None:
    assert parse_day(text, TODAY, keywords=ALL) == expected


@pytest.mark.parametrize(
    "text",
    [
        *ODD,
        "2026-02-30",
        "2025-02-29",
        "2026-13-01",
        "2026-00-10",
        "0000-01-01",
        "2026-5-4",
        "26-05-04",
        "2026/05/04",
        "04.05.2026",
        "20260504",
        "2026-05-04T10:00",
        "+2026-05-04",
        "２０２６-０５-０４",
        "٢٠٢٦-٠٥-٠٤",
        "to day",
        "now",
        "the day after tomorrow",
    ],
)
def test_parse_day_refuses(text: str) -> None:
    assert parse_day(text, TODAY, keywords=ALL) is None


def test_parse_day_only_the_allowed_keywords() -> None:
    assert parse_day("tomorrow", TODAY, keywords=LAST) is None
    assert parse_day("yesterday", TODAY, keywords=FIRST) is None
    assert parse_day("today", TODAY, keywords=frozenset()) is None
    assert parse_day("2026-05-05", TODAY, keywords=frozenset()) == date(2026, 5, 5)
    assert parse_day("TOMORROW", TODAY, keywords=frozenset({"Tomorrow"})) == date(2026, 5, 5)


def test_parse_day_keywords_cross_month_and_year_ends() -> None:
    assert parse_day("tomorrow", date(2026, 12, 31), keywords=ALL) == date(2027, 1, 1)
    assert parse_day("yesterday", date(2024, 3, 1), keywords=ALL) == date(2024, 2, 29)


def test_parse_day_rejects_unknown_keywords() -> None:
    with pytest.raises(ValueError):
        parse_day("today", TODAY, keywords=frozenset({"now"}))


# --- clock --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:00", time(8, 0)),
        ("8:00", time(8, 0)),
        (" 7:30 ", time(7, 30)),
        ("00:00", time(0, 0)),
        ("0:05", time(0, 5)),
        ("23:59", time(23, 59)),
        ("19:45", time(19, 45)),
    ],
)
def test_parse_clock(text: str, expected: time) -> None:
    assert parse_clock(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        *ODD,
        "24:00",
        "23:60",
        "7:5",
        "7.30",
        "7h30",
        "730",
        "7",
        "007:30",
        "07:300",
        "7:30 am",
        "7:30pm",
        "7:30 PM",
        "-1:00",
        "08:00:00",
        "８:００",
        "noon",
    ],
)
def test_parse_clock_refuses(text: str) -> None:
    assert parse_clock(text) is None


# --- length limit ---------------------------------------------------------------------------


def test_long_texts_are_refused_by_every_parser() -> None:
    padded = " " * MAX_ANSWER + "today"
    assert parse_day(padded, TODAY, keywords=ALL) is None
    assert parse_clock(" " * MAX_ANSWER + "8:00") is None
    assert parse_consent(" " * MAX_ANSWER + "yes") is None
    assert parse_consent("✅" + "x" * MAX_ANSWER) is None
    assert parse_consent("✅" + "x" * (MAX_ANSWER - 1)) is True


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_parsers_never_raise(text: str) -> None:
    parse_consent(text)
    parse_clock(text)
    result = parse_day(text, TODAY, keywords=ALL)
    assert result is None or isinstance(result, date)


@settings(max_examples=200, deadline=None)
@given(st.times())
def test_every_clock_time_round_trips(at: time) -> None:
    minute = at.replace(second=0, microsecond=0)
    assert parse_clock(minute.strftime("%H:%M")) == minute
    assert parse_clock(f"{minute.hour}:{minute.minute:02d}") == minute


@settings(max_examples=200, deadline=None)
@given(st.dates(date(1000, 1, 1), date(9999, 12, 31)))
def test_every_iso_date_round_trips(day: date) -> None:
    assert parse_day(day.isoformat(), TODAY, keywords=frozenset()) == day


# --- enrolment date checks ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2020, 8, 19), DateProblem.BEFORE_APPROVAL),
        (date(2020, 8, 20), None),
        (date(2026, 5, 3), None),
        (TODAY, None),
        (date(2026, 5, 5), None),
        (date(2027, 5, 4), None),
        (date(2027, 5, 5), DateProblem.TOO_FAR_AHEAD),
    ],
)
def test_check_first_injection(day: date, expected: DateProblem | None) -> None:
    assert check_first_injection(day, TODAY) is expected


def test_check_first_injection_a_year_from_a_leap_day() -> None:
    leap = date(2024, 2, 29)
    assert check_first_injection(date(2025, 2, 28), leap) is None
    assert check_first_injection(date(2025, 3, 1), leap) is DateProblem.TOO_FAR_AHEAD


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 4), DateProblem.BEFORE_FIRST_INJECTION),
        (date(2026, 1, 5), None),
        (date(2026, 3, 1), None),
        (TODAY, None),
        (date(2026, 5, 5), DateProblem.IN_FUTURE),
    ],
)
def test_check_last_injection(day: date, expected: DateProblem | None) -> None:
    assert check_last_injection(day, date(2026, 1, 5), TODAY) is expected


def test_problems_are_codes() -> None:
    assert DateProblem.TOO_FAR_AHEAD.value == "too_far_ahead"


def test_german_words_are_accepted_alongside_english() -> None:
    assert parse_day("heute", TODAY, keywords=ALL) == TODAY
    assert parse_day("Gestern", TODAY, keywords=ALL) == date(2026, 5, 3)
    assert parse_day("morgen", TODAY, keywords=LAST) is None, "still only the allowed ones"
    assert parse_consent("Ja") is True
    assert parse_consent("nein danke") is False
    assert is_done("Erledigt!") and is_done("done") and not is_done("noch nicht")
    assert is_cancel("Abbrechen") and is_cancel("cancel") and not is_cancel("09:00")
