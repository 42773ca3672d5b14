"""The checks before a first injection. The vaccines are dated back from it with the label's
lead times (live vaccines at least 4 weeks before, inactivated ones at least 2 weeks before) and
get a reminder a week before their deadline, unless the patient ticked them off first or that
week had already begun when the list was shown (the list itself was the notice). The tests
(hepatitis B, immunoglobulins) have no date: the label only says "before the first dose", the
doctor needs the results first, and the clinic decides when, so a bot-made deadline would be
a guess. A deadline already past is never "do it now", nor a past date shown as a to-do: it is
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
    remind_on: date | None  # a later day to remind on; None: undated, done, or no notice left
    too_late: bool  # past: talk to the doctor before the first injection
    done: bool = False  # the patient ticked it off


def checklist(
    first_injection: date, today: date, done: frozenset[Check] = frozenset()
) -> list[Item]:
    """Only for a first injection still to come: the undated tests first, then the vaccines by
    deadline, earliest first. A reminder only on a day after `today` (a reminder the same
    day the list was shown would repeat it) and only for what is not `done`."""
    if first_injection <= today:
        return []
    items = [Item(check, None, None, False, check in done) for check in UNDATED]
    for check, lead in LEAD.items():
        deadline = first_injection - lead
        notice = deadline - NOTICE
        remind_on = notice if notice > today and check not in done else None
        items.append(Item(check, deadline, remind_on, deadline < today, check in done))
    return items


def read_done(stored: str) -> frozenset[Check]:
    """The checks ticked off, from their stored form (values an older version wrote and this one
    does not know are left out)."""
    known = {check.value: check for check in Check}
    return frozenset(known[value] for value in stored.split(",") if value in known)


def write_done(done: frozenset[Check]) -> str:
    """The stored form: the checks' values in a fixed order, comma-separated."""
    return ",".join(check.value for check in Check if check in done)
