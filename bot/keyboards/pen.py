"""The button under /pen: 🌡 it got warmer than 30 °C, `pen:warm:<period>`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from telegram import InlineKeyboardMarkup

from bot import texts
from bot.keyboards.callback import CallbackData, RowId, button


class PenAction(StrEnum):
    WARM = "warm"


@dataclass(frozen=True)
class PenTap(CallbackData, prefix="pen"):
    action: PenAction
    period_id: RowId


def too_warm_keyboard(period_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(texts.care.pen_too_warm_button(), PenTap(PenAction.WARM, period_id))]]
    )
