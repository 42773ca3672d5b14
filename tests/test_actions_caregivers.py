"""The caregiver actions against a real database under a fixed clock: only the right side of a
link can change it, and the caregiver's alerts follow each change (re-planned when the plan
writes them)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from bot.actions import caregivers as actions
from bot.actions.caregivers import AlertChoice
from bot.db import transaction
from bot.domain.caregivers import Alert
from bot.models import CaregiverLink, Patient
from bot.store import caregivers
from tests.support import factories
from tests.support.pending import pending, pending_ids

PATIENT, CAREGIVER, STRANGER = 1, 2, 3
T0 = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)  # before dose 1's heads-up (the day before, 10:00)


@pytest.fixture
def engine(engine: Engine) -> Engine:
    factories.enrol(engine, PATIENT, T0)
    return engine


def request(engine: Engine) -> int:
    """A caregiver opened the patient's invite: a pending link; its id."""
    with transaction(engine) as session:
        patient = session.get(Patient, PATIENT)
        assert patient is not None
        token, _ = caregivers.create_invite(session, patient, T0)
    with transaction(engine) as session:
        link, problem = caregivers.redeem(session, token, CAREGIVER, "Ben", T0)
    assert problem is None and link is not None and link.id is not None
    return link.id


def approved(engine: Engine) -> int:
    link_id = request(engine)
    assert actions.approve_caregiver(engine, T0, PATIENT, link_id) is not None
    return link_id


def stored(engine: Engine, link_id: int) -> CaregiverLink | None:
    with transaction(engine) as session:
        return session.get(CaregiverLink, link_id)


def alerts(engine: Engine) -> list[str]:
    return [kind for kind, _, _ in pending(engine, CAREGIVER)]


def test_approving_a_request_replans_the_caregivers_alerts(engine: Engine) -> None:
    link_id = request(engine)
    assert alerts(engine) == []
    assert actions.approve_caregiver(engine, T0, STRANGER, link_id) is None, "not their link"
    approval = actions.approve_caregiver(engine, T0, PATIENT, link_id)
    assert approval is not None and approval.link.approved_at == T0
    assert approval.patient is not None and approval.patient.user_id == PATIENT
    link = stored(engine, link_id)
    assert link is not None and link.approved_at == T0
    assert alerts(engine) == [Alert.MISSED], "the current dose's missed alert includes them"
    assert actions.approve_caregiver(engine, T0, PATIENT, link_id) is None, "decided already"
    assert actions.decline_caregiver(engine, T0, PATIENT, link_id) is None


def test_declining_a_request_removes_the_link(engine: Engine) -> None:
    link_id = request(engine)
    declined = actions.decline_caregiver(engine, T0, PATIENT, link_id)
    assert declined is not None and declined.link.caregiver_name == "Ben"
    assert stored(engine, link_id) is None
    assert alerts(engine) == []


def test_revoking_removes_the_link_and_its_alerts(engine: Engine) -> None:
    link_id = approved(engine)
    assert actions.revoke_caregiver(engine, T0, STRANGER, link_id) is None
    assert stored(engine, link_id) is not None
    revoked = actions.revoke_caregiver(engine, T0, PATIENT, link_id)
    assert revoked is not None and revoked.link.caregiver_id == CAREGIVER
    assert stored(engine, link_id) is None
    assert alerts(engine) == []


def test_allowing_to_confirm_flips_only_for_an_approved_link(engine: Engine) -> None:
    link_id = request(engine)
    assert actions.toggle_confirming(engine, PATIENT, link_id) is None, "still pending"
    actions.approve_caregiver(engine, T0, PATIENT, link_id)
    assert actions.toggle_confirming(engine, STRANGER, link_id) is None
    allowed = actions.toggle_confirming(engine, PATIENT, link_id)
    assert allowed is not None and allowed.may_confirm
    link = stored(engine, link_id)
    assert link is not None and link.may_confirm
    again = actions.toggle_confirming(engine, PATIENT, link_id)
    assert again is not None and not again.may_confirm


def test_leaving_removes_the_link_and_its_alerts(engine: Engine) -> None:
    link_id = approved(engine)
    assert actions.leave(engine, T0, STRANGER, PATIENT) is None, "follows nobody"
    left = actions.leave(engine, T0, CAREGIVER, PATIENT)
    assert left is not None and left.patient is not None and left.patient.user_id == PATIENT
    assert stored(engine, link_id) is None
    assert alerts(engine) == []
    assert actions.leave(engine, T0, CAREGIVER, PATIENT) is None


def test_heads_up_alerts_are_replanned_when_switched(engine: Engine) -> None:
    link_id = approved(engine)
    assert actions.toggle_alert(engine, T0, STRANGER, PATIENT, AlertChoice.HEADS_UP) is None
    on = actions.toggle_alert(engine, T0, CAREGIVER, PATIENT, AlertChoice.HEADS_UP)
    assert on is not None and on.link.alert_heads_up
    link = stored(engine, link_id)
    assert link is not None and link.alert_heads_up
    assert sorted(alerts(engine)) == sorted([Alert.HEADS_UP, Alert.MISSED])
    before = pending_ids(engine, PATIENT)
    off = actions.toggle_alert(engine, T0, CAREGIVER, PATIENT, AlertChoice.HEADS_UP)
    assert off is not None and not off.link.alert_heads_up
    assert set(pending_ids(engine, PATIENT)).isdisjoint(before), "re-planned"
    assert alerts(engine) == [Alert.MISSED]


def test_confirmation_alerts_switch_without_a_replan(engine: Engine) -> None:
    link_id = approved(engine)
    before = pending_ids(engine, PATIENT), pending_ids(engine, CAREGIVER)
    off = actions.toggle_alert(engine, T0, CAREGIVER, PATIENT, AlertChoice.CONFIRMATIONS)
    assert off is not None and not off.link.alert_confirmations
    link = stored(engine, link_id)
    assert link is not None and not link.alert_confirmations
    assert (pending_ids(engine, PATIENT), pending_ids(engine, CAREGIVER)) == before
