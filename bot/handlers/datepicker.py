"""An inline month calendar for picking a date; typing the date works just as well."""

from __future__ import annotations

import calendar
import re
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.texts.language import month_year, weekday_initials

PREFIX = "cal"
NOOP = f"{PREFIX}:-"
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")


def keyboard(month: date, lowest: date, highest: date) -> InlineKeyboardMarkup:
    """The month of `month`, with only the days between `lowest` and `highest` pickable."""
    first = month.replace(day=1)
    rows: list[list[InlineKeyboardButton]] = []
    previous = _shift(first, -1)
    following = _shift(first, 1)
    rows.append(
        [
            _nav("«", previous) if _last_day(previous) >= lowest else _blank(),
            InlineKeyboardButton(month_year(first), callback_data=NOOP),
            _nav("»", following) if following <= highest else _blank(),
        ]
    )
    rows.append([InlineKeyboardButton(day, callback_data=NOOP) for day in weekday_initials()])
    for week in calendar.Calendar().monthdayscalendar(first.year, first.month):
        row = []
        for number in week:
            day = first.replace(day=number) if number else None
            if day is None or not lowest <= day <= highest:
                row.append(
                    _blank() if day is None else InlineKeyboardButton("·", callback_data=NOOP)
                )
            else:
                row.append(InlineKeyboardButton(str(number), callback_data=f"{PREFIX}:{day}"))
        rows.append(row)
    return InlineKeyboardMarkup(rows)


def parse(data: str) -> tuple[str, date] | None:
    """('pick', day), ('show', first of month), or None for a blank or forged button."""
    _, _, value = data.partition(":")
    if _DAY.fullmatch(value) is None and _MONTH.fullmatch(value) is None:
        return None
    try:
        if len(value) == 10:
            return "pick", date.fromisoformat(value)
        return "show", date.fromisoformat(value + "-01")
    except ValueError:
        return None


def offers(month: date, lowest: date, highest: date) -> bool:
    """Whether the picker ever shows this month (one with a pickable day): a forged month
    outside, such as year 9999 or 1, gets no calendar."""
    return lowest.replace(day=1) <= month.replace(day=1) <= highest


def _nav(label: str, month: date) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=f"{PREFIX}:{month:%Y-%m}")


def _blank() -> InlineKeyboardButton:
    return InlineKeyboardButton(" ", callback_data=NOOP)


def _shift(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _last_day(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])
