"""The warning before an unfinished sign-up is deleted (see `bot.domain.retention`). It names
no medicine: whoever sees the lock screen learns nothing about the person's treatment."""

from __future__ import annotations

from datetime import date

from bot.texts.language import _, numeric_day


def sign_up_deletion_warning(deleted_on: date) -> str:
    return _(
        "You started signing up for dose reminders here but did not finish. What you entered "
        "so far will be deleted on {day} unless you continue before then: send /start to pick "
        "up where you left off. If you no longer want to sign up, there is nothing to do."
    ).format(day=numeric_day(deleted_on))
