"""At most MAX_OPEN_INVITES caregiver links wait to be opened at one time: which invites count
as open (not used, cancelled or expired), under a fixed clock, on each database backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from bot.db import transaction
from bot.domain.caregivers import INVITE_VALID_FOR, MAX_OPEN_INVITES
from bot.models import Patient
from bot.store import caregivers
from tests.support import factories

T0 = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
PATIENT, OTHER_PATIENT, CAREGIVER = 1, 4, 2


@pytest.fixture
def engine(engine: Engine) -> Engine:
    """The shared database, with two patients enrolled."""
    for user_id in (PATIENT, OTHER_PATIENT):
        factories.enrol(engine, user_id, T0, plan=False)
    return engine


def open_ids(engine: Engine, patient_id: int, now: datetime) -> list[int]:
    with transaction(engine) as session:
        patient = session.get(Patient, patient_id)
        return [invite.id or 0 for invite in caregivers.open_invites(session, patient, now)]


def invite(engine: Engine, patient_id: int, at: datetime) -> tuple[str, int]:
    with transaction(engine) as session:
        token, row = caregivers.create_invite(session, session.get(Patient, patient_id), at)
    return token, row.id or 0


def test_only_waiting_invites_count(engine: Engine) -> None:
    assert MAX_OPEN_INVITES == 3
    old_created = T0 - INVITE_VALID_FOR + timedelta(minutes=5)
    _, old = invite(engine, PATIENT, old_created)
    token, used = invite(engine, PATIENT, T0)
    _, cancelled = invite(engine, PATIENT, T0 + timedelta(minutes=1))
    _, waiting = invite(engine, PATIENT, T0 + timedelta(minutes=2))
    invite(engine, OTHER_PATIENT, T0)  # someone else's
    now = T0 + timedelta(minutes=3)
    assert open_ids(engine, PATIENT, now) == [old, used, cancelled, waiting], "oldest first"
    with transaction(engine) as session:
        link, problem = caregivers.redeem(session, token, CAREGIVER, "Ben", now)
        assert problem is None and link is not None
        assert caregivers.revoke_invite(session, PATIENT, cancelled, now)
    assert open_ids(engine, PATIENT, now) == [old, waiting]
    assert open_ids(engine, PATIENT, T0 + timedelta(minutes=5)) == [waiting], "old has expired"
    expiry = T0 + timedelta(minutes=2) + INVITE_VALID_FOR
    assert open_ids(engine, PATIENT, expiry - timedelta(seconds=1)) == [waiting]
    assert open_ids(engine, PATIENT, expiry) == [], "closed exactly when the link stops working"
