from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.answers import (
    MAX_ANSWER,
    Ambiguous,
    ClockProblem,
    DateProblem,
    Direction,
    TimeChoice,
    check_first_injection,
    check_last_injection,
    is_cancel,
    is_done,
    is_vague,
    parse_consent,
    parse_day,
    parse_numeric_day,
    read_clock,
    strip_vague_part,
)

TODAY = date(2026, 5, 4)
ALL = frozenset({"today", "tomorrow", "yesterday"})
FIRST = frozenset({"today", "tomorrow"})
"""The contract's first-injection keywords; sign-up now also allows "yesterday" there."""
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
        # as people type them (issue 14)
        ("9", time(9, 0)),
        ("9am", time(9, 0)),
        ("9:00 am", time(9, 0)),
        ("9:00 AM", time(9, 0)),
        ("9.00", time(9, 0)),
        ("9h", time(9, 0)),
        ("9h30", time(9, 30)),
        ("9 pm", time(21, 0)),
        ("9 p.m.", time(21, 0)),
        ("7:30pm", time(19, 30)),
        ("12 am", time(0, 0)),
        ("12 pm", time(12, 0)),
        ("9 Uhr", time(9, 0)),
        ("21 Uhr", time(21, 0)),
        ("9:30 Uhr", time(9, 30)),
        ("7.30", time(7, 30)),
        ("7", time(7, 0)),
    ],
)
def test_read_clock(text: str, expected: time) -> None:
    assert read_clock(text) == expected


@pytest.mark.parametrize(
    ("text", "offered"),
    [
        ("morning", (time(8), time(9), time(10))),
        ("Morgens", (time(8), time(9), time(10))),
        ("evening", (time(18), time(19), time(20))),
        ("abends", (time(18), time(19), time(20))),
        ("noon", (time(12),)),
    ],
)
def test_a_part_of_the_day_offers_times(text: str, offered: tuple[time, ...]) -> None:
    assert read_clock(text) == TimeChoice(offered)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("25:00", ClockProblem.NO_SUCH_HOUR),
        ("24:00", ClockProblem.NO_SUCH_HOUR),
        ("13 pm", ClockProblem.NO_SUCH_HOUR),
        ("0 am", ClockProblem.NO_SUCH_HOUR),
        ("23:60", ClockProblem.NO_SUCH_MINUTE),
        ("9:75", ClockProblem.NO_SUCH_MINUTE),
        *((text, ClockProblem.UNREADABLE) for text in ODD),
        ("abc", ClockProblem.UNREADABLE),
        ("7:5", ClockProblem.UNREADABLE),
        ("730", ClockProblem.UNREADABLE),
        ("007:30", ClockProblem.UNREADABLE),
        ("07:300", ClockProblem.UNREADABLE),
        ("-1:00", ClockProblem.UNREADABLE),
        ("08:00:00", ClockProblem.UNREADABLE),
        ("８:００", ClockProblem.UNREADABLE),
        ("9 o'clock tomorrow", ClockProblem.UNREADABLE),
    ],
)
def test_read_clock_refuses_with_a_reason(text: str, problem: ClockProblem) -> None:
    assert read_clock(text) == problem


# --- numeric dates ------------------------------------------------------------------------

JAN_13 = date(2027, 1, 13)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15.01.2027", date(2027, 1, 15)),
        ("15/01/2027", date(2027, 1, 15)),
        ("1/15/2027", date(2027, 1, 15)),
        ("15-01-2027", date(2027, 1, 15)),
        ("15.01.27", date(2027, 1, 15)),
        ("15.1.", date(2026, 1, 15)),
        ("15.1", date(2026, 1, 15)),
        ("12.1.", date(2027, 1, 12)),
    ],
)
def test_numeric_dates_in_the_past(text: str, expected: date) -> None:
    reading = parse_numeric_day(text, JAN_13, direction=Direction.PAST, dots_day_first=True)
    assert reading == expected


def test_a_date_without_a_year_is_the_nearest_for_a_first_injection() -> None:
    near = Direction.NEAR
    assert parse_numeric_day("15.1.", JAN_13, direction=near, dots_day_first=True) == date(
        2027, 1, 15
    )
    assert parse_numeric_day("3.12.", JAN_13, direction=near, dots_day_first=True) == date(
        2026, 12, 3
    )
    assert parse_numeric_day("29.2.", date(2027, 3, 1), direction=near, dots_day_first=True) == (
        date(2028, 2, 29)
    )


def test_day_and_month_both_twelve_or_less_ask_which() -> None:
    both = Ambiguous((date(2027, 2, 1), date(2027, 1, 2)))
    for dots_day_first in (False, True):
        reading = parse_numeric_day(
            "01/02/2027", JAN_13, direction=Direction.PAST, dots_day_first=dots_day_first
        )
        assert reading == both
    assert (
        parse_numeric_day("01.02.2027", JAN_13, direction=Direction.PAST, dots_day_first=False)
        == both
    ), "dots read both ways for an English reader"
    assert parse_numeric_day(
        "01.02.2027", JAN_13, direction=Direction.PAST, dots_day_first=True
    ) == date(2027, 2, 1), "a German reader writes the day first"
    assert parse_numeric_day(
        "05/05/2027", JAN_13, direction=Direction.PAST, dots_day_first=False
    ) == date(2027, 5, 5), "the same either way"


@pytest.mark.parametrize(
    "text", [*ODD, "31.02.2027", "13/13/2027", "0.1.2027", "15.01/2027", "2027-01-15", "9", "1.2.3"]
)
def test_numeric_dates_refused(text: str) -> None:
    assert parse_numeric_day(text, JAN_13, direction=Direction.PAST, dots_day_first=True) is None


def test_vague_answers() -> None:
    for text in ("I don't remember", "I’m not sure", "no idea", "weiß nicht", "Keine Ahnung"):
        assert is_vague(text), text
    for text in ("15 Jan", "next monday", "yes"):
        assert not is_vague(text), text
    assert strip_vague_part("early August") == "august"
    assert strip_vague_part("Anfang August") == "august"
    assert strip_vague_part("end of March") == "march"
    assert strip_vague_part("August") is None


# --- length limit ---------------------------------------------------------------------------


def test_long_texts_are_refused_by_every_parser() -> None:
    padded = " " * MAX_ANSWER + "today"
    assert parse_day(padded, TODAY, keywords=ALL) is None
    assert read_clock(" " * MAX_ANSWER + "8:00") is ClockProblem.UNREADABLE
    assert (
        parse_numeric_day(
            " " * MAX_ANSWER + "1.1.2027", TODAY, direction=Direction.PAST, dots_day_first=True
        )
        is None
    )
    assert parse_consent(" " * MAX_ANSWER + "yes") is None
    assert parse_consent("✅" + "x" * MAX_ANSWER) is None
    assert parse_consent("✅" + "x" * (MAX_ANSWER - 1)) is True


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_parsers_never_raise(text: str) -> None:
    parse_consent(text)
    read_clock(text)
    parse_numeric_day(text, TODAY, direction=Direction.PAST, dots_day_first=False)
    is_vague(text)
    result = parse_day(text, TODAY, keywords=ALL)
    assert result is None or isinstance(result, date)


@settings(max_examples=200, deadline=None)
@given(st.times())
def test_every_clock_time_round_trips(at: time) -> None:
    minute = at.replace(second=0, microsecond=0)
    assert read_clock(minute.strftime("%H:%M")) == minute
    assert read_clock(f"{minute.hour}:{minute.minute:02d}") == minute
    twelve = minute.hour % 12 or 12
    half = "am" if minute.hour < 12 else "pm"
    assert read_clock(f"{twelve}:{minute.minute:02d} {half}") == minute


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
