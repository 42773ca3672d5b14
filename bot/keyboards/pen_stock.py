"""The buttons of /pens (pens at home), `pens:<action>:<value>:<seen>`: set the count (typed
next), a delivery came (then +1, +3, +6, or typed), the reorder reminder (then its lead time in
days, or off: 0). A delivery button carries the count it was shown with (`seen`), so tapping
it twice adds once."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from telegram import InlineKeyboardMarkup

from bot import texts
from bot.domain.pen_stock import DELIVERY_CHOICES, LEAD_CHOICES, MAX_PENS
from bot.keyboards.callback import CallbackData, button, whole_number

Pens = Annotated[int, whole_number(MAX_PENS)]


class PensAction(StrEnum):
    COUNT = "count"
    DELIVERY = "delivery"
    ADD = "add"
    REMIND = "remind"
    LEAD = "lead"


@dataclass(frozen=True)
class PensTap(CallbackData, prefix="pens"):
    action: PensAction
    value: Pens = 0
    seen: Pens = 0

    def __post_init__(self) -> None:
        if self.action is PensAction.ADD and self.value < 1:
            raise ValueError("a delivery brings at least one pen")
        if self.action is PensAction.LEAD and self.value not in (0, *LEAD_CHOICES):
            raise ValueError(f"not a lead time offered: {self.value}")


def stock_keyboard(reminder_days: int | None) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(texts.pens.set_count_button(), PensTap(PensAction.COUNT)),
                button(texts.pens.delivery_button(), PensTap(PensAction.DELIVERY)),
            ],
            [button(texts.pens.reminder_button(reminder_days), PensTap(PensAction.REMIND))],
        ]
    )


def delivery_keyboard(seen: int) -> InlineKeyboardMarkup:
    """+N for a delivery, against the count `seen` now (the most a delivery may bring)."""
    choices = [pens for pens in DELIVERY_CHOICES if pens <= MAX_PENS - seen]
    return InlineKeyboardMarkup(
        [
            [
                button(texts.pens.delivery_choice(pens), PensTap(PensAction.ADD, pens, seen))
                for pens in choices
            ]
        ]
        if choices
        else []
    )


def lead_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(texts.pens.lead_choice(days), PensTap(PensAction.LEAD, days))
                for days in LEAD_CHOICES
            ],
            [button(texts.pens.reminder_off_button(), PensTap(PensAction.LEAD, 0))],
        ]
    )
