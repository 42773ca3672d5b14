"""A diary note, from `/log` or the patient's page: its safety triage (read before anything
is written, so the advice never waits for the database) and the write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine

from bot.db import transaction
from bot.domain.conversations import FlowName
from bot.domain.timing import local_date
from bot.domain.triage import Urgency, triage_answer
from bot.store import conversations, diary, patients

MAX_LENGTH = 500


@dataclass(frozen=True)
class Reading:
    """A typed note as the diary takes it: its words on one line, how urgent it sounds, and
    whether it is too long to keep (the advice is owed either way)."""

    text: str
    urgency: Urgency
    too_long: bool


def read(text: str) -> Reading:
    return Reading(" ".join(text.split()), triage_answer(text), len(text) > MAX_LENGTH)


def add(engine: Engine, now: datetime, user_id: int, text: str) -> date | None:
    """Write the note on the patient's today (returned; None for someone not enrolled). A
    `/log` question still waiting for a note is answered by it."""
    with transaction(engine) as session:
        patient = patients.get(session, user_id)
        day = local_date(now, patient.time_zone) if patient is not None else None
        if patient is not None and day is not None:
            diary.add(session, patient, text, day, now)
        conversations.resume(session, user_id, FlowName.DIARY, now)
    return day
