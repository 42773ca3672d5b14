"""The outbox and its sweep with an injectable clock: what is written when the plan changes,
what is claimed when, and what each Telegram outcome does. No network: a stand-in bot."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.clock import FixedClock
from bot.config import Settings
from bot.db import make_engine, migrate, transaction
from bot.domain.outcomes import Outcome
from bot.domain.reminders import Kind
from bot.jobs import sweep
from bot.models import DoseRecord, OutboxClaim, OutboxMessage, Patient
from bot.services import Services
from bot.store import doses, outbox, patients, reminders
from tests.support import factories

T0 = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)  # Sunday 07:00 in Berlin
LEASE = timedelta(minutes=5)


class StandInBot:
    """Answers send_message like Telegram, or with the errors queued in `failures`."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []
        self.failures: list[Exception] = []

    async def send_message(self, chat_id: int, text: str, **_: object) -> SimpleNamespace:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((chat_id, text))
        return SimpleNamespace(message_id=len(self.sent))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def app(engine: Engine, clock: FixedClock) -> Services:
    settings = Settings(token="1:x", database_url="", admin_ids=frozenset(), api_base_url="")
    return Services(settings=settings, engine=engine, clock=clock)


def enrol(engine: Engine, now: datetime, user_id: int = 1, first: date = date(2026, 3, 2)) -> None:
    factories.enrol(engine, user_id, now, first=first)


def pending(engine: Engine, user_id: int = 1) -> list[tuple[str, datetime, int]]:
    with transaction(engine) as session:
        return [(row.kind, row.due_at, row.dose_number) for row in outbox.pending(session, user_id)]


def at_berlin(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    """A Berlin wall time in March 2026 (UTC+1 until the 29th, UTC+2 after)."""
    offset = 2 if (month, day) >= (3, 29) else 1
    return datetime(2026, month, day, hour - offset, minute, tzinfo=UTC)


def test_enrolment_writes_the_first_dose_reminders(engine: Engine) -> None:
    enrol(engine, T0)
    assert pending(engine) == [
        (Kind.HEADS_UP, at_berlin(1, 10), 1),
        (Kind.TAKE_OUT, at_berlin(2, 9, 30), 1),
        (Kind.DOSE, at_berlin(2, 10), 1),
        (Kind.FOLLOW_UP, at_berlin(2, 12), 1),
        (Kind.EVENING, at_berlin(2, 20), 1),
        (Kind.MISSED, at_berlin(3, 10), 1),
    ]


def test_recording_a_dose_cancels_its_reminders_and_plans_the_next(engine: Engine) -> None:
    enrol(engine, T0)
    now = at_berlin(2, 10, 5)
    with transaction(engine) as session:
        patient = session.get(Patient, 1)
        doses.add(session, patient, 1, date(2026, 3, 2), now, by=1, source="button")
        following = reminders.replan(session, patient, now)
    assert (following.number, following.planned) == (2, date(2026, 3, 9))
    assert [(kind, number) for kind, _, number in pending(engine)] == [
        (Kind.HEADS_UP, 2),
        (Kind.TAKE_OUT, 2),
        (Kind.DOSE, 2),
        (Kind.FOLLOW_UP, 2),
        (Kind.EVENING, 2),
        (Kind.MISSED, 2),
    ]
    with transaction(engine) as session:
        cancelled = session.exec(
            select(OutboxMessage).where(OutboxMessage.outcome == Outcome.CANCELLED)
        ).all()
    assert {row.dose_number for row in cancelled} == {1}


def test_a_late_dose_retimes_the_following_ones(engine: Engine) -> None:
    enrol(engine, T0)
    now = at_berlin(5, 18)
    with transaction(engine) as session:
        patient = session.get(Patient, 1)
        doses.add(session, patient, 1, date(2026, 3, 5), now, by=1, source="command")
        reminders.replan(session, patient, now)
    dose_row = next(row for row in pending(engine) if row[0] == Kind.DOSE)
    assert dose_row == (Kind.DOSE, at_berlin(12, 10), 2)


def test_a_new_reminder_time_and_zone_move_what_is_still_to_come(engine: Engine) -> None:
    enrol(engine, T0)
    now = T0 + timedelta(minutes=5)
    with transaction(engine) as session:
        patient = session.get(Patient, 1)
        patients.update(session, patient, now, reminder_time=time(8, 15), time_zone="Asia/Tokyo")
        reminders.replan(session, patient, now)
    dose_row = next(row for row in pending(engine) if row[0] == Kind.DOSE)
    assert dose_row[1] == datetime(2026, 3, 1, 23, 15, tzinfo=UTC)  # 2 March 08:15 in Tokyo


def test_pause_writes_nothing_and_resume_writes_again(engine: Engine) -> None:
    enrol(engine, T0)
    with transaction(engine) as session:
        patient = session.get(Patient, 1)
        patients.update(session, patient, T0, paused=True)
        reminders.replan(session, patient, T0)
    assert pending(engine) == []
    later = at_berlin(2, 15)
    with transaction(engine) as session:
        patient = session.get(Patient, 1)
        patients.update(session, patient, later, paused=False)
        reminders.replan(session, patient, later)
    kinds = [kind for kind, _, _ in pending(engine)]
    assert kinds == [Kind.DOSE, Kind.FOLLOW_UP, Kind.EVENING, Kind.MISSED]
    assert pending(engine)[0][1] == later, "the dose reminder missed while paused goes at once"


def test_claim_order_lease_and_reclaim(engine: Engine) -> None:
    with transaction(engine) as session:
        for kind, priority, minutes in (("note", 2, 1), ("dose", 0, 3), ("missed", 1, 2)):
            outbox.add(
                session,
                chat_id=9,
                kind=kind,
                priority=priority,
                due_at=T0 - timedelta(minutes=minutes),
                now=T0,
            )
        outbox.add(session, chat_id=9, kind="later", priority=0, due_at=T0 + timedelta(1), now=T0)
    with transaction(engine) as session:
        claimed = outbox.claim(session, T0, 10, LEASE)
    assert [row.kind for row in claimed] == ["dose", "missed", "note"]
    with transaction(engine) as session:
        assert outbox.claim(session, T0 + LEASE - timedelta(seconds=1), 10, LEASE) == []
    with transaction(engine) as session:
        again = outbox.claim(session, T0 + LEASE, 10, LEASE)
    assert [row.kind for row in again] == ["dose", "missed", "note"]
    assert all(row.attempts == 0 for row in again), "a lost lease is no failed attempt"
    with transaction(engine) as session:
        assert not outbox.finish(session, claimed[0], T0, Outcome.SENT), "an expired claim"
        assert outbox.finish(session, again[0], T0, Outcome.SENT)


def claims_of(engine: Engine) -> list[tuple[int, str]]:
    with transaction(engine) as session:
        found = session.execute(select(OutboxClaim.outbox_id, OutboxClaim.claim_token))
        return sorted(tuple(row) for row in found)


def test_a_claim_writes_only_its_narrow_table_and_ending_or_expiring_clears_it(
    engine: Engine,
) -> None:
    with transaction(engine) as session:
        for chat in (1, 2, 3):
            outbox.add(session, chat_id=chat, kind="dose", priority=0, due_at=T0, now=T0)
    with transaction(engine) as session:
        held = outbox.take(session, T0, 2, LEASE)
        first, second = outbox.rows_of(session, held)
    assert claims_of(engine) == [(first.id, held.token), (second.id, held.token)]
    assert {row.chat_id for row in (first, second)} == {1, 2}
    with transaction(engine) as session:
        assert outbox.finish(session, first, T0, Outcome.SENT)
        assert outbox.release(session, held) == 2
    assert claims_of(engine) == []
    with transaction(engine) as session:
        crashed = outbox.claim(session, T0, 10, LEASE)  # its process dies: no release
    assert sorted(row.chat_id for row in crashed) == [2, 3]
    with transaction(engine) as session:
        assert outbox.claim(session, T0 + LEASE - timedelta(seconds=1), 10, LEASE) == []
    with transaction(engine) as session:
        again = outbox.take(session, T0 + LEASE, 10, LEASE)
    assert claims_of(engine) == sorted((row_id, again.token) for row_id in again.ids)
    with transaction(engine) as session:
        assert not outbox.finish(session, crashed[0], T0 + LEASE, Outcome.SENT), "lease ran out"


def concurrent_claims(engine: Engine, workers: int, rows: int) -> list[list[int]]:
    with transaction(engine) as session:
        for i in range(rows):
            outbox.add(session, chat_id=i, kind="dose", priority=0, due_at=T0, now=T0)
    results: list[list[int]] = [[] for _ in range(workers)]
    barrier = threading.Barrier(workers)

    def work(index: int) -> None:
        barrier.wait()
        while True:
            with transaction(engine) as session:
                batch = outbox.claim(session, T0, 7, LEASE)
            if not batch:
                return
            results[index].extend(row.id for row in batch)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.parametrize("backend", ["sqlite"])
def test_concurrent_claims_never_overlap_on_sqlite(engine: Engine) -> None:
    results = concurrent_claims(engine, workers=4, rows=300)
    claimed = [row_id for result in results for row_id in result]
    assert len(claimed) == len(set(claimed)) == 300


@pytest.mark.parametrize("backend", ["postgresql"])
def test_concurrent_claims_take_turns_on_postgresql(database_url: str) -> None:
    migrate(database_url)
    engine = make_engine(database_url, pool_size=8)
    results = concurrent_claims(engine, workers=4, rows=2000)
    claimed = [row_id for result in results for row_id in result]
    assert len(claimed) == len(set(claimed)) == 2000
    assert sum(1 for result in results if result) >= 2, "the work was shared"
    engine.dispose()


def run_sweep(app: Services, bot: StandInBot) -> int:
    return asyncio.run(sweep.run(bot, app))  # type: ignore[arg-type]


def test_sweep_sends_on_time_and_drops_stale_notes(app: Services, clock: FixedClock) -> None:
    enrol(app.engine, T0)
    bot = StandInBot()
    clock.set(at_berlin(2, 9, 31))
    assert run_sweep(app, bot) == 1 and "fridge" in bot.sent[0][1]
    clock.set(at_berlin(2, 15))  # down from 09:31 to 15:00: the dose reminder, late; no stale
    assert run_sweep(app, bot) == 1
    assert "It's time for dose 1" in bot.sent[1][1] and "late" in bot.sent[1][1]
    assert run_sweep(app, bot) == 0, "nothing twice"
    clock.set(at_berlin(3, 10))
    run_sweep(app, bot)
    assert "looks missed" in bot.sent[-1][1]
    assert [kind for kind, _, _ in pending(app.engine)] == [Kind.OVERDUE]
    clock.set(at_berlin(4, 10))
    run_sweep(app, bot)
    assert "still not recorded" in bot.sent[-1][1]
    assert [kind for kind, _, _ in pending(app.engine)] == [Kind.OVERDUE]


def test_sweep_maps_telegram_errors(app: Services, clock: FixedClock) -> None:
    enrol(app.engine, T0)
    bot = StandInBot()
    clock.set(at_berlin(2, 10))
    bot.failures = [RetryAfter(timedelta(seconds=40))]
    run_sweep(app, bot)
    assert bot.sent == []
    clock.set(at_berlin(2, 10) + timedelta(seconds=39))
    assert run_sweep(app, bot) == 0, "not before retry_after"
    clock.set(at_berlin(2, 10) + timedelta(seconds=41))
    bot.failures = [NetworkError("Bad Gateway")]
    run_sweep(app, bot)
    clock.set(at_berlin(2, 10) + timedelta(seconds=41 + 14))
    assert run_sweep(app, bot) == 0, "back-off: 15 s after the first failure (a 429 is none)"
    clock.set(at_berlin(2, 10) + timedelta(seconds=41 + 15))
    assert run_sweep(app, bot) == 1 and "It's time for dose 1" in bot.sent[0][1]

    bot.failures = [Forbidden("Forbidden: bot was blocked by the user")]
    clock.set(at_berlin(2, 12, 1))  # the follow-up: 2 hours after the reminder went out
    run_sweep(app, bot)
    with transaction(app.engine) as session:
        assert session.get(Patient, 1).blocked_at == at_berlin(2, 12, 1)
    assert pending(app.engine) == []


def only_row(app: Services, kind: str) -> OutboxMessage:
    with transaction(app.engine) as session:
        return session.exec(select(OutboxMessage).where(OutboxMessage.kind == kind)).one()


def test_sweep_gives_up_on_a_bad_request(app: Services, clock: FixedClock) -> None:
    enrol(app.engine, T0)
    bot = StandInBot()
    bot.failures = [BadRequest("Chat not found")]
    clock.set(at_berlin(2, 10))
    run_sweep(app, bot)
    row = only_row(app, Kind.DOSE)
    assert (row.outcome, row.error) == (Outcome.FAILED, "Chat not found")


def test_hours_of_network_trouble_delay_the_dose_reminder_but_lose_nothing(
    app: Services, clock: FixedClock
) -> None:
    """Network faults for six hours: the dose reminder is tried again at most 15 minutes apart
    and arrives once the network is back (12 failures used to end it for good)."""
    enrol(app.engine, T0)
    bot = StandInBot()
    now = at_berlin(2, 10)
    while now < at_berlin(2, 16):
        bot.failures = [NetworkError("timed out")]
        clock.set(now)
        run_sweep(app, bot)
        row = only_row(app, Kind.DOSE)
        assert row.outcome is None and row.not_before <= now + timedelta(minutes=15)
        now = row.not_before
    assert row.attempts > 12
    bot.failures = []
    clock.set(now)
    run_sweep(app, bot)
    assert ["It's time for dose 1" in text for _, text in bot.sent] == [True]
    assert only_row(app, Kind.DOSE).outcome == Outcome.SENT


def test_when_telegram_answers_again_the_reminders_waiting_out_a_back_off_go_at_once(
    app: Services, clock: FixedClock
) -> None:
    """A day-long outage: the dose reminder has failed dozens of times (tried 15 minutes
    apart), the missed alert only a few (15 s, 30 s, ...). The first send that works, here the
    missed alert's, ends every back-off: the dose reminder goes out in the same sweep, not up
    to 15 minutes later (a simulated year found a patient tapping ✅ in that gap, undoing,
    and so never getting the reminder at all)."""
    enrol(app.engine, T0)
    bot = StandInBot()
    now = at_berlin(2, 10)
    while not (missed := _open_row(app, Kind.MISSED)) or not missed.attempts:
        bot.failures = [NetworkError("Bad Gateway")] * 10
        clock.set(now)
        run_sweep(app, bot)
        now = min(row.not_before or row.due_at for row in _open_rows(app))
    dose = only_row(app, Kind.DOSE)
    assert dose.attempts > 50 and dose.not_before > missed.not_before, "the gap this is about"
    bot.failures = []
    clock.set(missed.not_before)
    run_sweep(app, bot)
    assert len(bot.sent) == 2 and "looks missed" in bot.sent[0][1]
    assert bot.sent[1][1].startswith("💉 Dose 1"), "the dose reminder, in the same sweep"
    assert only_row(app, Kind.DOSE).outcome == Outcome.SENT


def test_back_offs_end_at_most_every_fifteen_minutes_and_never_a_429s_wait(
    app: Services, clock: FixedClock
) -> None:
    """A message that keeps failing while others go out is not tried at every sweep: the
    back-offs end once, then not again within the longest back-off. A wait Telegram asked for
    (429) is kept whatever happens."""
    enrol(app.engine, T0, user_id=1)
    enrol(app.engine, T0, user_id=2)
    bot = StandInBot()
    now = at_berlin(2, 9, 30)  # both pens out of the fridge: one fails, one is told to wait
    clock.set(now)
    bot.failures = [NetworkError("timed out"), RetryAfter(timedelta(minutes=10))]
    run_sweep(app, bot)
    assert bot.sent == [] and app.heartbeat.backing_off
    app.heartbeat.backoff_ended_at = now - timedelta(minutes=5)
    assert sweep.end_backoff(app) == 0, "ended 5 minutes ago: not again yet"
    app.heartbeat.backoff_ended_at = now - timedelta(minutes=15)
    assert sweep.end_backoff(app) == 1, "the network fault's back-off only"
    waits = sorted(
        (row.attempts, row.not_before) for row in _open_rows(app) if row.kind == Kind.TAKE_OUT
    )
    assert waits == [(0, now + timedelta(minutes=10)), (1, None)]
    assert not app.heartbeat.backing_off and sweep.end_backoff(app) == 0


def _open_rows(app: Services) -> list[OutboxMessage]:
    with transaction(app.engine) as session:
        return list(
            session.exec(select(OutboxMessage).where(col(OutboxMessage.finished_at).is_(None)))
        )


def _open_row(app: Services, kind: str) -> OutboxMessage | None:
    return next((row for row in _open_rows(app) if row.kind == kind), None)


def test_a_missed_alert_that_fails_for_good_still_leads_to_the_next_overdue_one(
    app: Services, clock: FixedClock
) -> None:
    enrol(app.engine, T0)
    bot = StandInBot()
    clock.set(at_berlin(2, 10))
    run_sweep(app, bot)
    bot.failures = [BadRequest("Chat not found")]
    clock.set(at_berlin(3, 10))
    run_sweep(app, bot)
    assert only_row(app, Kind.MISSED).outcome == Outcome.FAILED
    assert pending(app.engine) == [(Kind.OVERDUE, at_berlin(4, 10), 1)]


def test_a_row_that_cannot_be_composed_does_not_hold_up_the_others(
    app: Services, clock: FixedClock
) -> None:
    enrol(app.engine, T0)
    with transaction(app.engine) as session:
        outbox.add(session, chat_id=1, patient_id=1, kind="mystery", priority=0, due_at=T0, now=T0)
    clock.set(at_berlin(2, 10))
    bot = StandInBot()
    assert run_sweep(app, bot) == 1 and "It's time for dose 1" in bot.sent[0][1]
    row = only_row(app, "mystery")
    assert (row.outcome, row.error) == (Outcome.FAILED, "cannot be composed")


def test_one_patient_with_inconsistent_dose_records_fails_alone(
    app: Services, clock: FixedClock
) -> None:
    enrol(app.engine, T0, user_id=1)
    enrol(app.engine, T0, user_id=2)
    with transaction(app.engine) as session:  # dose 3 recorded with no dose 1 or 2
        session.add(
            DoseRecord(
                patient_id=2, number=3, taken_on=date(2026, 3, 1), recorded_at=T0, source="x"
            )
        )
    clock.set(at_berlin(2, 10))
    bot = StandInBot()
    assert run_sweep(app, bot) == 1
    assert [chat for chat, text in bot.sent if "It's time for dose 1" in text] == [1]
    with transaction(app.engine) as session:
        row = session.exec(
            select(OutboxMessage).where(OutboxMessage.patient_id == 2, OutboxMessage.kind == "dose")
        ).one()
    assert (row.outcome, row.error) == (Outcome.FAILED, "cannot be composed")


class ConfirmingBot(StandInBot):
    """While the reminder to patient 1 is on its way, patient 2 records their dose."""

    def __init__(self, engine: Engine, now: datetime) -> None:
        super().__init__()
        self.engine, self.now = engine, now

    async def send_message(self, chat_id: int, text: str, **kwargs: object) -> SimpleNamespace:
        if chat_id == 1:
            with transaction(self.engine) as session:
                patient = session.get(Patient, 2)
                doses.add(session, patient, 1, date(2026, 3, 2), self.now, by=2, source="button")
                reminders.replan(session, patient, self.now)
        return await super().send_message(chat_id, text, **kwargs)


def test_a_reminder_confirmed_between_claim_and_send_is_not_sent(
    app: Services, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sweep, "IN_FLIGHT", 1)  # one at a time: patient 2's waits its turn
    enrol(app.engine, T0, user_id=1)
    enrol(app.engine, T0, user_id=2)
    clock.set(at_berlin(2, 10))
    bot = ConfirmingBot(app.engine, clock.now())
    assert run_sweep(app, bot) == 1
    assert [chat for chat, _ in bot.sent] == [1]
    with transaction(app.engine) as session:
        row = session.exec(
            select(OutboxMessage).where(
                OutboxMessage.patient_id == 2,
                OutboxMessage.kind == "dose",
                OutboxMessage.dose_number == 1,
            )
        ).one()
    assert row.outcome == Outcome.CANCELLED


def test_after_downtime_the_follow_up_keeps_its_gap_after_the_late_reminder(
    app: Services, clock: FixedClock
) -> None:
    """Down from 09:00 to 12:30: the late dose reminder goes at once; the follow-up (due at
    12:00) would have gone with it, and moves to 14:30 instead; the evening note stays."""
    enrol(app.engine, T0)
    bot = StandInBot()
    clock.set(at_berlin(2, 12, 30))
    assert run_sweep(app, bot) == 1 and "It's time for dose 1" in bot.sent[0][1]
    assert [(kind, due) for kind, due, _ in pending(app.engine)][:2] == [
        (Kind.FOLLOW_UP, at_berlin(2, 14, 30)),
        (Kind.EVENING, at_berlin(2, 20)),
    ]
    clock.set(at_berlin(2, 14, 29))
    assert run_sweep(app, bot) == 0
    clock.set(at_berlin(2, 14, 30))
    assert run_sweep(app, bot) == 1 and "Just checking" in bot.sent[1][1]


def test_a_follow_up_claimed_before_its_gap_moves_to_it(app: Services, clock: FixedClock) -> None:
    """The dose reminder went out late (10:40, held up by a fault and downtime): the follow-up
    due at 12:00 moves to 12:40, two hours after the reminder reached the patient."""
    enrol(app.engine, T0)
    bot = StandInBot()
    bot.failures = [NetworkError("Bad Gateway")]
    clock.set(at_berlin(2, 10))
    run_sweep(app, bot)
    clock.set(at_berlin(2, 10, 40))
    assert run_sweep(app, bot) == 1
    clock.set(at_berlin(2, 12))
    assert run_sweep(app, bot) == 0
    assert pending(app.engine)[0][:2] == (Kind.FOLLOW_UP, at_berlin(2, 12, 40))
    clock.set(at_berlin(2, 12, 40))
    assert run_sweep(app, bot) == 1 and "Just checking" in bot.sent[1][1]
