"""The buttons on a support request for staff: ↩️ Answer (`sup:answer:<request>`), and ✖️ to
drop an answer begun (`sup:drop:<request>`); under an answer, for the user, ↩️ Reply
(`sup:reply:<request>`). A reply to either message says which request it is about through its
button."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from telegram import InlineKeyboardMarkup, Message

from bot import texts
from bot.keyboards.callback import CallbackData, RowId, button, taps_in


class SupportAction(StrEnum):
    ANSWER = "answer"
    DROP = "drop"
    REPLY = "reply"


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


def reply_keyboard(number: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(texts.support.reply_button(), SupportTap(SupportAction.REPLY, number))]]
    )


def request_answered_by(message: Message | None) -> int | None:
    """The request a message carrying ↩️ Answer is about."""
    return next(
        (tap.number for tap in taps_in(message, SupportTap) if tap.action is SupportAction.ANSWER),
        None,
    )


def follow_up_of(message: Message | None) -> int | None:
    """The request an answer carrying ↩️ Reply is about."""
    return next(
        (tap.number for tap in taps_in(message, SupportTap) if tap.action is SupportAction.REPLY),
        None,
    )
