"""The page's data for one person (`GET <base>api/state`, and the `state` of every answer):
the same plan, next dose, undo, history and diary the chat shows, read through the same
actions and stores, as JSON (docs/webapp.md). Read only."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from bot.actions.doses import undoable
from bot.actions.history import history_of
from bot.actions.plan import next_of, plan_rows
from bot.db import transaction
from bot.domain.appointments import AppointmentKind
from bot.domain.schedule import Phase
from bot.models import Patient
from bot.store import appointments, diary, languages, patients, pen
from bot.texts import appointments as appointment_texts
from bot.texts import common, schedule
from bot.texts.language import speaking
from bot.webapp.plain import plain

Json = dict[str, Any]
DIARY_SHOWN = 50


def iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def hhmm(at: time) -> str:
    return at.strftime("%H:%M")


def state(engine: Engine, now: datetime, user_id: int, fallback_language: str) -> Json:
    """Everything the page shows; `{"enrolled": false, "language": …}` for someone without a
    plan of their own (a caregiver sees nothing here)."""
    with transaction(engine) as session:
        patient = patients.get(session, user_id)
        stored = languages.of_many(session, [user_id]).get(user_id)
        code = stored or fallback_language
        if patient is None:
            return {"enrolled": False, "language": code}
        course = patients.course_of(session, patient)
        undo = undoable(session, patient)
        booked = appointments.upcoming(session, patient, now)
        periods = pen.periods(session, user_id)
        notes = diary.latest(session, user_id, DIARY_SHOWN)
    rows = plan_rows(patient, course, now)
    upcoming = next_of(patient, course, now)
    history = history_of(patient, course, now)
    zone = ZoneInfo(patient.time_zone)
    with speaking(code):
        names: dict[str, str] = {
            kind.value: plain(appointment_texts.kind_name(kind)) for kind in AppointmentKind
        }
        words = {
            "timing": plain(common.timing_is_our_reading()),
            "provisional": plain(schedule.provisional_note()),
        }
    counts = history.counts
    return {
        "enrolled": True,
        "language": code,
        "today": upcoming.today.isoformat(),
        "settings": settings_of(patient, code),
        "next": {
            "number": upcoming.dose.number,
            "planned": upcoming.dose.planned.isoformat(),
            "reminder_time": hhmm(patient.reminder_time),
            "days_to_go": (upcoming.dose.planned - upcoming.today).days,
            "phase": upcoming.dose.phase.value,
            "phase_index": upcoming.dose.number
            if upcoming.dose.phase is Phase.LOADING
            else upcoming.dose.number - 3,
            "phase_of": 3 if upcoming.dose.phase is Phase.LOADING else None,
            "status": upcoming.status.value,
            "provisional": upcoming.dose.provisional,
            "due": upcoming.due,
        },
        "undo": None if undo is None else {"number": undo},
        "doses": [
            {
                "number": row.dose.number,
                "planned": row.dose.planned.isoformat(),
                "taken": iso(row.dose.taken),
                "status": row.status.value,
                "provisional": row.dose.provisional,
            }
            for row in rows
            if row.status is not None
        ],
        "appointments": [
            {
                "id": found.id,
                "day": found.day.isoformat(),
                "at": hhmm(found.at),
                "kind": found.kind,
                "name": names.get(found.kind, found.kind),
                "note": found.note,
            }
            for found in booked
        ],
        "pen_periods": [
            {
                "number": period.dose_number,
                "start": period.removed_at.astimezone(zone).date().isoformat(),
                "end": iso(period.closed_at.astimezone(zone).date() if period.closed_at else None),
            }
            for period in periods
        ],
        "adherence": {
            "on_time": counts.on_time if counts else 0,
            "early": counts.early if counts else 0,
            "late": counts.late if counts else 0,
            "missed": counts.missed if counts else 0,
            "points": [
                {
                    "number": point.number,
                    "planned": point.planned.isoformat(),
                    "taken": iso(point.taken),
                    "status": point.status.value,
                }
                for point in history.points
            ],
        },
        "diary": [{"day": note.noted_on.isoformat(), "text": note.text} for note in notes],
        "notes": words,
    }


def settings_of(patient: Patient, code: str) -> Json:
    return {
        "reminder_time": hhmm(patient.reminder_time),
        "time_zone": patient.time_zone,
        "discreet": patient.discreet,
        "language": code,
        "paused": patient.paused,
    }
