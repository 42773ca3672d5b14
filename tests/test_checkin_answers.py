"""Which check-in the day's next plain message answers: one sent (or being sent) today and not
yet answered; not yesterday's, not one already answered."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine

from bot.db import transaction
from bot.domain.checkin import CHECKIN_PRIORITY, KIND
from bot.domain.outcomes import Outcome
from bot.models import Patient
from bot.store import checkins, diary, outbox
from tests.support import factories

INJECTED = date(2026, 3, 2)
ASKED = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


def ask(engine: Engine, patient: Patient, at: datetime, *, record: bool) -> None:
    """The check-in of dose 1 claimed at `at`, and its send recorded if `record`."""
    with transaction(engine) as session:
        outbox.add_to_patient(
            session, patient, KIND, CHECKIN_PRIORITY, at, at, number=1, planned=INJECTED
        )
    with transaction(engine) as session:
        [claimed] = [row for row in outbox.claim(session, at, 100, LEASE) if row.kind == KIND]
        if record:
            outbox.finish(session, claimed, at, Outcome.SENT, message_id=7)


def open_at(engine: Engine, patient: Patient, now: datetime) -> int | None:
    with transaction(engine) as session:
        return checkins.open_question(session, patient, now)


def test_a_check_in_sent_today_is_open_until_answered(engine: Engine) -> None:
    patient = factories.enrol(engine, 7101, ASKED, plan=False, zone="UTC")
    assert open_at(engine, patient, ASKED) is None
    ask(engine, patient, ASKED, record=True)
    assert open_at(engine, patient, ASKED + timedelta(hours=10)) == 1
    with transaction(engine) as session:
        diary.add(session, patient, "fine", INJECTED, ASKED + timedelta(hours=1))
    assert open_at(engine, patient, ASKED + timedelta(hours=2)) == 1, "a plain note is no answer"
    with transaction(engine) as session:
        answered_at = ASKED + timedelta(hours=3)
        diary.add(session, patient, "fine", INJECTED, answered_at, checkin_dose=1)
    assert open_at(engine, patient, ASKED + timedelta(hours=4)) is None


def test_a_check_in_being_sent_is_already_open(engine: Engine) -> None:
    """The patient can read and answer it before its send is recorded."""
    patient = factories.enrol(engine, 7102, ASKED, plan=False, zone="UTC")
    ask(engine, patient, ASKED, record=False)
    assert open_at(engine, patient, ASKED + timedelta(seconds=1)) == 1
    assert open_at(engine, patient, ASKED + LEASE + timedelta(seconds=1)) is None, "lease over"


def test_yesterdays_check_in_is_not_open_today(engine: Engine) -> None:
    patient = factories.enrol(engine, 7103, ASKED, plan=False, zone="America/New_York")
    ask(engine, patient, ASKED, record=True)  # 04:00 in New York on 3 March
    assert open_at(engine, patient, datetime(2026, 3, 4, 4, 59, tzinfo=UTC)) == 1, "still the 3rd"
    assert open_at(engine, patient, datetime(2026, 3, 4, 5, 1, tzinfo=UTC)) is None
