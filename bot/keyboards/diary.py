"""The choices under /log without text: `log:<choice>`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from telegram import InlineKeyboardMarkup

from bot import texts
from bot.keyboards.callback import CallbackData, button


class DiaryChoice(StrEnum):
    HEADACHE = "headache"
    FEVER = "fever"
    SITE = "site"
    TIRED = "tired"


@dataclass(frozen=True)
class DiaryTap(CallbackData, prefix="log"):
    choice: DiaryChoice


def choices_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(label, DiaryTap(DiaryChoice(key)))]
            for key, label in texts.care.diary_choices().items()
        ]
    )
