"""Every user-facing text, one module per concern, written in English and marked for the
translation catalogs. `texts.NAME` is NAME in the language of the moment (see `language`):
constants are translated when read, functions translate their sentences when called."""

from __future__ import annotations

from typing import Any

from bot.texts import (
    account,
    care,
    caregivers,
    chart,
    common,
    enrolment,
    errors,
    limits,
    preferences,
    reminders,
    retention,
    schedule,
    staff,
    support,
)
from bot.texts.language import translate

_MODULES = (
    common,
    enrolment,
    schedule,
    account,
    staff,
    support,
    reminders,
    care,
    caregivers,
    chart,
    preferences,
    errors,
    limits,
    retention,
)


def __getattr__(name: str) -> Any:
    for module in _MODULES:
        if name in vars(module):
            return translate(vars(module)[name])
    raise AttributeError(name)
