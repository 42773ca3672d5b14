"""The buttons of /report: one per period (`report:<period>:<naming>`, e.g. `report:6:no`),
and one that switches whether the first name is printed (`rname:<naming>`: the keyboard it
shows next). The report is always the tapping patient's own, so no button carries an id."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardMarkup

from bot import texts
from bot.domain.report import Naming, Period
from bot.keyboards.callback import CallbackData, button


@dataclass(frozen=True)
class ReportTap(CallbackData, prefix="report"):
    """Make the report of `period`, with or without the first name."""

    period: Period
    naming: Naming


@dataclass(frozen=True)
class ReportNameTap(CallbackData, prefix="rname"):
    """Show the period buttons again with the name printed (`WITH`) or not."""

    naming: Naming


def periods_keyboard(naming: Naming) -> InlineKeyboardMarkup:
    """Four periods in two rows, then the name switch showing what it is now."""
    labels = texts.report.period_buttons()
    periods = [button(labels[period], ReportTap(period, naming)) for period in Period]
    other = Naming.WITHOUT if naming is Naming.WITH else Naming.WITH
    switch = button(texts.report.name_button(naming is Naming.WITH), ReportNameTap(other))
    return InlineKeyboardMarkup([periods[:2], periods[2:], [switch]])
