"""The stored dose statuses behind the staff's figures (`bot.domain.dose_statuses`): written
by `replan` in the caller's transaction, so they change exactly when the plan or the settings
do, and counted by `bot.store.figures.recent_doses`."""

from __future__ import annotations

from sqlmodel import Session, col, delete, select

from bot.domain.dose_statuses import CountedDose, counted_doses
from bot.domain.schedule import Course
from bot.models import DoseStatus, Patient


def rows_for(patient_id: int, counted: list[CountedDose]) -> list[dict[str, object]]:
    """The table's rows as plain values (also for bulk inserts: the migration, benchmarks)."""
    return [
        {
            "patient_id": patient_id,
            "number": dose.number,
            "status": dose.status.value,
            "counts_from": dose.counts_from,
            "counts_until": dose.counts_until,
        }
        for dose in counted
    ]


def write(session: Session, patient: Patient, course: Course) -> None:
    """Bring the patient's rows in line with their course and settings, touching only rows that
    changed (a recorded dose changes two: it is taken, and the next one is the untaken one)."""
    wanted = {
        dose.number: dose
        for dose in counted_doses(
            course,
            zone=patient.time_zone,
            reminder_time=patient.reminder_time,
            enrolled_at=patient.enrolled_at,
        )
    }
    stored = session.exec(select(DoseStatus).where(DoseStatus.patient_id == patient.user_id)).all()
    gone = [row.number for row in stored if row.number not in wanted]
    if gone:
        session.exec(
            delete(DoseStatus).where(
                col(DoseStatus.patient_id) == patient.user_id, col(DoseStatus.number).in_(gone)
            )
        )
    have = {row.number: row for row in stored}
    for number, dose in wanted.items():
        row = have.get(number) or DoseStatus(
            patient_id=patient.user_id, number=number, status="", counts_until=dose.counts_until
        )
        if (row.status, row.counts_from, row.counts_until) != (
            dose.status.value,
            dose.counts_from,
            dose.counts_until,
        ):
            row.status = dose.status.value
            row.counts_from, row.counts_until = dose.counts_from, dose.counts_until
            session.add(row)
    session.flush()
