"""The dose actions against a real database under a fixed clock: what each one stores, what it
refuses without changing anything, and that the reminders are re-planned in the same step."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, update
from sqlmodel import col

from bot.actions import doses as actions
from bot.actions.doses import Recorded, Refusal, Refused, Snoozed, UndoOutcome
from bot.db import transaction
from bot.domain.conversations import CorrectionAnswers
from bot.domain.outcomes import Outcome
from bot.domain.reminders import Kind, Snooze
from bot.domain.schedule import TakenDateProblem, next_dose
from bot.domain.sites import Injector, Site
from bot.models import OutboxMessage, Patient
from bot.store import conversations, doses, patients, reminders
from tests.support import factories
from tests.support.pending import pending, pending_at

PATIENT, CAREGIVER, STRANGER = 1, 2, 3
FIRST = date(2026, 3, 2)  # dose 1's planned day; reminders at 10:00 in Berlin
ENROLLED = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
ON_DAY_ONE = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def engine(engine: Engine) -> Engine:
    factories.enrol(engine, PATIENT, ENROLLED, first=FIRST)
    return engine


def record_first(engine: Engine, now: datetime = ON_DAY_ONE) -> Recorded | Refused:
    return actions.record_dose(engine, now, PATIENT, number=1, planned=FIRST, source="button")


def planned_next(engine: Engine, today: date) -> tuple[int, date]:
    with transaction(engine) as session:
        patient = session.get(Patient, PATIENT)
        assert patient is not None
        dose = next_dose(patients.course_of(session, patient), today)
    return dose.number, dose.planned


def dose_kinds(engine: Engine) -> set[tuple[int | None, date | None]]:
    """The doses the patient's pending reminders are about (not check-ins on taken ones)."""
    return {
        (number, planned)
        for kind, number, planned in pending(engine, PATIENT)
        if kind in reminders.REMINDER_KINDS
    }


def test_recording_stores_the_dose_and_replans_for_the_next(engine: Engine) -> None:
    assert dose_kinds(engine) == {(1, FIRST)}
    outcome = record_first(engine)
    assert isinstance(outcome, Recorded)
    assert (outcome.number, outcome.day, outcome.gap) == (1, FIRST, None)
    following = planned_next(engine, FIRST)
    assert following[0] == 2 and (outcome.following.number, outcome.following.planned) == following
    with transaction(engine) as session:
        record = doses.get(session, PATIENT, 1)
        assert record is not None
        assert (record.taken_on, record.recorded_by, record.source) == (FIRST, PATIENT, "button")
    assert dose_kinds(engine) == {following}, "no reminder is left about the recorded dose"
    assert (Kind.DOSE, *following) in pending(engine, PATIENT)


def test_a_caregiver_records_in_their_own_name(engine: Engine) -> None:
    outcome = actions.record_dose(
        engine, ON_DAY_ONE, PATIENT, number=1, planned=FIRST, source="caregiver", by=CAREGIVER
    )
    assert isinstance(outcome, Recorded)
    with transaction(engine) as session:
        record = doses.get(session, PATIENT, 1)
        assert record is not None and record.recorded_by == CAREGIVER


def test_refusals_change_nothing(engine: Engine) -> None:
    before = pending_at(engine, PATIENT)
    stale = actions.record_dose(
        engine, ON_DAY_ONE, PATIENT, number=1, planned=FIRST - timedelta(1), source="button"
    )
    assert stale == Refused(Refusal.STALE)
    early = ENROLLED  # the day before dose 1
    not_due = actions.record_dose(
        engine, early, PATIENT, number=None, planned=None, source="reply", due_only=True
    )
    assert isinstance(not_due, Refused) and not_due.reason is Refusal.NOT_DUE
    assert not_due.dose is not None and (not_due.dose.number, not_due.dose.planned) == (1, FIRST)
    future = actions.record_dose(
        engine,
        ON_DAY_ONE,
        PATIENT,
        number=None,
        planned=None,
        source="command",
        day=FIRST + timedelta(1),
    )
    assert future == Refused(Refusal.DATE_PROBLEM, problem=TakenDateProblem.IN_FUTURE)
    nobody = actions.record_dose(
        engine, ON_DAY_ONE, STRANGER, number=None, planned=None, source="command"
    )
    assert nobody == Refused(Refusal.NOT_ENROLLED)
    with transaction(engine) as session:
        assert doses.latest_number(session, PATIENT) == 0
    assert pending_at(engine, PATIENT) == before


def test_the_same_tap_twice_is_already_recorded(engine: Engine) -> None:
    assert isinstance(record_first(engine), Recorded)
    assert record_first(engine) == Refused(Refusal.ALREADY_RECORDED)


def test_correcting_moves_the_date_ends_the_conversation_and_replans(engine: Engine) -> None:
    record_first(engine)
    day_two = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    number, planned = planned_next(engine, date(2026, 3, 10))
    recorded = actions.record_dose(
        engine, day_two, PATIENT, number=number, planned=planned, source="button"
    )
    assert isinstance(recorded, Recorded)
    with transaction(engine) as session:
        conversations.save(session, PATIENT, "correct", "day", CorrectionAnswers(number=2), day_two)
    outcome = actions.correct_dose(
        engine, day_two, PATIENT, 2, lambda today: today - timedelta(days=1)
    )
    assert isinstance(outcome, Recorded) and (outcome.number, outcome.day) == (2, date(2026, 3, 9))
    with transaction(engine) as session:
        record = doses.get(session, PATIENT, 2)
        assert record is not None and record.taken_on == date(2026, 3, 9)
        assert conversations.get(session, PATIENT) is None
    following = planned_next(engine, date(2026, 3, 10))
    assert (outcome.following.number, outcome.following.planned) == following
    assert following != (recorded.following.number, recorded.following.planned), "it moved"
    assert dose_kinds(engine) == {following}


def test_a_correction_not_understood_or_refused_keeps_the_conversation(engine: Engine) -> None:
    record_first(engine)
    with transaction(engine) as session:
        conversations.save(
            session, PATIENT, "correct", "day", CorrectionAnswers(number=1), ON_DAY_ONE
        )
    before = pending_at(engine, PATIENT)
    unreadable = actions.correct_dose(engine, ON_DAY_ONE, PATIENT, 1, lambda today: None)
    assert unreadable == Refused(Refusal.UNREADABLE, today=FIRST)
    future = actions.correct_dose(
        engine, ON_DAY_ONE, PATIENT, 1, lambda today: today + timedelta(1)
    )
    assert future == Refused(Refusal.DATE_PROBLEM, problem=TakenDateProblem.IN_FUTURE)
    with transaction(engine) as session:
        record = doses.get(session, PATIENT, 1)
        assert record is not None and record.taken_on == FIRST
        assert conversations.get(session, PATIENT) is not None
    assert pending_at(engine, PATIENT) == before
    expired = actions.correct_dose(engine, ON_DAY_ONE, PATIENT, 7, lambda today: today)
    assert expired == Refused(Refusal.EXPIRED)
    with transaction(engine) as session:
        assert conversations.get(session, PATIENT) is None


def test_undo_removes_the_latest_dose_and_replans_it(engine: Engine) -> None:
    record_first(engine)
    assert actions.undo_dose(engine, ON_DAY_ONE, PATIENT, 5) is UndoOutcome.EXPIRED
    assert actions.undo_dose(engine, ON_DAY_ONE, STRANGER, 1) is UndoOutcome.EXPIRED
    assert actions.undo_dose(engine, ON_DAY_ONE, PATIENT, 1) is UndoOutcome.UNDONE
    with transaction(engine) as session:
        assert doses.get(session, PATIENT, 1) is None
    assert dose_kinds(engine) == {(1, FIRST)}, "dose 1 is due again"


def test_recorded_undone_and_recorded_again_asks_how_it_went_once(engine: Engine) -> None:
    """Found by the simulated year (issue 15): each recording planned its own check-in and the
    undo left the first one waiting, so the patient was asked twice the next morning."""
    assert isinstance(record_first(engine), Recorded)
    assert actions.undo_dose(engine, ON_DAY_ONE, PATIENT, 1) is UndoOutcome.UNDONE
    assert not [kind for kind, _, _ in pending(engine, PATIENT) if kind == "checkin"]
    assert isinstance(record_first(engine, ON_DAY_ONE + timedelta(minutes=30)), Recorded)
    assert [row for row in pending(engine, PATIENT) if row[0] == "checkin"] == [
        ("checkin", 1, FIRST)
    ]


def test_only_the_latest_dose_can_be_undone(engine: Engine) -> None:
    record_first(engine)
    day_two = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    number, planned = planned_next(engine, date(2026, 3, 10))
    actions.record_dose(engine, day_two, PATIENT, number=number, planned=planned, source="button")
    before = pending_at(engine, PATIENT)
    assert actions.undo_dose(engine, day_two, PATIENT, 1) is UndoOutcome.NOT_LATEST
    with transaction(engine) as session:
        assert doses.latest_number(session, PATIENT) == 2
    assert pending_at(engine, PATIENT) == before


def test_noting_the_site_stores_it_and_returns_the_recent_ones(engine: Engine) -> None:
    assert actions.note_site(engine, PATIENT, 1, Injector.SELF, Site.THIGH_LEFT) is None
    record_first(engine)
    recent = actions.note_site(engine, PATIENT, 1, Injector.SELF, Site.THIGH_LEFT)
    assert recent == [Site.THIGH_LEFT]
    with transaction(engine) as session:
        record = doses.get(session, PATIENT, 1)
        assert record is not None and (record.injector, record.site) == ("self", "thigh_left")


def test_after_undo_the_who_and_where_answers_note_nothing(engine: Engine) -> None:
    """The "Who gave the injection?" buttons outlive an undo: tapped afterwards they find no
    record and change nothing."""
    record_first(engine)
    assert actions.undo_dose(engine, ON_DAY_ONE, PATIENT, 1) is UndoOutcome.UNDONE
    assert actions.note_site(engine, PATIENT, 1, Injector.SELF, Site.THIGH_LEFT) is None
    with transaction(engine) as session:
        assert doses.get(session, PATIENT, 1) is None


def test_snoozing_the_current_dose_writes_a_reminder_at_the_chosen_time(engine: Engine) -> None:
    assert (
        actions.snooze(engine, ON_DAY_ONE, PATIENT, 1, FIRST - timedelta(1), Snooze.ONE_HOUR)
        is None
    )
    snoozed = actions.snooze(engine, ON_DAY_ONE, PATIENT, 1, FIRST, Snooze.ONE_HOUR)
    assert snoozed == Snoozed(ON_DAY_ONE + timedelta(hours=1), "Europe/Berlin")
    rows = [row for row in pending_at(engine, PATIENT) if row[0] == Kind.SNOOZED]
    assert [(number, planned) for _, number, planned, _ in rows] == [(1, FIRST)]
    assert rows[0][3] == snoozed.until


def test_a_date_already_recorded_names_that_dose_and_changes_nothing(engine: Engine) -> None:
    """/taken 2026-03-02 after dose 1 was recorded for that day: a repeat, not "before the
    previous injection"."""
    assert isinstance(record_first(engine), Recorded)
    before = pending_at(engine, PATIENT)
    later = ON_DAY_ONE + timedelta(days=2)
    again = actions.record_dose(
        engine, later, PATIENT, number=None, planned=None, source="command", day=FIRST
    )
    assert again == Refused(Refusal.SAME_DAY, recorded=(1, FIRST))
    earlier = actions.record_dose(
        engine,
        later,
        PATIENT,
        number=None,
        planned=None,
        source="command",
        day=FIRST - timedelta(1),
    )
    assert earlier == Refused(
        Refusal.DATE_PROBLEM, problem=TakenDateProblem.BEFORE_PREVIOUS_DOSE
    ), "another earlier day keeps its own reason"
    with transaction(engine) as session:
        assert doses.latest_number(session, PATIENT) == 1
    assert pending_at(engine, PATIENT) == before


def test_snoozed_until_tomorrow_comes_at_the_reminder_time_and_moves_the_missed_alert(
    engine: Engine,
) -> None:
    """The tester's case: "⏰ Tomorrow" on the dose day brings the reminder back at the
    patient's own time (10:00 here), and the missed alert, due at that very moment, waits
    until the snoozed reminder had its time."""
    snoozed = actions.snooze(engine, ON_DAY_ONE, PATIENT, 1, FIRST, Snooze.TOMORROW)
    assert snoozed is not None
    tomorrow_ten = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    assert snoozed.until == tomorrow_ten
    due = {kind: at for kind, _, _, at in pending_at(engine, PATIENT)}
    assert due[Kind.SNOOZED] == tomorrow_ten
    assert due[Kind.MISSED] == tomorrow_ten + timedelta(hours=2)
    assert Kind.FOLLOW_UP not in due and Kind.EVENING not in due


def test_a_replan_keeps_the_snooze_and_the_missed_alert_after_it(engine: Engine) -> None:
    """Found by the simulated year (issue 15): snoozed until tomorrow, then recorded and taken
    back right after the snoozed reminder, the re-plan forgot the snooze and sent "looks
    missed" (to the caregivers too) at once. A setting changed before the snoozed reminder
    dropped it altogether."""
    with transaction(engine) as session:  # the dose reminder went out at 10:00, on time
        session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.kind) == Kind.DOSE)
            .values(outcome=Outcome.SENT, finished_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
        )
    actions.snooze(engine, ON_DAY_ONE, PATIENT, 1, FIRST, Snooze.TOMORROW)
    tomorrow_ten = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    with transaction(engine) as session:  # a setting changed: the plan is written again
        patient = patients.get(session, PATIENT)
        assert patient is not None
        reminders.replan(session, patient, ON_DAY_ONE + timedelta(hours=1))
    due = {kind: at for kind, _, _, at in pending_at(engine, PATIENT)}
    assert due[Kind.SNOOZED] == tomorrow_ten
    assert due[Kind.MISSED] == tomorrow_ten + timedelta(hours=2)

    with transaction(engine) as session:  # the snoozed reminder went out; a tap on it, then ↩️
        session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.kind) == Kind.SNOOZED)
            .values(outcome=Outcome.SENT, finished_at=tomorrow_ten)
        )
    just_after = tomorrow_ten + timedelta(minutes=5)
    outcome = actions.record_dose(
        engine, just_after, PATIENT, number=1, planned=FIRST, source="button"
    )
    assert isinstance(outcome, Recorded)
    assert actions.undo_dose(engine, just_after, PATIENT, 1) is UndoOutcome.UNDONE
    due = {kind: at for kind, _, _, at in pending_at(engine, PATIENT)}
    assert due[Kind.MISSED] == tomorrow_ten + timedelta(hours=2), "not at once"
