"""The erasure actions against a real database: a request waits for its answer, only a fresh
one erases, and keeping the data brings back what the request interrupted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from bot.actions import erasure
from bot.actions.erasure import Decision
from bot.db import transaction
from bot.domain.conversations import FlowName, SettingsAnswers
from bot.handlers import flows
from bot.store import conversations, patients
from tests.support import factories
from tests.support.pending import pending

PATIENT, STRANGER = 1, 3
T0 = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)


@pytest.fixture
def engine(engine: Engine) -> Engine:
    factories.enrol(engine, PATIENT, T0)
    return engine


def test_a_confirmed_request_erases_everything(engine: Engine) -> None:
    assert erasure.request_erasure(engine, T0, PATIENT)
    with transaction(engine) as session:
        request = conversations.get(session, PATIENT)
        assert request is not None and request.flow == FlowName.ERASE
    assert erasure.decide_erasure(engine, T0, PATIENT, True, flows.ERASE.is_live) is Decision.ERASED
    with transaction(engine) as session:
        assert patients.get(session, PATIENT) is None
        assert conversations.get(session, PATIENT) is None
    assert pending(engine, PATIENT) == []


def test_keeping_the_data_resumes_the_interrupted_conversation(engine: Engine) -> None:
    with transaction(engine) as session:
        conversations.save(session, PATIENT, "settings", "time", SettingsAnswers(), T0)
    assert erasure.request_erasure(engine, T0, PATIENT)
    assert erasure.decide_erasure(engine, T0, PATIENT, False, flows.ERASE.is_live) is Decision.KEPT
    with transaction(engine) as session:
        resumed = conversations.get(session, PATIENT)
        assert resumed is not None and (resumed.flow, resumed.step) == ("settings", "time")
        assert patients.get(session, PATIENT) is not None


def test_a_late_forged_or_unasked_answer_erases_nothing(engine: Engine) -> None:
    assert (
        erasure.decide_erasure(engine, T0, PATIENT, True, flows.ERASE.is_live) is Decision.EXPIRED
    )
    assert erasure.request_erasure(engine, T0, PATIENT)
    assert (
        erasure.decide_erasure(engine, T0, PATIENT, None, flows.ERASE.is_live) is Decision.EXPIRED
    )
    assert flows.ERASE.live_for is not None
    late = T0 + flows.ERASE.live_for + timedelta(seconds=1)
    assert (
        erasure.decide_erasure(engine, late, PATIENT, True, flows.ERASE.is_live) is Decision.EXPIRED
    )
    with transaction(engine) as session:
        assert patients.get(session, PATIENT) is not None


def test_someone_without_data_has_nothing_to_confirm(engine: Engine) -> None:
    assert not erasure.request_erasure(engine, T0, STRANGER)
    with transaction(engine) as session:
        assert conversations.get(session, STRANGER) is None
