"""The plan as a patient sees it, for `/schedule`, `/next` and the patient's page alike: which
doses are shown with which status, and the next dose with its reminder. One reading, so the
chat and the page never disagree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.actions.status import status_of
from bot.domain.adherence import Status
from bot.domain.schedule import Course, PlannedDose, build_plan, next_dose
from bot.domain.timing import local_date, local_instant
from bot.models import Patient

UPCOMING = 12
"""How many doses ahead `/schedule` and the page show (about a year)."""


@dataclass(frozen=True)
class PlanRow:
    """A dose of the plan and its status; `status` None for an injection before enrolment
    whose date was never recorded (the chat folds those into one line, the page leaves
    them out)."""

    dose: PlannedDose
    status: Status | None


@dataclass(frozen=True)
class NextDose:
    """The dose the reminders are about, with its reminder in the patient's local time."""

    dose: PlannedDose
    status: Status
    today: date
    reminder_at: datetime  # local, in the patient's zone
    left: timedelta  # from now to the reminder (negative once it has passed)

    @property
    def due(self) -> bool:
        """Whether the ✅ would be accepted now: planned today or earlier (`due_only`)."""
        return self.dose.planned <= self.today


def undocumented(dose: PlannedDose) -> bool:
    """An injection before enrolment whose date is not known: neither shown nor counted."""
    return dose.before_enrolment and dose.taken is None


def plan_rows(patient: Patient, course: Course, now: datetime) -> list[PlanRow]:
    """Recorded doses, then a year ahead, each with its status."""
    today = local_date(now, patient.time_zone)
    return [
        PlanRow(dose, None if undocumented(dose) else status_of(dose, patient, now))
        for dose in build_plan(course, today, upcoming=UPCOMING)
    ]


def next_of(patient: Patient, course: Course, now: datetime) -> NextDose:
    today = local_date(now, patient.time_zone)
    dose = next_dose(course, today)
    reminder_at = local_instant(dose.planned, patient.reminder_time, patient.time_zone)
    return NextDose(
        dose,
        status_of(dose, patient, now),
        today,
        reminder_at.astimezone(ZoneInfo(patient.time_zone)),
        reminder_at - now,
    )
