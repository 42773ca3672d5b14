"""An inline month calendar for picking a date; typing the date works just as well. A day
sends `cal:YYYY-MM-DD`, the arrows `cal:YYYY-MM`, and everything else (titles, blanks, days
out of range) `cal:-`, which does nothing."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.keyboards.callback import ISO_DAY, ISO_MONTH, CallbackData, button
from bot.texts.language import month_year, weekday_initials


@dataclass(frozen=True)
class PickDay(CallbackData, prefix="cal"):
    day: Annotated[date, ISO_DAY]


@dataclass(frozen=True)
class ShowMonth(CallbackData, prefix="cal"):
    month: Annotated[date, ISO_MONTH]


@dataclass(frozen=True)
class Blank(CallbackData, prefix="cal:-"):
    """A button that is only there to be seen."""


def parse(data: str | None) -> PickDay | ShowMonth | None:
    """A picked day, a month to show, or None for a blank or forged button."""
    return PickDay.parse(data) or ShowMonth.parse(data)


def keyboard(month: date, lowest: date, highest: date) -> InlineKeyboardMarkup:
    """The month of `month`, with only the days between `lowest` and `highest` pickable."""
    first = month.replace(day=1)
    rows: list[list[InlineKeyboardButton]] = []
    previous = _shift(first, -1)
    following = _shift(first, 1)
    rows.append(
        [
            button("«", ShowMonth(previous)) if _last_day(previous) >= lowest else _blank(),
            button(month_year(first), Blank()),
            button("»", ShowMonth(following)) if following <= highest else _blank(),
        ]
    )
    rows.append([button(day, Blank()) for day in weekday_initials()])
    for week in calendar.Calendar().monthdayscalendar(first.year, first.month):
        row = []
        for number in week:
            day = first.replace(day=number) if number else None
            if day is None or not lowest <= day <= highest:
                row.append(_blank() if day is None else button("·", Blank()))
            else:
                row.append(button(str(number), PickDay(day)))
        rows.append(row)
    return InlineKeyboardMarkup(rows)


def offers(month: date, lowest: date, highest: date) -> bool:
    """Whether the picker ever shows this month (one with a pickable day): a forged month
    outside, such as year 9999 or 1, gets no calendar."""
    return lowest.replace(day=1) <= month.replace(day=1) <= highest


def _blank() -> InlineKeyboardButton:
    return button(" ", Blank())


def _shift(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _last_day(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])
