"""The buttons of the pre-start checklist: `chk:<check>:<1 done, 0 not yet>`. A tap carries the
state it asks for, not "switch", so a double tap (or a stale message) changes nothing twice."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardMarkup

from bot import texts
from bot.domain.checklist import Check, Item
from bot.keyboards.callback import CallbackData, button


@dataclass(frozen=True)
class ChecklistTap(CallbackData, prefix="chk"):
    check: Check
    done: int

    def __post_init__(self) -> None:
        if self.done not in (0, 1):
            raise ValueError(f"done is 0 or 1, not {self.done}")


def checklist_keyboard(items: list[Item]) -> InlineKeyboardMarkup:
    """One button per check, showing its state; a tap asks for the other state."""
    return InlineKeyboardMarkup(
        [
            [
                button(
                    texts.care.check_button(item.check, item.done),
                    ChecklistTap(item.check, 0 if item.done else 1),
                )
            ]
            for item in items
        ]
    )


def reminder_keyboard(check: Check) -> InlineKeyboardMarkup:
    """Under a check's reminder: tick it off from there (the message becomes the checklist)."""
    return InlineKeyboardMarkup(
        [[button(texts.care.check_button(check, True), ChecklistTap(check, 1))]]
    )
