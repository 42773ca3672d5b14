"""Every user-facing text, one module per concern, written in English and marked for the
translation catalogs. Each text is a typed function that returns it in the language of the moment
(see `language`) and formats and escapes its own values: `texts.reminders.heads_up(...)`."""

from __future__ import annotations

from bot.texts import (
    account,
    appointments,
    care,
    caregivers,
    chart,
    common,
    enrolment,
    errors,
    information,
    language,
    limits,
    menu,
    pens,
    preferences,
    reminders,
    report,
    retention,
    safety,
    schedule,
    staff,
    support,
    webapp,
    zones,
)

__all__ = [
    "account",
    "appointments",
    "care",
    "caregivers",
    "chart",
    "common",
    "enrolment",
    "errors",
    "information",
    "language",
    "limits",
    "menu",
    "pens",
    "preferences",
    "reminders",
    "report",
    "retention",
    "safety",
    "schedule",
    "staff",
    "support",
    "webapp",
    "zones",
]
