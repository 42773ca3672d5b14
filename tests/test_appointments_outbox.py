"""Appointments against a real database and the sweep under a fixed clock: their reminders are
written with them, sent once each (a crash after the claim included), re-planned when changed,
cancelled with them, dropped once stale, shown discreetly, sent to caregivers only when the
patient shares the appointment; a repeating test moves on; someone else's id changes
nothing; erasure takes them."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from bot.actions import appointments as actions
from bot.actions import caregivers as caregiver_actions
from bot.actions import settings
from bot.clock import FixedClock
from bot.config import Settings
from bot.db import transaction
from bot.domain.appointments import AppointmentAlert, AppointmentKind
from bot.domain.outcomes import Outcome
from bot.jobs import sweep
from bot.models import Appointment, OutboxMessage, Patient
from bot.services import Services
from bot.store import appointments, caregivers, outbox, patients, reminders
from tests.support import factories
from tests.test_outbox import StandInBot

PATIENT, CAREGIVER, STRANGER = 1, 2, 3
T0 = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)  # Monday 09:00 in Berlin
DAY = date(2027, 1, 12)  # Tuesday
AT = time(9, 30)  # 08:30 UTC
DAY_BEFORE_AT = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)  # 10:00 Berlin, the reminder time
SOON_AT = datetime(2027, 1, 12, 6, 30, tzinfo=UTC)
MRI = actions.Details(AppointmentKind.MRI, None, DAY, AT)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def app(engine: Engine, clock: FixedClock) -> Services:
    # the first dose months ahead: no dose reminder in the way of what is counted
    factories.enrol(engine, PATIENT, T0, first=date(2027, 6, 1))
    factories.enrol(engine, STRANGER, T0, first=date(2027, 6, 1), name="Sol", plan=False)
    settings_ = Settings(token="1:x", database_url="", admin_ids=frozenset(), api_base_url="")
    return Services(settings=settings_, engine=engine, clock=clock)


def run_sweep(app: Services, bot: StandInBot) -> int:
    return asyncio.run(sweep.run(bot, app))  # type: ignore[arg-type]


def rows(engine: Engine) -> list[tuple[str, int, datetime, str | None]]:
    kinds = appointments.KINDS
    with transaction(engine) as session:
        found = session.exec(
            select(OutboxMessage).where(OutboxMessage.patient_id == PATIENT).order_by("id")
        ).all()
        return [(r.kind, r.chat_id, r.due_at, r.outcome) for r in found if r.kind in kinds]


def pending(engine: Engine) -> list[tuple[str, int, datetime]]:
    return [(kind, chat, due) for kind, chat, due, outcome in rows(engine) if outcome is None]


def add(app: Services, details: actions.Details = MRI) -> int:
    found = actions.add(app.engine, app.clock.now(), PATIENT, details)
    assert found is not None and found.id is not None
    return found.id


def approved_caregiver(engine: Engine) -> None:
    with transaction(engine) as session:
        patient = session.get(Patient, PATIENT)
        assert patient is not None
        token, _ = caregivers.create_invite(session, patient, T0)
    with transaction(engine) as session:
        link, _ = caregivers.redeem(session, token, CAREGIVER, "Ben", T0)
        assert link is not None and link.id is not None
        link_id = link.id
    assert caregiver_actions.approve_caregiver(engine, T0, PATIENT, link_id) is not None


def test_adding_writes_both_reminders_and_each_is_sent_once(
    app: Services, clock: FixedClock
) -> None:
    add(app)
    assert pending(app.engine) == [
        (AppointmentAlert.DAY_BEFORE, PATIENT, DAY_BEFORE_AT),
        (AppointmentAlert.SOON, PATIENT, SOON_AT),
    ]
    bot = StandInBot()
    clock.set(DAY_BEFORE_AT - timedelta(seconds=1))
    assert run_sweep(app, bot) == 0
    clock.set(DAY_BEFORE_AT)
    assert run_sweep(app, bot) == 1
    assert run_sweep(app, bot) == 0, "sent once"
    assert bot.sent == [(PATIENT, "🗓 Tomorrow, Tue 2027-01-12 at 09:30: 🧲 MRI scan.")]
    clock.set(SOON_AT + timedelta(minutes=1))
    assert run_sweep(app, bot) == 1 and run_sweep(app, bot) == 0
    assert bot.sent[1] == (PATIENT, "⏰ In two hours, at 09:30: 🧲 MRI scan.")
    assert [outcome for *_, outcome in rows(app.engine)] == [Outcome.SENT, Outcome.SENT]


def test_a_claim_lost_in_a_crash_is_sent_once_by_the_next_sweep(
    app: Services, clock: FixedClock
) -> None:
    add(app)
    clock.set(DAY_BEFORE_AT)
    with transaction(app.engine) as session:  # a process claims, then dies before sending
        [lost] = outbox.claim(session, DAY_BEFORE_AT, 10, sweep.LEASE)
    bot = StandInBot()
    assert run_sweep(app, bot) == 0, "still leased to the dead process"
    clock.set(DAY_BEFORE_AT + sweep.LEASE)
    assert run_sweep(app, bot) == 1 and run_sweep(app, bot) == 0
    with transaction(app.engine) as session:
        assert not outbox.finish(session, lost, clock.now(), Outcome.SENT), "its claim is void"
    assert len(bot.sent) == 1


def test_changing_replans_and_cancelling_removes_the_reminders(
    app: Services, clock: FixedClock
) -> None:
    appointment_id = add(app)
    later = actions.Details(AppointmentKind.NEUROLOGIST, None, date(2027, 1, 20), time(14, 0))
    assert actions.change(app.engine, T0, STRANGER, appointment_id, later) is None
    assert actions.change(app.engine, T0, PATIENT, appointment_id, later) is not None
    assert pending(app.engine) == [
        (AppointmentAlert.DAY_BEFORE, PATIENT, datetime(2027, 1, 19, 9, 0, tzinfo=UTC)),
        (AppointmentAlert.SOON, PATIENT, datetime(2027, 1, 20, 11, 0, tzinfo=UTC)),
    ]
    assert not actions.cancel(app.engine, T0, STRANGER, appointment_id), "not theirs"
    assert not actions.cancel(app.engine, T0, PATIENT, 999_999)
    assert len(pending(app.engine)) == 2
    assert actions.cancel(app.engine, T0, PATIENT, appointment_id)
    assert pending(app.engine) == []
    clock.set(datetime(2027, 1, 20, 12, 0, tzinfo=UTC))
    bot = StandInBot()
    assert run_sweep(app, bot) == 0 and bot.sent == []


def test_found_late_the_day_before_one_is_dropped_and_none_after_the_start(
    app: Services, clock: FixedClock
) -> None:
    add(app)
    bot = StandInBot()
    clock.set(SOON_AT + timedelta(minutes=5))  # down from before the day-before reminder
    assert run_sweep(app, bot) == 1
    assert [text[:1] for _, text in bot.sent] == ["⏰"]
    assert [outcome for *_, outcome in rows(app.engine)] == [Outcome.STALE, Outcome.SENT]
    add(app, actions.Details(AppointmentKind.MRI, None, date(2027, 1, 13), AT))
    clock.set(datetime(2027, 1, 13, 9, 0, tzinfo=UTC))  # after that one began
    assert run_sweep(app, bot) == 0
    assert [outcome for *_, outcome in rows(app.engine)][2:] == [Outcome.STALE, Outcome.STALE]


def test_discreet_mode_hides_what_the_appointment_is(app: Services, clock: FixedClock) -> None:
    settings.set_discreet(app.engine, T0, PATIENT, True)
    add(app)
    bot = StandInBot()
    clock.set(DAY_BEFORE_AT)
    run_sweep(app, bot)
    clock.set(SOON_AT)
    run_sweep(app, bot)
    texts = [text for _, text in bot.sent if "appointment" in text]
    assert len(texts) == 2 and not any("MRI" in text for text in texts)


def test_caregivers_only_when_the_patient_shares_it(app: Services, clock: FixedClock) -> None:
    approved_caregiver(app.engine)
    appointment_id = add(app)
    assert {chat for _, chat, _ in pending(app.engine)} == {PATIENT}, "off by default"
    assert actions.toggle_share(app.engine, T0, STRANGER, appointment_id) is None
    shared = actions.toggle_share(app.engine, T0, PATIENT, appointment_id)
    assert shared is not None and shared.share
    assert sorted(chat for _, chat, _ in pending(app.engine)) == [1, 1, 2, 2]
    bot = StandInBot()
    clock.set(DAY_BEFORE_AT)
    run_sweep(app, bot)
    assert sorted(bot.sent) == [
        (PATIENT, "🗓 Tomorrow, Tue 2027-01-12 at 09:30: 🧲 MRI scan."),
        (CAREGIVER, "🗓 Ana, tomorrow, Tue 2027-01-12 at 09:30: 🧲 MRI scan."),
    ]
    unshared = actions.toggle_share(app.engine, T0, PATIENT, appointment_id)
    assert unshared is not None and not unshared.share
    clock.set(SOON_AT)
    run_sweep(app, bot)
    assert [chat for chat, _ in bot.sent[2:]] == [PATIENT]


def test_a_caregiver_revoked_meanwhile_gets_nothing(app: Services, clock: FixedClock) -> None:
    approved_caregiver(app.engine)
    appointment_id = add(app)
    actions.toggle_share(app.engine, T0, PATIENT, appointment_id)
    with transaction(app.engine) as session:  # the link goes, its rows not yet cancelled
        link = caregivers.approved_link(session, PATIENT, CAREGIVER)
        assert link is not None
        session.delete(link)
    bot = StandInBot()
    clock.set(DAY_BEFORE_AT)
    run_sweep(app, bot)
    assert [chat for chat, _ in bot.sent] == [PATIENT]


def test_a_repeating_test_moves_on_at_its_interval(app: Services, clock: FixedClock) -> None:
    every = actions.Details(AppointmentKind.BLOOD_IMMUNOGLOBULINS, None, date(2027, 1, 31), AT, 1)
    appointment_id = add(app, every)
    clock.set(datetime(2027, 1, 31, 8, 30, tzinfo=UTC))  # it begins
    bot = StandInBot()
    run_sweep(app, bot)
    with transaction(app.engine) as session:
        moved = session.get(Appointment, appointment_id)
        assert moved is not None and moved.day == date(2027, 2, 28)
    assert pending(app.engine) == [
        (AppointmentAlert.DAY_BEFORE, PATIENT, datetime(2027, 2, 27, 9, 0, tzinfo=UTC)),
        (AppointmentAlert.SOON, PATIENT, datetime(2027, 2, 28, 6, 30, tzinfo=UTC)),
        (AppointmentAlert.NEXT, PATIENT, datetime(2027, 2, 28, 8, 30, tzinfo=UTC)),
    ]
    clock.set(datetime(2027, 2, 28, 9, 0, tzinfo=UTC))
    run_sweep(app, bot)
    with transaction(app.engine) as session:
        again = session.get(Appointment, appointment_id)
        assert again is not None and again.day == date(2027, 3, 31), "counted from the 31st"


def test_a_one_off_appointment_never_repeats(app: Services, clock: FixedClock) -> None:
    appointment_id = add(app)
    assert AppointmentAlert.NEXT not in [kind for kind, _, _ in pending(app.engine)]
    clock.set(datetime(2027, 1, 13, 9, 0, tzinfo=UTC))
    with transaction(app.engine) as session:
        patient = patients.get(session, PATIENT)
        assert patient is not None
        assert appointments.upcoming(session, patient, clock.now()) == []
        assert [a.id for a in appointments.for_patient(session, PATIENT)] == [appointment_id]


def test_a_new_reminder_time_replans_the_day_before_one(app: Services) -> None:
    add(app)
    settings.set_reminder_time(app.engine, T0, PATIENT, time(19, 0))
    assert [due for kind, _, due in pending(app.engine) if kind == "appt_day_before"] == [
        datetime(2027, 1, 11, 18, 0, tzinfo=UTC)
    ]


def test_a_time_already_past_is_not_added(app: Services) -> None:
    gone = actions.Details(AppointmentKind.MRI, None, date(2027, 1, 4), time(8, 0))
    assert actions.add(app.engine, T0, PATIENT, gone) is None
    assert actions.add(app.engine, T0, 404, MRI) is None, "not enrolled"


def test_erasure_takes_the_appointments(app: Services) -> None:
    add(app)
    with transaction(app.engine) as session:
        patients.erase(session, PATIENT)
    with transaction(app.engine) as session:
        assert session.exec(select(Appointment)).all() == []
    assert pending(app.engine) == []


def test_while_blocked_nothing_is_sent_a_repeat_moves_on_and_back_replans(
    app: Services, clock: FixedClock
) -> None:
    every = actions.Details(AppointmentKind.BLOOD_HEPATITIS_B, None, DAY, AT, 3)
    appointment_id = add(app, every)
    with transaction(app.engine) as session:
        reminders.user_blocked(session, PATIENT, T0)
    bot = StandInBot()
    clock.set(datetime(2027, 1, 12, 9, 0, tzinfo=UTC))  # past the test's time
    assert run_sweep(app, bot) == 0
    with transaction(app.engine) as session:
        moved = session.get(Appointment, appointment_id)
        assert moved is not None and moved.day == date(2027, 4, 12), "moved on all the same"
    assert [outcome for *_, outcome in rows(app.engine)][:2] == [
        Outcome.CANCELLED,
        Outcome.CANCELLED,
    ]
    with transaction(app.engine) as session:
        reminders.user_back(session, PATIENT, clock.now())
    assert [kind for kind, _, _ in pending(app.engine)] == [
        AppointmentAlert.DAY_BEFORE,
        AppointmentAlert.SOON,
        AppointmentAlert.NEXT,
    ]
