"""The answers under the check-in after a loading dose: `ci:<dose>:<answer>`. A typed reply to
the question says which dose it answers through these buttons."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from telegram import InlineKeyboardMarkup, Message

from bot import texts
from bot.keyboards.callback import CallbackData, RowId, button, taps_in


class CheckinAnswer(StrEnum):
    FINE = "fine"
    FEVER = "fever"
    WORSE = "worse"
    BREATH = "breath"


@dataclass(frozen=True)
class CheckinTap(CallbackData, prefix="ci"):
    number: RowId
    answer: CheckinAnswer


def answers_keyboard(number: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(label, CheckinTap(number, CheckinAnswer(answer)))]
            for answer, label in texts.care.checkin_answers().items()
        ]
    )


def dose_asked_about(message: Message | None) -> int | None:
    """The dose a check-in message asks about, read from its buttons."""
    tap = next(taps_in(message, CheckinTap), None)
    return tap.number if tap is not None else None
