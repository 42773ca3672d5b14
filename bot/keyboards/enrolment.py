"""The sign-up's keyboards: consent (`enrol:agree`, `enrol:decline`; `enrol:signup` asks it),
which dose the last injection was (`enrol:dose:<n>`), and the reply keyboards offering time
zones and reminder times."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum

from telegram import InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from bot import texts
from bot.keyboards.callback import CallbackData, button
from bot.keyboards.datepicker import PickDay


class EnrolAction(StrEnum):
    AGREE = "agree"
    DECLINE = "decline"
    SIGNUP = "signup"
    PLAN_FROM_FIRST = "planfirst"
    """Someone who cannot remember their most recent injection: plan as if on time."""


@dataclass(frozen=True)
class EnrolTap(CallbackData, prefix="enrol"):
    action: EnrolAction


@dataclass(frozen=True)
class WhichDoseTap(CallbackData, prefix="enrol:dose"):
    """The dose number is handed on as if typed, so the answer is read (and a forged one asked
    again) exactly like a typed one."""

    answer: str


def consent_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(texts.enrolment.consent_agree_button(), EnrolTap(EnrolAction.AGREE)),
                button(texts.enrolment.consent_decline_button(), EnrolTap(EnrolAction.DECLINE)),
            ]
        ]
    )


def sign_up_keyboard() -> InlineKeyboardMarkup:
    """For someone who only follows others: sign up as a patient too."""
    return InlineKeyboardMarkup(
        [[button(texts.caregivers.sign_up_myself_button(), EnrolTap(EnrolAction.SIGNUP))]]
    )


def which_dose_keyboard(candidates: Iterable[int]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(texts.enrolment.which_dose_button(n), WhichDoseTap(str(n))) for n in candidates]]
    )


def date_choice_keyboard(options: Iterable[date]) -> InlineKeyboardMarkup:
    """Two readings of a typed date: each a day of the date picker, so a tap is read exactly
    like a day picked in the calendar."""
    return InlineKeyboardMarkup(
        [[button(texts.enrolment.date_choice_button(day), PickDay(day))] for day in options]
    )


def with_plan_from_first(calendar: InlineKeyboardMarkup) -> InlineKeyboardMarkup:
    """The calendar, and below it the way out for someone who cannot remember the day."""
    row = [button(texts.enrolment.plan_from_first_button(), EnrolTap(EnrolAction.PLAN_FROM_FIRST))]
    return InlineKeyboardMarkup([*calendar.inline_keyboard, row])


def zone_keyboard() -> ReplyKeyboardMarkup:
    rows = [[KeyboardButton(texts.enrolment.share_location_button(), request_location=True)]]
    rows += [[KeyboardButton(zone) for zone in row] for row in texts.enrolment.COMMON_ZONES]
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)


def time_keyboard(options: Iterable[time] = ()) -> ReplyKeyboardMarkup:
    """Reminder times to tap (they arrive typed): the usual ones, or those of a part of the day
    someone named ("morning")."""
    offered = [f"{at:%H:%M}" for at in options]
    rows = [offered] if offered else [list(row) for row in texts.enrolment.COMMON_TIMES]
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)
