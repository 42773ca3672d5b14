"""Doses: recording one (by the patient or an allowed caregiver), correcting its date, undoing
it, noting who injected where, and snoozing its reminder. Each checks the tap against the plan
as it stands and re-plans the reminders in the same transaction. A recorded dose takes a pen
from the patient's pens at home (/pens) and its undo gives it back, in that transaction too."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.db import transaction
from bot.domain.reminders import Snooze, snooze_until
from bot.domain.schedule import (
    PlannedDose,
    ShortGap,
    TakenDateProblem,
    check_recorded_date,
    next_dose,
    recorded_on,
    short_gap,
)
from bot.domain.sites import Injector, Site
from bot.domain.timing import local_date
from bot.models import Patient
from bot.store import caregivers, checkins, conversations, doses, patients, reminders
from bot.store import pen_stock as stocks


class Refusal(StrEnum):
    """Why a dose was not recorded or corrected; nothing changed."""

    NOT_ENROLLED = "not_enrolled"
    ALREADY_RECORDED = "already_recorded"
    STALE = "stale"  # the tap names a dose that is no longer the current one
    NOT_DUE = "not_due"  # `dose` says which one is next
    DATE_PROBLEM = "date_problem"  # `problem` says what is wrong with the date
    EXPIRED = "expired"  # nothing (any more) to correct
    UNREADABLE = "unreadable"  # the typed date was not understood; `today` is the patient's
    SAME_DAY = "same_day"  # `recorded` names the dose already recorded on that date


@dataclass(frozen=True)
class Refused:
    reason: Refusal
    dose: PlannedDose | None = None
    problem: TakenDateProblem | None = None
    today: date | None = None
    recorded: tuple[int, date] | None = None


@dataclass(frozen=True)
class Recorded:
    """Dose `number` stands as injected on `day`; `following` is the next one as re-planned;
    `gap` says whether it came sooner than the label's spacing."""

    number: int
    day: date
    following: PlannedDose
    gap: ShortGap | None


class UndoOutcome(StrEnum):
    UNDONE = "undone"
    NOT_LATEST = "not_latest"  # recorded, but not (or no longer) undoable
    EXPIRED = "expired"  # no such record


@dataclass(frozen=True)
class Snoozed:
    until: datetime
    time_zone: str


class _Refuse(Exception):
    """Leaves the transaction (rolled back) with the refusal."""

    def __init__(self, refused: Refused) -> None:
        super().__init__(refused.reason.value)
        self.refused = refused


def record_dose(
    engine: Engine,
    now: datetime,
    patient_id: int,
    *,
    number: int | None,
    planned: date | None,
    source: str,
    day: date | None = None,
    due_only: bool = False,
    by: int | None = None,
) -> Recorded | Refused:
    """Record the patient's current dose (which must be `number` as planned on `planned`, when
    given) as injected on `day` (default: their today), by `by` (default: the patient), in one
    transaction with the re-plan, the caregivers' news and the check-in it implies."""
    try:
        with transaction(engine) as session:
            patient = patients.get(session, patient_id)
            if patient is None:
                raise _Refuse(Refused(Refusal.NOT_ENROLLED))
            today = local_date(now, patient.time_zone)
            course = patients.course_of(session, patient)
            current = next_dose(course, today)
            if number is not None and (current.number, current.planned) != (number, planned):
                recorded = doses.get(session, patient_id, number) is not None
                raise _Refuse(Refused(Refusal.ALREADY_RECORDED if recorded else Refusal.STALE))
            if due_only and current.planned > today:
                raise _Refuse(Refused(Refusal.NOT_DUE, dose=current))
            day = day or today
            repeated = recorded_on(course, day)
            if repeated is not None:
                raise _Refuse(Refused(Refusal.SAME_DAY, recorded=(repeated, day)))
            problem = check_recorded_date(course, current.number, day, today)
            if problem is not None:
                raise _Refuse(Refused(Refusal.DATE_PROBLEM, problem=problem))
            gap = short_gap(course, current.number, day)
            by = by or patient_id
            doses.add(session, patient, current.number, day, now, by=by, source=source)
            stocks.use(session, patient_id, current.number, now)  # with the record: once
            following = reminders.replan(session, patient, now)
            stocks.replan_reorder(session, patient, now)
            caregivers.tell_recorded(session, patient, current, now, by=by)
            checkins.plan(session, patient, current.number, day, now)
    except _Refuse as refusal:
        return refusal.refused
    except IntegrityError:  # the same dose recorded at the same moment elsewhere
        return Refused(Refusal.ALREADY_RECORDED)
    return Recorded(current.number, day, following, gap)


def correct_dose(
    engine: Engine,
    now: datetime,
    patient_id: int,
    number: int,
    choose_day: Callable[[date], date | None],
) -> Recorded | Refused:
    """Move dose `number` to the day `choose_day` picks given the patient's today (None: not
    understood), if it fits between the neighbouring doses; the plan follows it. The
    correction conversation ends unless the answer was unreadable or the date refused."""
    with transaction(engine) as session:
        patient = patients.get(session, patient_id)
        record = doses.get(session, patient_id, number) if patient else None
        if patient is None or record is None or number <= patient.enrolled_after:
            conversations.drop(session, patient_id)
            return Refused(Refusal.EXPIRED)
        today = local_date(now, patient.time_zone)
        day = choose_day(today)
        if day is None:
            return Refused(Refusal.UNREADABLE, today=today)
        course = patients.course_of(session, patient)
        problem = check_recorded_date(course, number, day, today)
        if problem is not None:
            return Refused(Refusal.DATE_PROBLEM, problem=problem)
        gap = short_gap(course, number, day)
        before = record.taken_on
        doses.move(session, record, day)
        conversations.drop(session, patient_id)
        following = reminders.replan(session, patient, now)
        stocks.replan_reorder(session, patient, now)  # the dates moved, not the pens
        if day != before:
            caregivers.tell_changed(session, patient, number, before, now, undone=False)
    return Recorded(number, day, following, gap)


def undo_dose(engine: Engine, now: datetime, patient_id: int, number: int) -> UndoOutcome:
    """Remove the latest recorded dose (not one known from before enrolment) and re-plan."""
    with transaction(engine) as session:
        patient = patients.get(session, patient_id)
        record = doses.get(session, patient_id, number) if patient else None
        if patient is None or record is None:
            return UndoOutcome.EXPIRED
        if undoable(session, patient) != number:
            return UndoOutcome.NOT_LATEST
        before = record.taken_on
        doses.remove(session, patient_id, number)
        checkins.cancel(session, patient_id, number, now)
        stocks.give_back(session, patient_id, number, now)
        reminders.replan(session, patient, now)
        stocks.replan_reorder(session, patient, now)
        caregivers.tell_changed(session, patient, number, before, now, undone=True)
    return UndoOutcome.UNDONE


def undoable(session: Session, patient: Patient) -> int | None:
    """The dose an undo may remove now: the latest recorded one, unless it is known from
    before enrolment (the chat's undo button and the page's alike)."""
    latest = doses.latest_number(session, patient.user_id)
    return latest if latest > patient.enrolled_after else None


def note_site(
    engine: Engine, patient_id: int, number: int, injector: Injector, site: Site
) -> list[Site] | None:
    """Who injected dose `number` and where; the recent sites (newest first) to suggest the
    next one from, or None if the dose is not recorded."""
    with transaction(engine) as session:
        record = doses.get(session, patient_id, number)
        if record is None:
            return None
        doses.note_injection(session, record, injector.value, site.value)
        return [Site(value) for value in doses.recent_sites(session, patient_id)]


def snooze(
    engine: Engine, now: datetime, patient_id: int, number: int, planned: date, choice: Snooze
) -> Snoozed | None:
    """A reminder again later, if the tap is about the patient's current dose (else None)."""
    with transaction(engine) as session:
        patient, current = _current(session, patient_id, number, planned, now)
        if patient is None or current is None:
            return None
        until = snooze_until(choice, now, patient.time_zone, patient.reminder_time)
        reminders.snooze(session, patient, current, until, now)
    return Snoozed(until, patient.time_zone)


def _current(
    session: Session, patient_id: int, number: int, planned: date, now: datetime
) -> tuple[Patient | None, PlannedDose | None]:
    """The patient, and the dose a tap is about if it is still their current one."""
    patient = patients.get(session, patient_id)
    if patient is None:
        return None, None
    current = next_dose(patients.course_of(session, patient), local_date(now, patient.time_zone))
    if (current.number, current.planned) != (number, planned):
        return patient, None
    return patient, current
