"""Ticking off a pre-start check: stored with the patient, and its pending reminder cancelled
(or planned again when it is un-ticked) in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from bot.db import transaction
from bot.domain.checklist import Check, Item
from bot.models import Patient
from bot.store import checklist


@dataclass(frozen=True)
class Marked:
    """The checklist after the tap; `changed` is False for a repeated tap."""

    items: list[Item]
    changed: bool


def mark(engine: Engine, now: datetime, patient_id: int, check: Check, done: bool) -> Marked | None:
    """None when there is no checklist any more (not enrolled, or treatment started)."""
    with transaction(engine) as session:
        patient = session.get(Patient, patient_id, with_for_update=True)  # two quick taps: in turn
        if patient is None or not checklist.items(patient, now):
            return None
        changed = checklist.mark(session, patient, check, done, now)
        return Marked(checklist.items(patient, now), changed)
