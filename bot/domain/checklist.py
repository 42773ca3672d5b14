"""The checks before a first injection, dated back from it. The lead times of the vaccines are
the label's (live vaccines at least 4 weeks before, inactivated ones at least 2 weeks before);
the tests (hepatitis B, immunoglobulins) only need to be done before the first dose. Each item
gets a reminder a week before its deadline. A deadline already past is never "do it now": it is
something to talk over with the doctor before the first injection."""

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

LEAD = {
    Check.HEPATITIS_B: timedelta(days=1),
    Check.IMMUNOGLOBULINS: timedelta(days=1),
    Check.LIVE_VACCINES: timedelta(weeks=4),
    Check.INACTIVATED_VACCINES: timedelta(weeks=2),
}
"""How long before the first injection each check must be done by (tests: the day before)."""


@dataclass(frozen=True)
class Item:
    check: Check
    deadline: date  # the last day it can be done in time
    remind_on: date | None  # when to remind; None when the deadline has passed
    too_late: bool  # past: talk to the doctor before the first injection


def checklist(first_injection: date, today: date) -> list[Item]:
    """Only for a first injection still to come; ordered by deadline, earliest first."""
    if first_injection <= today:
        return []
    items = []
    for check, lead in LEAD.items():
        deadline = first_injection - lead
        too_late = deadline < today
        remind_on = None if too_late else max(deadline - NOTICE, today)
        items.append(Item(check, deadline, remind_on, too_late))
    return sorted(items, key=lambda item: (item.deadline, list(Check).index(item.check)))
