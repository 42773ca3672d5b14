"""What `/history` shows and the page's adherence: which doses count, their statuses, the
counts and the chart's points. One function builds it for both (read only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine

from bot import chart
from bot.actions.plan import undocumented
from bot.actions.status import status_of
from bot.db import transaction
from bot.domain.adherence import Adherence, Status, summarize
from bot.domain.schedule import Course, build_plan
from bot.domain.timing import local_date
from bot.models import DiaryEntry, Patient
from bot.store import diary, patients


@dataclass(frozen=True)
class HistoryLine:
    number: int
    planned: date
    taken: date | None
    status: Status


@dataclass(frozen=True)
class History:
    """Doses whose timing is settled or open (not those still to come), the counts (None
    when there is no such dose), the chart's points, and the latest diary notes."""

    lines: list[HistoryLine]
    counts: Adherence | None
    points: list[chart.DosePoint]
    notes: Sequence[DiaryEntry]


def history_of(
    patient: Patient, course: Course, now: datetime, notes: Sequence[DiaryEntry] = ()
) -> History:
    today = local_date(now, patient.time_zone)
    lines: list[HistoryLine] = []
    points: list[chart.DosePoint] = []
    for dose in build_plan(course, today, upcoming=1):
        status = status_of(dose, patient, now)
        if status in (Status.UPCOMING, Status.DUE_TODAY) or undocumented(dose):
            continue
        lines.append(HistoryLine(dose.number, dose.planned, dose.taken, status))
        if status in chart.PLOTTED:
            points.append(chart.DosePoint(dose.number, dose.planned, dose.taken, status))
    counts = summarize(line.status for line in lines) if lines else None
    return History(lines, counts, points, notes)


def history(engine: Engine, now: datetime, user_id: int) -> History | None:
    """The patient's history with their latest diary notes; None for someone not enrolled."""
    with transaction(engine) as session:
        patient = patients.get(session, user_id)
        if patient is None:
            return None
        course = patients.course_of(session, patient)
        return history_of(patient, course, now, diary.latest(session, user_id))
