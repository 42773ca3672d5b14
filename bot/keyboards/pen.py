"""The buttons of /pen: the question before anything is noted (✅ Yes / No,
`penq:<answer>:<dose>`), then under the note 🌡 it got warmer than 30 °C (`pen:warm:<period>`)
and ↩️ Undo (`pen:undo:<period>`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from telegram import InlineKeyboardMarkup

from bot import texts
from bot.keyboards.callback import CallbackData, RowId, button


class PenAction(StrEnum):
    WARM = "warm"
    UNDO = "undo"


@dataclass(frozen=True)
class PenTap(CallbackData, prefix="pen"):
    action: PenAction
    period_id: RowId


class PenAnswer(StrEnum):
    YES = "yes"
    NO = "no"


@dataclass(frozen=True)
class PenQuestionTap(CallbackData, prefix="penq"):
    """The answer to "did a pen come out just now?", for the dose due when it was asked: a
    Yes tapped after that dose was recorded notes nothing."""

    answer: PenAnswer
    dose: RowId


def question_keyboard(dose: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(texts.care.pen_yes_button(), PenQuestionTap(PenAnswer.YES, dose)),
                button(texts.care.pen_no_button(), PenQuestionTap(PenAnswer.NO, dose)),
            ]
        ]
    )


def too_warm_keyboard(period_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(texts.care.pen_too_warm_button(), PenTap(PenAction.WARM, period_id))]]
    )


def noted_keyboard(period_id: int) -> InlineKeyboardMarkup:
    """Under a pen just noted: too warm, or undo (a mistaken Yes)."""
    return InlineKeyboardMarkup(
        [
            [button(texts.care.pen_too_warm_button(), PenTap(PenAction.WARM, period_id))],
            [button(texts.care.pen_undo_button(), PenTap(PenAction.UNDO, period_id))],
        ]
    )
