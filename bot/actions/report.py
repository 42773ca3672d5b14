"""/report: the patient's own records gathered into a `Report` (one read-only transaction),
then drawn as a PDF. Nothing is written: the report exists only in the patient's chat.

Each section of the report is fed by a sequence of plain rows (bot.domain.report); a new
kind of record (appointments) needs a reader here and nothing else."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session

from bot import chart, places, report_pdf
from bot.actions.status import status_of
from bot.db import transaction
from bot.domain.report import (
    AppointmentRow,
    Injection,
    Naming,
    NoteRow,
    Paper,
    PenRow,
    Period,
    Report,
    build_report,
    paper_for,
    period_start,
)
from bot.domain.schedule import build_plan
from bot.domain.timing import local_date
from bot.models import Patient
from bot.store import appointments, diary, doses, patients
from bot.store import pen as pens

PRINT_DPI = 200
"""The chart is drawn at twice the phone's resolution, so it prints sharp."""


@dataclass(frozen=True)
class Gathered:
    """A report ready to draw, on the paper the patient most likely prints on."""

    report: Report
    paper: Paper


def gather(
    engine: Engine, now: datetime, patient_id: int, period: Period, naming: Naming
) -> Gathered | None:
    """The report of `period` up to the patient's today; None for someone not enrolled."""
    with transaction(engine) as session:
        patient = patients.get(session, patient_id)
        if patient is None:
            return None
        course = patients.course_of(session, patient)
        today = local_date(now, patient.time_zone)
        start = period_start(period, today, patient.first_injection)
        plan = build_plan(course, today, upcoming=1)
        report = build_report(
            period=period,
            today=today,
            made_at=now.astimezone(ZoneInfo(patient.time_zone)),
            first_injection=patient.first_injection,
            plan=[(dose, status_of(dose, patient, now)) for dose in plan],
            injections={
                number: Injection(injector, site)
                for number, (injector, site) in doses.injections(session, patient_id).items()
            },
            name=patient.first_name if naming is Naming.WITH else None,
            notes=_notes(session, patient, start),
            pens=_pens(session, patient),
            appointments=_appointments(session, patient, start),
        )
    return Gathered(report, paper_for(places.country_of(patient.time_zone)))


def _notes(session: Session, patient: Patient, start: date) -> list[NoteRow]:
    return [
        NoteRow(note.noted_on, note.text, note.checkin_dose)
        for note in diary.since(session, patient.user_id, start)
    ]


def _pens(session: Session, patient: Patient) -> list[PenRow]:
    zone = ZoneInfo(patient.time_zone)
    return [
        PenRow(
            period.dose_number,
            period.removed_at.astimezone(zone),
            period.closed_at.astimezone(zone) if period.closed_at else None,
            period.outcome,
        )
        for period in pens.periods(session, patient.user_id)
    ]


def _appointments(session: Session, patient: Patient, start: date) -> Sequence[AppointmentRow]:
    """The patient's visits and tests from `start` on, those still to come included (the
    neurologist sees what is planned too)."""
    return [
        AppointmentRow(found.day, found.at, found.kind, found.note)
        for found in appointments.for_patient(session, patient.user_id)
        if found.day >= start
    ]


def draw(
    gathered: Gathered, labels: report_pdf.ReportLabels, chart_labels: chart.ChartLabels
) -> bytes:
    """The PDF with its chart (when a dose in the period is settled). Blocking: run it in a
    worker thread."""
    points = [
        chart.DosePoint(row.number, row.planned, row.taken, row.status)
        for row in gathered.report.doses
        if row.status in chart.PLOTTED
    ]
    png = chart.adherence_png(points, chart_labels, dpi=PRINT_DPI) if points else None
    return report_pdf.render(gathered.report, labels, png, gathered.paper)
