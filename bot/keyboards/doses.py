"""The buttons under dose reminders and after a confirmation: the data names the patient, the
dose and its planned date, so a tap can be checked against who taps and against the plan as it
stands now; it grants nothing by itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum
from typing import Annotated, TypeVar

from telegram import InlineKeyboardMarkup, Message

from bot import texts
from bot.domain.sites import Injector, Site, allowed_sites
from bot.keyboards.callback import COMPACT_DAY, CallbackData, RowId, button, taps_in

Value = TypeVar("Value")


class DoseAction(StrEnum):
    OK = "ok"
    ONE_HOUR = "1h"
    THREE_HOURS = "3h"
    TOMORROW = "tomorrow"
    PROBLEM = "problem"
    PAUSE = "pause"
    FIX = "fix"
    UNDO = "undo"


@dataclass(frozen=True)
class DoseTap(CallbackData, prefix="dose"):
    """`dose:<patient>:<n>:<YYYYMMDD>:<action>`"""

    patient_id: int
    number: RowId
    planned: Annotated[date, COMPACT_DAY]
    action: DoseAction


@dataclass(frozen=True)
class WhoTap(CallbackData, prefix="who"):
    """`who:<patient>:<n>:<injector>`: who gave the injection."""

    patient_id: int
    number: RowId
    injector: Injector


@dataclass(frozen=True)
class SiteTap(CallbackData, prefix="site"):
    """`site:<patient>:<n>:<injector>:<site>`: where; an arm for someone injecting themselves
    is forged."""

    patient_id: int
    number: RowId
    injector: Injector
    site: Site

    def __post_init__(self) -> None:
        if self.site not in allowed_sites(self.injector):
            raise ValueError(f"{self.site} is not offered to {self.injector}")


@dataclass(frozen=True)
class CorrectionTap(CallbackData, prefix="fixday"):
    """`fixday:<patient>:<n>:<days ago>`, days ago within the buttons."""

    patient_id: int
    number: RowId
    days_ago: int

    def __post_init__(self) -> None:
        if str(self.days_ago) not in {ago for ago, _ in texts.reminders.correction_days()}:
            raise ValueError(f"no button for {self.days_ago} days ago")


def tap_in(message: Message | None) -> DoseTap | None:
    """The dose a bot message's buttons are about: a reply to a reminder says which dose it
    answers even before the reminder's message id is recorded."""
    return next(taps_in(message, DoseTap), None)


def reminder_keyboard(
    patient_id: int, number: int, planned: date, at: time | None = None
) -> InlineKeyboardMarkup:
    """`at`: the patient's reminder time, named on the "tomorrow" button."""

    def tap(action: DoseAction) -> DoseTap:
        return DoseTap(patient_id, number, planned, action)

    return InlineKeyboardMarkup(
        [
            [button(texts.reminders.confirm_button(), tap(DoseAction.OK))],
            [
                button(label, tap(DoseAction(action)))
                for action, label in texts.reminders.snooze_buttons(at)
            ],
            [button(texts.reminders.problem_button(), tap(DoseAction.PROBLEM))],
        ]
    )


def recorded_keyboard(patient_id: int, number: int, planned: date) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(
                    texts.reminders.correct_button(),
                    DoseTap(patient_id, number, planned, DoseAction.FIX),
                ),
                button(
                    texts.reminders.undo_button(),
                    DoseTap(patient_id, number, planned, DoseAction.UNDO),
                ),
            ]
        ]
    )


def problem_keyboard(patient_id: int, number: int, planned: date) -> InlineKeyboardMarkup:
    later = DoseAction.THREE_HOURS
    return InlineKeyboardMarkup(
        [
            [
                button(
                    texts.reminders.pause_button(),
                    DoseTap(patient_id, number, planned, DoseAction.PAUSE),
                )
            ],
            [
                button(
                    dict(texts.reminders.snooze_buttons())[later],
                    DoseTap(patient_id, number, planned, later),
                )
            ],
        ]
    )


def caregiver_confirm_keyboard(
    name: str, patient_id: int, number: int, planned: date
) -> InlineKeyboardMarkup:
    """✅ under a missed-dose alert, for a caregiver the patient allowed to confirm."""
    tap = DoseTap(patient_id, number, planned, DoseAction.OK)
    return InlineKeyboardMarkup([[button(texts.caregivers.confirm_for(name), tap)]])


def who_keyboard(patient_id: int, number: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(label, WhoTap(patient_id, number, Injector(who)))]
            for who, label in texts.reminders.who_buttons()
        ]
    )


def site_keyboard(patient_id: int, number: int, injector: Injector) -> InlineKeyboardMarkup:
    """The sites allowed for who injected, two a row."""
    buttons = [
        button(
            texts.reminders.site_names()[site].capitalize(),
            SiteTap(patient_id, number, injector, site),
        )
        for site in allowed_sites(injector)
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def correction_keyboard(patient_id: int, number: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(label, CorrectionTap(patient_id, number, int(ago)))
                for ago, label in texts.reminders.correction_days()
            ]
        ]
    )
