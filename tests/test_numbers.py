"""Strict numbers in typed text and button data: "²" is a digit to `str.isdigit()` and "٣" a
number to `int()`, so every parser of outside input goes through `parse_number`, and a forged
button is refused rather than raising."""

from __future__ import annotations

from datetime import date

import pytest

from bot.config import ConfigError, parse_admin_ids, parse_count
from bot.domain.numbers import LARGEST, parse_number
from bot.keyboards import datepicker
from bot.keyboards.broadcast import BroadcastTap
from bot.keyboards.datepicker import PickDay, ShowMonth
from bot.keyboards.doses import CorrectionTap, DoseAction, DoseTap, SiteTap, WhoTap
from bot.receiver import is_gone


@pytest.mark.parametrize(
    ("text", "number"), [("0", 0), ("7", 7), ("0012", 12), (str(LARGEST), LARGEST)]
)
def test_plain_digits_are_numbers(text: str, number: int) -> None:
    assert parse_number(text) == number


@pytest.mark.parametrize(
    "text",
    [
        "",
        "²",
        "1²",
        "¹²³",
        "٣",
        "７",
        " 7",
        "7 ",
        "+7",
        "-7",
        "1_000",
        "7.0",
        "1e3",
        str(LARGEST + 1),
    ],
)
def test_anything_else_is_not(text: str) -> None:
    assert parse_number(text) is None


def test_a_smaller_bound() -> None:
    assert parse_number("99", largest=99) == 99
    assert parse_number("100", largest=99) is None


@pytest.mark.parametrize(
    "forged", ["bc:show:²", "bc:send:٣", "bc:stop: 1", "bc:show:+1", "bc:show:2147483648"]
)
def test_forged_broadcast_data(forged: str) -> None:
    assert BroadcastTap.parse(forged) is None


def test_dose_data_round_trips_and_forgeries_are_refused() -> None:
    raw = DoseTap(4001, 3, date(2026, 1, 19), DoseAction.OK).pack()
    assert DoseTap.parse(raw) == DoseTap(4001, 3, date(2026, 1, 19), DoseAction.OK)
    for forged in [
        "dose:²:3:20260119:ok",
        "dose:4001:٣:20260119:ok",
        "dose:4001:3:2026011٩:ok",
        "dose:4001:3:+2026119:ok",
        "dose:4001:3:20261319:ok",
        "dose:4001:3:2026019:ok",
        "dose:4001:2147483648:20260119:ok",
    ]:
        assert DoseTap.parse(forged) is None, forged
    assert WhoTap.parse("who:4001:3:self") is not None
    for forged in ["who:²:3:self", "who:4001: 3:self"]:
        assert WhoTap.parse(forged) is None, forged
    assert SiteTap.parse("site:4001:٣:self:thigh_left") is None
    assert CorrectionTap.parse("fixday:4001:3:1") == CorrectionTap(4001, 3, 1)
    for forged in ["fixday:²:3:1", "fixday:4001:²:1", "fixday:4001:3:²"]:
        assert CorrectionTap.parse(forged) is None, forged


def test_date_picker_data() -> None:
    assert datepicker.parse("cal:2026-01-05") == PickDay(date(2026, 1, 5))
    assert datepicker.parse("cal:2026-02") == ShowMonth(date(2026, 2, 1))
    for forged in ["cal:2026-W01-1", "cal:２０２６-01", "cal:2026-13", "cal:-", "cal:2026-1-5"]:
        assert datepicker.parse(forged) is None, forged


def test_date_picker_offers_only_months_with_a_pickable_day() -> None:
    lowest, highest = date(2020, 8, 20), date(2027, 3, 4)
    assert datepicker.offers(date(2020, 8, 1), lowest, highest)
    assert datepicker.offers(date(2027, 3, 1), lowest, highest)
    for month in (date(2020, 7, 1), date(2027, 4, 1), date(9999, 12, 1), date(1, 1, 1)):
        assert not datepicker.offers(month, lowest, highest), month


def test_settings_and_lease_holders() -> None:
    assert parse_admin_ids("42, -7") == frozenset({42, -7})
    for bad in ("²", "4²", "٣"):
        with pytest.raises(ConfigError, match="ADMIN_IDS"):
            parse_admin_ids(bad)
        with pytest.raises(ConfigError, match="FLOOD_LIMIT"):
            parse_count("FLOOD_LIMIT", bad, 20, low=3)
    assert not is_gone("here:²:abcd", here="here")
    assert not is_gone("here:99999999999999999999:abcd", here="here")
