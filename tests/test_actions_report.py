"""/report's gathering from the database: the patient's appointments (past ones in the period
and those still to come) reach the PDF, worded in the patient's language, an "other" one with
its note; one before the period stays out."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time

from pypdf import PdfReader
from sqlalchemy import Engine

from bot.actions.report import draw, gather
from bot.db import transaction
from bot.domain.appointments import AppointmentKind
from bot.domain.report import Naming, Period
from bot.store import appointments, patients
from bot.texts import report as words
from bot.texts.language import speaking
from tests.support import factories

NOW = datetime(2026, 12, 5, 10, tzinfo=UTC)


def book(engine: Engine, kind: AppointmentKind, day: date, note: str | None = None) -> None:
    with transaction(engine) as session:
        patient = patients.get(session, 4101)
        assert patient is not None
        appointments.add(
            session, patient, NOW, kind=kind, note=note, day=day, at=time(9, 30), every_months=None
        )


def test_appointments_in_the_period_and_to_come_are_in_the_report(engine: Engine) -> None:
    factories.enrol(engine, 4101, datetime(2026, 1, 5, 8, tzinfo=UTC), first=date(2026, 1, 5))
    book(engine, AppointmentKind.NEUROLOGIST, date(2026, 1, 20))
    book(engine, AppointmentKind.MRI, date(2026, 10, 2))
    book(engine, AppointmentKind.OTHER, date(2027, 1, 14), note="eye doctor")

    gathered = gather(engine, NOW, 4101, Period.MONTHS_3, Naming.WITHOUT)
    assert gathered is not None
    assert [(row.day, row.kind) for row in gathered.report.appointments] == [
        (date(2026, 10, 2), "mri"),
        (date(2027, 1, 14), "other"),
    ]
    for code, mri, other in (("en", "MRI scan", "Other: eye doctor"), ("de", "MRT", "Sonstiges")):
        with speaking(code):
            pdf = draw(gathered, words.labels(gathered.report), words.chart_labels())
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        assert mri in text and other in text and "09:30" in text
        assert "Neurolog" not in text, "the visit before the period stays out"
