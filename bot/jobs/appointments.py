"""Appointment reminders, composed at send time against the appointment as it stands: nothing
for one cancelled or moved (its row is superseded), for a time already begun or a day-before
note found too late (stale), or to a caregiver the patient no longer shares it with. The row
that comes due when a repeating test has passed sends nothing: it moves the test on."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot import texts
from bot.delivery import Message
from bot.domain.appointments import AppointmentAlert, AppointmentKind, caregivers_hear, is_stale
from bot.domain.appointments import starts_at as start_of
from bot.domain.outcomes import Outcome
from bot.models import CaregiverLink, Patient
from bot.store import appointments
from bot.store.outbox import Claimed

KINDS = appointments.KINDS


def compose(
    session: Session,
    row: Claimed,
    patient: Patient | None,
    link: CaregiverLink | None,
    now: datetime,
) -> tuple[Message | None, Outcome | None]:
    if patient is None or row.dose_number is None:
        return None, Outcome.CANCELLED
    found = appointments.own(session, patient.user_id, row.dose_number)
    if found is None:
        return None, Outcome.CANCELLED  # cancelled meanwhile
    alert = AppointmentAlert(row.kind)
    if alert is AppointmentAlert.NEXT:  # sends nothing, so a blocked bot does not stop it
        if found.day == row.dose_planned:
            appointments.move_on(session, patient, found, now)
        return None, Outcome.SUPERSEDED  # nothing to send: the test moved on, or was moved
    if patient.blocked_at is not None:
        return None, Outcome.CANCELLED  # planned again when they come back
    if found.day != row.dose_planned:
        return None, Outcome.SUPERSEDED
    start = start_of(found.day, found.at, patient.time_zone)
    if is_stale(alert, row.due_at, start, now):
        return None, Outcome.STALE
    kind = AppointmentKind(found.kind)
    soon = alert is AppointmentAlert.SOON
    if row.chat_id == patient.chat_id:
        text = texts.appointments.reminder(
            kind, found.note, found.day, found.at, soon, patient.discreet
        )
        return Message(text), None
    told = link is not None and caregivers_hear(
        found.share, link.approved_at is not None, link.blocked_at is not None
    )
    if not told:
        return None, Outcome.CANCELLED
    name = patient.first_name or texts.caregivers.the_patient()
    text = texts.appointments.caregiver_reminder(
        name, kind, found.note, found.day, found.at, soon, patient.discreet
    )
    return Message(text), None
