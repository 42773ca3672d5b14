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


def set_reminder_time(
    engine: Engine, now: datetime, user_id: int, at: time, *, prompt: bool = True
) -> Patient | None:
    """The answer to the settings prompt (`prompt`: it ends either way) or the page's."""
    return _change(engine, now, user_id, prompt, reminder_time=at)


def set_time_zone(
    engine: Engine, now: datetime, user_id: int, zone: str, *, prompt: bool = True
) -> Patient | None:
    """The answer to the settings prompt (`prompt`: it ends either way) or the page's."""
    return _change(engine, now, user_id, prompt, time_zone=zone)


def _change(
    engine: Engine, now: datetime, user_id: int, prompt: bool, **changes: object
) -> Patient | None:
    with transaction(engine) as session:
        patient = patients.get(session, user_id)
        if patient is not None:
            patients.update(session, patient, now, **changes)
            reminders.replan(session, patient, now)
            appointments.replan_all(session, patient, now)
        if prompt:
            conversations.drop(session, user_id)
    return patient
