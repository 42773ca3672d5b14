"""The check-in the day after each loading dose: how did it go? (`bot.domain.triage` reads the
answer.)"""

from __future__ import annotations

from datetime import date, timedelta

LOADING_DOSES = frozenset({1, 2, 3})
KIND = "checkin"
ASK_UNTIL = timedelta(days=2)
"""After a downtime, a check-in more than two days after the injection is no longer asked."""
CHECKIN_PRIORITY = 2


def needs_checkin(dose_number: int) -> bool:
    """The loading doses, the first above all, are when whole-body reactions are most likely."""
    return dose_number in LOADING_DOSES


def still_worth_asking(taken_on: date, today: date) -> bool:
    """ "How did it go?" makes sense the day after, or the day after that; not a week later."""
    return today <= taken_on + ASK_UNTIL
