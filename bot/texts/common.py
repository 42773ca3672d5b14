"""Texts used across the bot: the disclaimers, dose names and statuses."""

from __future__ import annotations

from bot.domain.adherence import Status
from bot.texts.language import N_, _

NOT_MEDICAL_ADVICE = N_(
    "<i>This bot helps you keep track; it does not replace advice from your doctor, nurse "
    "or pharmacist.</i>"
)
"""The disclaimer in English, as a part of the information pages (see `information`)."""


def not_medical_advice() -> str:
    return _(NOT_MEDICAL_ADVICE)


def timing_is_our_reading() -> str:
    return _(
        "The label gives the rhythm: weeks 0, 1 and 2, then once a month from week 4. How month "
        "ends and late or early doses move the later dates is this bot's reading of it, so please "
        "check the timing with your doctor."
    )


def not_enrolled() -> str:
    return _("You haven't signed up yet. Send /start to set up your dose plan.")


def button_expired() -> str:
    return _("This button is no longer active.")


def status_marks() -> dict[Status, tuple[str, str]]:
    return {
        Status.BEFORE_ENROLMENT: ("☑️", _("before enrolment")),
        Status.ON_TIME: ("✅", _("on time")),
        Status.EARLY: ("✅", _("early")),
        Status.LATE: ("✅", _("late")),
        Status.MISSED: ("❌", _("missed: inject as soon as possible")),
        Status.OVERDUE: ("⚠️", _("overdue: inject as soon as possible")),
        Status.DUE_TODAY: ("⏳", _("due today")),
        Status.UPCOMING: ("▫️", _("upcoming")),
    }


def status_mark(status: Status) -> tuple[str, str]:
    """The symbol and the words for a dose's status, in the current language."""
    return status_marks()[status]


def dose_phase(number: int) -> str:
    if number <= 3:
        return _("loading {number}/3").format(number=number)
    return _("monthly {number}").format(number=number - 3)


def shorten(text: str, limit: int = 40) -> str:
    """Echo only the start of what someone typed, so a huge message isn't sent back."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def medicine(discreet: bool) -> str:
    """Discreet mode keeps the medicine's name off lock screens."""
    return _("your injection") if discreet else _("your Kesimpta injection")
