"""The confirmation under /deletedata: `erase:yes` or `erase:no`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from telegram import InlineKeyboardMarkup

from bot import texts
from bot.keyboards.callback import CallbackData, button


class EraseDecision(StrEnum):
    YES = "yes"
    NO = "no"


@dataclass(frozen=True)
class EraseTap(CallbackData, prefix="erase"):
    decision: EraseDecision


def confirm_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(texts.account.erase_button(), EraseTap(EraseDecision.YES))],
            [button(texts.account.keep_button(), EraseTap(EraseDecision.NO))],
        ]
    )
