"""What a caregiver hears when a recorded dose changes, with the real sweep under a fixed clock
and a stand-in bot: one notice per change, a correction worded as one (with the date it
replaces), nothing twice. The tester's caregiver got "✅ Fay's dose 1 was injected on
2027-02-03" twice after the patient corrected the date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from bot.actions import doses as actions
from bot.clock import FixedClock
from bot.db import transaction
from bot.domain import caregivers as rules
from bot.domain.caregivers import Alert, Told
from bot.models import CaregiverLink
from bot.services import Services
from bot.store import caregivers, patients
from tests.support import factories
from tests.test_outbox import StandInBot, app, clock, run_sweep

__all__ = ["app", "clock"]  # the fixtures, shared with the outbox's tests

PATIENT, CAREGIVER = 1, 2
FIRST = date(2026, 3, 2)
T0 = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
DAY_FOUR = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)  # dose 1 two days late


@pytest.mark.parametrize(
    ("told", "undone", "news"),
    [
        (Told.SENT, False, Alert.CORRECTED),
        (Told.SENT, True, Alert.UNDONE),
        (Told.WAITING, False, Alert.CONFIRMED),
        (Told.WAITING, True, None),
        (Told.NOTHING, False, None),
        (Told.NOTHING, True, None),
    ],
)
def test_one_notice_per_change(told: Told, undone: bool, news: Alert | None) -> None:
    assert rules.news_of_change(told, undone) == news


@pytest.fixture
def linked(app: Services) -> Services:
    factories.enrol(app.engine, PATIENT, T0, first=FIRST, name="Fay")
    with transaction(app.engine) as session:
        patient = patients.get(session, PATIENT)
        assert patient is not None
        token, _ = caregivers.create_invite(session, patient, T0)
    with transaction(app.engine) as session:
        link, _ = caregivers.redeem(session, token, CAREGIVER, "Gus", T0)
        assert link is not None
        caregivers.approve(session, link, T0)
    return app


def to_caregiver(bot: StandInBot) -> list[str]:
    return [text for chat, text in bot.sent if chat == CAREGIVER]


def correct_to(engine: Engine, now: datetime, day: date) -> None:
    choose: Callable[[date], date | None] = lambda _: day  # noqa: E731
    assert isinstance(actions.correct_dose(engine, now, PATIENT, 1, choose), actions.Recorded)


def record(engine: Engine, now: datetime) -> None:
    outcome = actions.record_dose(engine, now, PATIENT, number=None, planned=None, source="button")
    assert isinstance(outcome, actions.Recorded)


def test_a_correction_after_the_notice_is_one_correction(
    linked: Services, clock: FixedClock
) -> None:
    bot = StandInBot()
    clock.set(DAY_FOUR)
    record(linked.engine, DAY_FOUR)
    run_sweep(linked, bot)
    assert to_caregiver(bot) == ["✅ Fay's dose 1 was injected on 2026-03-04."]
    correct_to(linked.engine, DAY_FOUR, date(2026, 3, 3))
    clock.set(DAY_FOUR + timedelta(minutes=1))
    run_sweep(linked, bot)
    run_sweep(linked, bot)
    assert to_caregiver(bot)[1:] == [
        "✏️ Fay corrected dose 1: injected on 2026-03-03 (not 2026-03-04)."
    ]


def test_two_corrections_before_the_sweep_name_the_date_the_caregiver_saw(
    linked: Services, clock: FixedClock
) -> None:
    bot = StandInBot()
    clock.set(DAY_FOUR)
    record(linked.engine, DAY_FOUR)
    run_sweep(linked, bot)
    correct_to(linked.engine, DAY_FOUR, date(2026, 3, 3))
    correct_to(linked.engine, DAY_FOUR, date(2026, 3, 2))
    run_sweep(linked, bot)
    assert to_caregiver(bot)[1:] == [
        "✏️ Fay corrected dose 1: injected on 2026-03-02 (not 2026-03-04)."
    ]
    correct_to(linked.engine, DAY_FOUR, date(2026, 3, 4))  # and back: news again, once
    correct_to(linked.engine, DAY_FOUR, date(2026, 3, 2))  # no: as they were told
    run_sweep(linked, bot)
    assert len(to_caregiver(bot)) == 2


def test_a_correction_before_the_notice_went_out_gives_one_notice_with_the_new_date(
    linked: Services, clock: FixedClock
) -> None:
    bot = StandInBot()
    clock.set(DAY_FOUR)
    record(linked.engine, DAY_FOUR)
    correct_to(linked.engine, DAY_FOUR, date(2026, 3, 3))
    run_sweep(linked, bot)
    run_sweep(linked, bot)
    assert to_caregiver(bot) == ["✅ Fay's dose 1 was injected on 2026-03-03."]


def test_undo_and_record_again_within_one_sweep_is_one_notice(
    linked: Services, clock: FixedClock
) -> None:
    """The tester's double: both notices composed against the new record at send time."""
    bot = StandInBot()
    clock.set(DAY_FOUR)
    record(linked.engine, DAY_FOUR)
    assert actions.undo_dose(linked.engine, DAY_FOUR, PATIENT, 1) is actions.UndoOutcome.UNDONE
    outcome = actions.record_dose(
        linked.engine,
        DAY_FOUR,
        PATIENT,
        number=None,
        planned=None,
        source="command",
        day=date(2026, 3, 3),
    )
    assert isinstance(outcome, actions.Recorded)
    run_sweep(linked, bot)
    run_sweep(linked, bot)
    assert to_caregiver(bot) == ["✅ Fay's dose 1 was injected on 2026-03-03."]


def test_an_undo_after_the_notice_is_said_once_and_before_it_is_silent(
    linked: Services, clock: FixedClock
) -> None:
    bot = StandInBot()
    on_the_day = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # undone, dose 1 is not missed yet
    clock.set(on_the_day)
    record(linked.engine, on_the_day)
    run_sweep(linked, bot)
    assert actions.undo_dose(linked.engine, on_the_day, PATIENT, 1) is actions.UndoOutcome.UNDONE
    run_sweep(linked, bot)
    assert to_caregiver(bot)[1:] == [
        "↩️ Fay took back the record of dose 1: it is not recorded as injected now."
    ]
    record(linked.engine, on_the_day)
    assert actions.undo_dose(linked.engine, on_the_day, PATIENT, 1) is actions.UndoOutcome.UNDONE
    run_sweep(linked, bot)
    assert len(to_caregiver(bot)) == 2, "recorded and taken back before the sweep: no news"


def test_a_caregiver_who_switched_dose_news_off_hears_no_correction(
    linked: Services, clock: FixedClock
) -> None:
    bot = StandInBot()
    clock.set(DAY_FOUR)
    record(linked.engine, DAY_FOUR)
    run_sweep(linked, bot)
    with transaction(linked.engine) as session:
        link = caregivers.link_between(session, PATIENT, CAREGIVER)
        assert isinstance(link, CaregiverLink)
        caregivers.set_choices(session, link, alert_confirmations=False)
    correct_to(linked.engine, DAY_FOUR, date(2026, 3, 3))
    run_sweep(linked, bot)
    assert len(to_caregiver(bot)) == 1
