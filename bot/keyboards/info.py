"""The related-topic buttons under each information page: `info:<topic>`."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardMarkup

from bot.keyboards.callback import CallbackData, button
from bot.texts import information


@dataclass(frozen=True)
class InfoTap(CallbackData, prefix="info"):
    topic: str

    def __post_init__(self) -> None:
        if self.topic not in information.PAGES:
            raise ValueError(f"no page {self.topic!r}")


def related(topic: str) -> InlineKeyboardMarkup:
    labels = information.button_labels()
    return InlineKeyboardMarkup(
        [[button(labels[other], InfoTap(other)) for other in information.RELATED[topic]]]
    )
