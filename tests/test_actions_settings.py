"""The settings and sign-up actions against a real database under a fixed clock: each change
is stored and the reminders are re-planned at once."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import Engine

from bot.actions import enrolment, settings
from bot.db import transaction
from bot.domain.conversations import EnrolmentAnswers, SettingsAnswers
from bot.domain.reminders import Kind
from bot.domain.timing import local_instant
from bot.models import Patient
from bot.store import conversations, patients
from tests.support import factories
from tests.support.pending import pending, pending_at, pending_ids

PATIENT, STRANGER = 1, 3
FIRST = date(2026, 3, 2)
T0 = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)


@pytest.fixture
def engine(engine: Engine) -> Engine:
    factories.enrol(engine, PATIENT, T0, first=FIRST)
    return engine


def stored(engine: Engine) -> Patient:
    with transaction(engine) as session:
        patient = session.get(Patient, PATIENT)
    assert patient is not None
    return patient


def dose_reminder_at(engine: Engine) -> datetime:
    [due] = [due for kind, _, _, due in pending_at(engine, PATIENT) if kind == Kind.DOSE]
    return due


def prompt(engine: Engine, user_id: int = PATIENT) -> None:
    with transaction(engine) as session:
        conversations.save(session, user_id, "settings", "time", SettingsAnswers(), T0)


def test_pausing_stops_the_reminders_and_resuming_brings_them_back(engine: Engine) -> None:
    assert (Kind.DOSE, 1, FIRST) in pending(engine, PATIENT)
    paused = settings.pause(engine, T0, PATIENT)
    assert paused is not None and paused.paused and stored(engine).paused
    assert pending(engine, PATIENT) == []
    resumed = settings.resume(engine, T0, PATIENT)
    assert resumed is not None and not resumed.paused and not stored(engine).paused
    assert (Kind.DOSE, 1, FIRST) in pending(engine, PATIENT)
    assert settings.pause(engine, T0, STRANGER) is None


def test_discreet_reminders_are_stored_and_replanned(engine: Engine) -> None:
    before = pending_ids(engine, PATIENT)
    discreet = settings.set_discreet(engine, T0, PATIENT, True)
    assert discreet is not None and discreet.discreet and stored(engine).discreet
    assert set(pending_ids(engine, PATIENT)).isdisjoint(before), "re-planned"
    named = settings.set_discreet(engine, T0, PATIENT, False)
    assert named is not None and not stored(engine).discreet


def test_a_new_reminder_time_moves_the_reminders_and_ends_the_prompt(engine: Engine) -> None:
    prompt(engine)
    changed = settings.set_reminder_time(engine, T0, PATIENT, time(18, 30))
    assert changed is not None and stored(engine).reminder_time == time(18, 30)
    assert dose_reminder_at(engine) == local_instant(FIRST, time(18, 30), "Europe/Berlin")
    with transaction(engine) as session:
        assert conversations.get(session, PATIENT) is None


def test_a_new_time_zone_moves_the_reminders_and_ends_the_prompt(engine: Engine) -> None:
    prompt(engine)
    changed = settings.set_time_zone(engine, T0, PATIENT, "America/New_York")
    assert changed is not None and stored(engine).time_zone == "America/New_York"
    assert dose_reminder_at(engine) == local_instant(FIRST, time(10, 0), "America/New_York")
    with transaction(engine) as session:
        assert conversations.get(session, PATIENT) is None


def test_someone_not_enrolled_changes_nothing_but_the_prompt_ends(engine: Engine) -> None:
    prompt(engine, STRANGER)
    assert settings.set_reminder_time(engine, T0, STRANGER, time(9, 0)) is None
    with transaction(engine) as session:
        assert conversations.get(session, STRANGER) is None
        assert patients.get(session, STRANGER) is None


def test_enrolling_stores_the_patient_with_reminders_and_checklist(engine: Engine) -> None:
    with transaction(engine) as session:
        conversations.save(session, 5, "enrolment", "time", EnrolmentAnswers(zone="UTC"), T0)
    first = date(2026, 6, 1)  # months ahead: vaccines to check first
    enrolled = enrolment.enrol(engine, T0, factories.enrolment(5, first=first, zone="UTC"))
    assert enrolled.patient.user_id == 5 and enrolled.course.first_injection == first
    with transaction(engine) as session:
        assert patients.get(session, 5) is not None
        assert conversations.get(session, 5) is None
    kinds = {kind for kind, _, _ in pending(engine, 5)}
    assert Kind.DOSE in kinds, "reminders for dose 1"
    assert kinds - {kind.value for kind in Kind}, "and the checklist's messages"
