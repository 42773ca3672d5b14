"""A patient's settings: pause and resume, discreet reminders, reminder time, time zone. Each
change re-plans the upcoming reminders at once; recorded injections keep their local dates.
Each returns the patient as changed, or None for someone not enrolled (nothing changed)."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import Engine

from bot.db import transaction
from bot.models import Patient
from bot.store import appointments, conversations, patients, reminders


def pause(engine: Engine, now: datetime, user_id: int) -> Patient | None:
    """No reminders until resumed; the caregivers are told."""
    return _reachability(engine, now, user_id, paused=True)


def resume(engine: Engine, now: datetime, user_id: int) -> Patient | None:
    return _reachability(engine, now, user_id, paused=False)


def set_discreet(engine: Engine, now: datetime, user_id: int, discreet: bool) -> Patient | None:
    """Reminders without the medicine's name (or with it again)."""
    return _reachability(engine, now, user_id, discreet=discreet)


def _reachability(engine: Engine, now: datetime, user_id: int, **changes: bool) -> Patient | None:
    with transaction(engine) as session:
        patient = patients.get(session, user_id)
        if patient is not None:
            reminders.change_reachability(session, patient, now, **changes)
    return patient


def set_reminder_time(engine: Engine, now: datetime, user_id: int, at: time) -> Patient | None:
    """The answer to the settings prompt: the prompt ends either way."""
    return _answer_prompt(engine, now, user_id, reminder_time=at)


def set_time_zone(engine: Engine, now: datetime, user_id: int, zone: str) -> Patient | None:
    """The answer to the settings prompt: the prompt ends either way."""
    return _answer_prompt(engine, now, user_id, time_zone=zone)


def _answer_prompt(
    engine: Engine, now: datetime, user_id: int, **changes: object
) -> Patient | None:
    with transaction(engine) as session:
        patient = patients.get(session, user_id)
        if patient is not None:
            patients.update(session, patient, now, **changes)
            reminders.replan(session, patient, now)
            appointments.replan_all(session, patient, now)
        conversations.drop(session, user_id)
    return patient
