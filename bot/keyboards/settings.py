"""The /settings buttons: `set:<action>` for the patient's own settings and `lang:<code>` for
the language."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from telegram import InlineKeyboardMarkup

from bot import texts
from bot.keyboards.callback import CallbackData, button
from bot.texts import language


class SettingsAction(StrEnum):
    TIME = "time"
    ZONE = "zone"
    PAUSE = "pause"
    RESUME = "resume"
    DISCREET = "discreet"
    NAMED = "named"


@dataclass(frozen=True)
class SettingsTap(CallbackData, prefix="set"):
    action: SettingsAction


@dataclass(frozen=True)
class LanguageTap(CallbackData, prefix="lang"):
    code: str

    def __post_init__(self) -> None:
        if self.code not in language.LANGUAGES:
            raise ValueError(f"no language {self.code!r}")


def overview_keyboard(paused: bool, discreet: bool) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(texts.schedule.settings_time_button(), SettingsTap(SettingsAction.TIME)),
                button(texts.schedule.settings_zone_button(), SettingsTap(SettingsAction.ZONE)),
            ],
            [
                button(texts.schedule.settings_resume_button(), SettingsTap(SettingsAction.RESUME))
                if paused
                else button(
                    texts.schedule.settings_pause_button(), SettingsTap(SettingsAction.PAUSE)
                )
            ],
            [
                button(texts.schedule.settings_named_button(), SettingsTap(SettingsAction.NAMED))
                if discreet
                else button(
                    texts.schedule.settings_discreet_button(), SettingsTap(SettingsAction.DISCREET)
                )
            ],
        ]
    )


def language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(texts.preferences.language_button(code), LanguageTap(code))
                for code in language.LANGUAGES
            ]
        ]
    )
