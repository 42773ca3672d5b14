"""The buttons on a support request for staff: ↩️ Answer (`sup:answer:<request>`), and ✖️ to
drop an answer begun (`sup:drop:<request>`). A staff member's reply to a request message says
which request it answers through its button."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from telegram import InlineKeyboardMarkup, Message

from bot import texts
from bot.keyboards.callback import CallbackData, RowId, button, taps_in


class SupportAction(StrEnum):
    ANSWER = "answer"
    DROP = "drop"


@dataclass(frozen=True)
class SupportTap(CallbackData, prefix="sup"):
    action: SupportAction
    number: RowId


def answer_keyboard(number: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(texts.support.answer_button(), SupportTap(SupportAction.ANSWER, number))]]
    )


def drop_keyboard(number: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(texts.support.cancel_answer_button(), SupportTap(SupportAction.DROP, number))]]
    )


def request_answered_by(message: Message | None) -> int | None:
    """The request a message carrying ↩️ Answer is about."""
    return next(
        (tap.number for tap in taps_in(message, SupportTap) if tap.action is SupportAction.ANSWER),
        None,
    )
