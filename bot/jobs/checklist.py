"""A pre-start check's reminder, composed at send time: only while the first injection is
still ahead and the check is dated, not ticked off and can still be done in time (a test's
reminder planned before the tests lost their date is dropped). It carries a button to tick
the check off from there."""

from __future__ import annotations

from datetime import datetime

from bot import texts
from bot.delivery import Message
from bot.domain.checklist import CHECK_OF_KIND, checklist, read_done
from bot.domain.outcomes import Outcome
from bot.domain.timing import local_date
from bot.keyboards.checklist import reminder_keyboard
from bot.models import Patient
from bot.store.outbox import Claimed


def compose(
    row: Claimed, patient: Patient | None, now: datetime
) -> tuple[Message | None, Outcome | None]:
    if patient is None or patient.blocked_at is not None:
        return None, Outcome.CANCELLED
    check = CHECK_OF_KIND[row.kind]
    items = {
        item.check: item
        for item in checklist(
            patient.first_injection,
            local_date(now, patient.time_zone),
            read_done(patient.checks_done),
        )
    }
    item = items.get(check)
    if (
        item is None
        or item.done
        or item.deadline is None
        or item.too_late
        or item.deadline != row.dose_planned
    ):
        return None, Outcome.SUPERSEDED
    return Message(
        texts.care.checklist_reminder(check, item.deadline, patient.first_injection),
        reminder_keyboard(check),
    ), None
