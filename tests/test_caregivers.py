"""Caregivers with a fixed clock: invites (hashing, expiry, single use, revocation), who may see
what, and which alerts the outbox holds for whom."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, text
from sqlmodel import select

from bot.db import is_postgres, transaction
from bot.domain import caregivers as rules
from bot.domain.caregivers import Alert, InviteProblem, InviteState, Preferences
from bot.domain.schedule import next_dose
from bot.models import CaregiverLink, Invite, OutboxMessage, Patient
from bot.store import caregivers, doses, patients, reminders
from tests.support import factories

T0 = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
PATIENT, CAREGIVER, OTHER = 1, 2, 3


def test_tokens_are_unguessable_and_only_their_hash_is_kept() -> None:
    tokens = {rules.new_token() for _ in range(1000)}
    assert len(tokens) == 1000
    token = tokens.pop()
    assert rules.looks_like_token(token) and len(token) <= 64
    assert rules.token_hash(token) != token and len(rules.token_hash(token)) == 64
    assert rules.token_hash(token) == rules.token_hash(token)
    assert not rules.looks_like_token("short") and not rules.looks_like_token("x" * 21 + "!")


@pytest.mark.parametrize(
    ("state", "opener", "now", "problem"),
    [
        (None, OTHER, T0, InviteProblem.UNKNOWN),
        (InviteState(PATIENT, T0 + timedelta(hours=48), None, None), OTHER, T0, None),
        (InviteState(PATIENT, T0, None, None), OTHER, T0, InviteProblem.EXPIRED),
        (InviteState(PATIENT, T0, None, None), OTHER, T0 - timedelta(seconds=1), None),
        (InviteState(PATIENT, T0 + timedelta(1), T0, None), OTHER, T0, InviteProblem.USED),
        (InviteState(PATIENT, T0 + timedelta(1), None, T0), OTHER, T0, InviteProblem.REVOKED),
        (InviteState(PATIENT, T0 + timedelta(1), None, None), PATIENT, T0, InviteProblem.OWN),
    ],
)
def test_invite_rules(
    state: InviteState | None, opener: int, now: datetime, problem: InviteProblem | None
) -> None:
    assert rules.check_invite(state, opener, now) == problem


def test_alert_choices() -> None:
    default = Preferences()
    assert rules.wants(Alert.MISSED, default) and rules.wants(Alert.CONFIRMED, default)
    assert not rules.wants(Alert.HEADS_UP, default)
    quiet = Preferences(confirmations=False, heads_up=False)
    assert rules.wants(Alert.MISSED, quiet) and rules.wants(Alert.STOPPED, quiet)
    assert not rules.wants(Alert.CONFIRMED, quiet)


@pytest.fixture
def engine(engine: Engine) -> Engine:
    """The shared database, with the patient enrolled."""
    factories.enrol(engine, PATIENT, T0)
    return engine


def invite_and_open(engine: Engine, opener: int = CAREGIVER, at: datetime = T0) -> CaregiverLink:
    with transaction(engine) as session:
        token, _ = caregivers.create_invite(session, session.get(Patient, PATIENT), T0)
    with transaction(engine) as session:
        link, problem = caregivers.redeem(session, token, opener, "Ben", at)
    assert problem is None and link is not None
    return link


def approve(engine: Engine, link: CaregiverLink) -> None:
    with transaction(engine) as session:
        stored = session.get(CaregiverLink, link.id)
        stored.approved_at = T0
        session.add(stored)


def alerts_to(engine: Engine, chat_id: int) -> list[tuple[str, str | None]]:
    with transaction(engine) as session:
        rows = session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == chat_id)).all()
        return [(row.kind, row.outcome) for row in rows]


def test_an_invite_works_once_and_is_stored_hashed(engine: Engine) -> None:
    with transaction(engine) as session:
        token, _ = caregivers.create_invite(session, session.get(Patient, PATIENT), T0)
    with transaction(engine) as session:
        stored = session.exec(select(Invite)).one()
    assert stored.token_hash == rules.token_hash(token) and token not in stored.token_hash
    assert stored.expires_at == T0 + timedelta(hours=48)
    with transaction(engine) as session:
        link, problem = caregivers.redeem(session, token, CAREGIVER, "Ben", T0)
    assert problem is None and link.approved_at is None
    with transaction(engine) as session:
        again, problem = caregivers.redeem(session, token, OTHER, "Cy", T0)
    assert again is None and problem is InviteProblem.USED
    with transaction(engine) as session:
        late, problem = caregivers.redeem(session, "x" * 32, OTHER, "Cy", T0)
    assert late is None and problem is InviteProblem.UNKNOWN


def test_two_people_opening_one_invite_at_once_get_one_link(engine: Engine) -> None:
    """The second opener read the invite as unused before the first committed: the
    conditional update finds it used and only one link is made."""
    with transaction(engine) as session:
        token, _ = caregivers.create_invite(session, session.get(Patient, PATIENT), T0)
    second: list[tuple[CaregiverLink | None, InviteProblem | None]] = []

    def open_second() -> None:
        with transaction(engine) as session:
            second.append(caregivers.redeem(session, token, OTHER, "Cy", T0))

    with transaction(engine) as session:
        first, problem = caregivers.redeem(session, token, CAREGIVER, "Ben", T0)
        assert problem is None and first is not None
        racer = threading.Thread(target=open_second)
        racer.start()
        if is_postgres(engine):  # the second waits on the first's row lock before it commits
            wait_for_lock_wait(engine)
    racer.join(timeout=30)
    assert second == [(None, InviteProblem.USED)]
    with transaction(engine) as session:
        links = session.exec(select(CaregiverLink)).all()
        stored = session.exec(select(Invite)).one()
    assert [link.caregiver_id for link in links] == [CAREGIVER]
    assert stored.used_by == CAREGIVER


def wait_for_lock_wait(engine: Engine) -> None:
    """Until some transaction on this PostgreSQL database waits for a lock."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    for _ in range(300):
        with engine.connect() as connection:
            if connection.execute(query).scalar_one():
                return
        threading.Event().wait(0.05)
    raise AssertionError("the second opener never waited for the first")


def test_expired_and_revoked_invites(engine: Engine) -> None:
    with transaction(engine) as session:
        token, _ = caregivers.create_invite(session, session.get(Patient, PATIENT), T0)
        token2, invite2 = caregivers.create_invite(session, session.get(Patient, PATIENT), T0)
    with transaction(engine) as session:
        assert not caregivers.revoke_invite(session, OTHER, invite2.id, T0), "not theirs"
        assert caregivers.revoke_invite(session, PATIENT, invite2.id, T0)
    with transaction(engine) as session:
        _, problem = caregivers.redeem(session, token, CAREGIVER, "Ben", T0 + timedelta(hours=48))
        _, problem2 = caregivers.redeem(session, token2, CAREGIVER, "Ben", T0)
    assert (problem, problem2) == (InviteProblem.EXPIRED, InviteProblem.REVOKED)


def test_only_approved_caregivers_get_alerts_and_data(engine: Engine) -> None:
    link = invite_and_open(engine)
    with transaction(engine) as session:
        patient = session.get(Patient, PATIENT)
        reminders.replan(session, patient, T0)
        assert caregivers.approved_link(session, PATIENT, CAREGIVER) is None
        assert caregivers.followed(session, CAREGIVER) == []
    assert alerts_to(engine, CAREGIVER) == [], "pending: nothing about the patient"
    approve(engine, link)
    with transaction(engine) as session:
        reminders.replan(session, session.get(Patient, PATIENT), T0)
        assert [p.user_id for _, p in caregivers.followed(session, CAREGIVER)] == [PATIENT]
    assert alerts_to(engine, CAREGIVER) == [(Alert.MISSED, None)], "missed always; heads-up off"


def test_recorded_doses_and_pauses_are_news_for_caregivers(engine: Engine) -> None:
    approve(engine, invite_and_open(engine))
    now = T0 + timedelta(days=1)
    with transaction(engine) as session:
        patient = session.get(Patient, PATIENT)
        dose = next_dose(patients.course_of(session, patient), date(2026, 3, 2))
        doses.add(session, patient, 1, date(2026, 3, 2), now, by=PATIENT, source="button")
        reminders.replan(session, patient, now)
        caregivers.tell_recorded(session, patient, dose, now, by=PATIENT)
        reminders.change_reachability(session, patient, now, paused=True)
    kinds = [kind for kind, outcome in alerts_to(engine, CAREGIVER) if outcome is None]
    assert kinds == [Alert.CONFIRMED, Alert.STOPPED]
    assert (Alert.MISSED, "cancelled") in alerts_to(engine, CAREGIVER)


def test_removing_a_link_cancels_its_alerts_and_erasure_removes_links(engine: Engine) -> None:
    link = invite_and_open(engine)
    approve(engine, link)
    with transaction(engine) as session:
        reminders.replan(session, session.get(Patient, PATIENT), T0)
        caregivers.remove(session, session.get(CaregiverLink, link.id), T0)
    assert alerts_to(engine, CAREGIVER) == [(Alert.MISSED, "cancelled")]
    approve(engine, invite_and_open(engine))
    with transaction(engine) as session:
        patients.erase(session, CAREGIVER)
    with transaction(engine) as session:
        assert session.exec(select(CaregiverLink)).all() == []
        assert session.get(Patient, PATIENT) is not None, "the patient's own data stays"
    approve(engine, invite_and_open(engine))
    with transaction(engine) as session:
        patients.erase(session, PATIENT)
    with transaction(engine) as session:
        assert session.exec(select(CaregiverLink)).all() == []
        assert session.exec(select(Invite)).all() == []
