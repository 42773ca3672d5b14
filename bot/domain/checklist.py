"""The checks before a first injection. The vaccines are dated back from it with the label's
lead times (live vaccines at least 4 weeks before, inactivated ones at least 2 weeks before) and
get a reminder a week before their deadline. The tests (hepatitis B, immunoglobulins) have no
date: the label only says "before the first dose", the doctor needs the results first, and the
clinic decides when, so a bot-made deadline would be a guess. A deadline already past is never
"do it now": it is something to talk over with the doctor before the first injection."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

NOTICE = timedelta(days=7)


class Check(StrEnum):
    HEPATITIS_B = "hepatitis_b"
    IMMUNOGLOBULINS = "immunoglobulins"
    LIVE_VACCINES = "live_vaccines"
    INACTIVATED_VACCINES = "inactivated_vaccines"


KIND = {
    Check.HEPATITIS_B: "chk_hepatitis_b",
    Check.IMMUNOGLOBULINS: "chk_antibodies",
    Check.LIVE_VACCINES: "chk_live_vaccine",
    Check.INACTIVATED_VACCINES: "chk_vaccine",
}
"""The outbox kind of each check's reminder."""
CHECK_OF_KIND = {kind: check for check, kind in KIND.items()}
CHECK_PRIORITY = 2

UNDATED = (Check.HEPATITIS_B, Check.IMMUNOGLOBULINS)
"""Before the first injection, when the clinic says: no deadline, no reminder."""
LEAD = {
    Check.LIVE_VACCINES: timedelta(weeks=4),
    Check.INACTIVATED_VACCINES: timedelta(weeks=2),
}
"""How long before the first injection each vaccine must be given by."""


@dataclass(frozen=True)
class Item:
    check: Check
    deadline: date | None  # the last day it can be done in time; None: ask the clinic when
    remind_on: date | None  # when to remind; None when undated or the deadline has passed
    too_late: bool  # past: talk to the doctor before the first injection


def checklist(first_injection: date, today: date) -> list[Item]:
    """Only for a first injection still to come: the undated tests first, then the vaccines by
    deadline, earliest first."""
    if first_injection <= today:
        return []
    items = [Item(check, None, None, False) for check in UNDATED]
    for check, lead in LEAD.items():
        deadline = first_injection - lead
        too_late = deadline < today
        remind_on = None if too_late else max(deadline - NOTICE, today)
        items.append(Item(check, deadline, remind_on, too_late))
    return items
