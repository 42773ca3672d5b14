"""A planned dose's status for a stored patient: the domain's rule fed with the patient's
settings (the domain knows no models, the handlers no rules)."""

from __future__ import annotations

from datetime import datetime

from bot.domain.adherence import Status, status_for
from bot.domain.schedule import PlannedDose
from bot.models import Patient


def status_of(dose: PlannedDose, patient: Patient, now: datetime) -> Status:
    return status_for(
        dose,
        now=now,
        zone=patient.time_zone,
        reminder_time=patient.reminder_time,
        enrolled_at=patient.enrolled_at,
    )
