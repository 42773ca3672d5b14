"""What caregivers are sent from the outbox, composed at send time from the patient's state and
the link as they stand then (a revoked caregiver gets nothing; a resolved dose is no news)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot import texts
from bot.delivery import Message
from bot.domain.caregivers import Alert
from bot.domain.outcomes import Outcome
from bot.domain.reminders import Kind, is_stale
from bot.domain.schedule import Course, next_dose
from bot.domain.timing import local_date, local_instant
from bot.keyboards.doses import caregiver_confirm_keyboard
from bot.models import CaregiverLink, Patient
from bot.store import caregivers, doses
from bot.store.outbox import Claimed


def compose(
    session: Session,
    row: Claimed,
    patient: Patient | None,
    course: Course | None,
    link: CaregiverLink | None,
    now: datetime,
) -> tuple[Message | None, Outcome | None]:
    kind = Alert(row.kind)
    if patient is None or course is None:
        return None, Outcome.CANCELLED
    name = patient.first_name or texts.caregivers.the_patient()
    to_patient = row.chat_id == patient.chat_id
    if link is None and not to_patient:
        return None, Outcome.CANCELLED  # revoked or never approved: nothing about the patient
    if link is not None and link.blocked_at is not None:
        return None, Outcome.CANCELLED  # the caregiver blocked the bot
    reachable = not patient.paused and patient.blocked_at is None
    if kind in (Alert.STOPPED, Alert.RESUMED):
        if reachable != (kind is Alert.RESUMED):
            return None, Outcome.SUPERSEDED
        return Message(
            texts.caregivers.caregiver_reachability(name, kind is Alert.RESUMED, patient.paused),
            None,
        ), None
    if kind is Alert.UNDONE:
        if doses.get(session, patient.user_id, row.dose_number or 0) is not None:
            return None, Outcome.SUPERSEDED  # recorded again meanwhile: that notice tells it
        return Message(texts.caregivers.caregiver_undone(name, row.dose_number or 0)), None
    if kind is Alert.CORRECTED:
        record = doses.get(session, patient.user_id, row.dose_number or 0)
        if record is None or row.dose_planned is None or record.taken_on == row.dose_planned:
            return None, Outcome.SUPERSEDED  # undone, or corrected back to what they were told
        return Message(
            texts.caregivers.caregiver_corrected(
                name, record.number, record.taken_on, row.dose_planned
            )
        ), None
    if kind is Alert.CONFIRMED:
        record = doses.get(session, patient.user_id, row.dose_number or 0)
        if record is None:
            return None, Outcome.SUPERSEDED  # undone meanwhile
        by = record.recorded_by
        by_name = None
        if by is not None and by != patient.user_id:
            other = caregivers.link_between(session, patient.user_id, by)
            by_name = other.caregiver_name if other is not None else texts.caregivers.a_caregiver()
        if to_patient:
            return Message(
                texts.caregivers.confirmed_for_you(
                    by_name or texts.caregivers.a_caregiver(), record.number, record.taken_on
                ),
                None,
            ), None
        return Message(
            texts.caregivers.caregiver_confirmed(name, record.number, record.taken_on, by_name),
            None,
        ), None
    if not reachable:
        return None, Outcome.CANCELLED
    current = next_dose(course, local_date(now, patient.time_zone))
    if (row.dose_number, row.dose_planned) != (current.number, current.planned):
        return None, Outcome.SUPERSEDED
    if kind is Alert.HEADS_UP:
        reminder_at = local_instant(current.planned, patient.reminder_time, patient.time_zone)
        if is_stale(Kind.HEADS_UP, row.due_at, now, reminder_at):
            return None, Outcome.STALE
        return Message(
            texts.caregivers.caregiver_heads_up(name, current.number, current.planned), None
        ), None
    markup = None
    if link is not None and link.may_confirm:
        markup = caregiver_confirm_keyboard(name, patient.user_id, current.number, current.planned)
    return Message(
        texts.caregivers.caregiver_missed(
            name, current.number, current.planned, markup is not None
        ),
        markup,
    ), None
