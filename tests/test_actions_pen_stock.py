"""Pens at home against a real database, under a fixed clock: a recorded dose takes one pen
(once, however often it is recorded), its undo gives it back, a correction changes nothing; a
delivery adds, a count settles; the reorder reminder goes out once through the sweep, once
more three days later, then not again until a new shortage, and a delivery cancels it."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from bot.actions import doses
from bot.actions import pen_stock as actions
from bot.actions.pen_stock import StockRefusal, StockView
from bot.clock import FixedClock
from bot.config import Settings
from bot.db import transaction
from bot.domain.pen_stock import REPEAT_AFTER, ReorderKind
from bot.jobs import sweep
from bot.models import OutboxMessage, PenUse
from bot.services import Services
from bot.store import patients
from tests.support import factories

PATIENT, STRANGER = 1, 3
FIRST = date(2026, 3, 2)  # doses 03-02, 03-09, 03-16, 03-30, then the 30th monthly
T0 = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # 08:00 in Berlin on dose 1's day
REORDER = {kind.value for kind in ReorderKind}


class StandInBot:
    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send_message(self, chat_id: int, text: str, **_: object) -> SimpleNamespace:
        self.sent.append(text)
        return SimpleNamespace(message_id=len(self.sent))


@pytest.fixture
def engine(engine: Engine) -> Engine:
    factories.enrol(engine, PATIENT, T0 - timedelta(days=1), first=FIRST)
    return engine


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def app(engine: Engine, clock: FixedClock) -> Services:
    settings = Settings(token="1:x", database_url="", admin_ids=frozenset(), api_base_url="")
    return Services(settings=settings, engine=engine, clock=clock)


def count(engine: Engine, now: datetime = T0) -> int | None:
    view = actions.look(engine, now, PATIENT)
    assert view is not None
    return view.stock.count if view.stock else None


def record(
    engine: Engine, now: datetime, number: int | None = None, planned: date | None = None
) -> doses.Recorded | doses.Refused:
    return doses.record_dose(engine, now, PATIENT, number=number, planned=planned, source="command")


def reorder_rows(engine: Engine) -> list[tuple[str, int | None, str | None]]:
    with transaction(engine) as session:
        rows = session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.patient_id == PATIENT)
            .order_by(OutboxMessage.id)  # type: ignore[arg-type]
        ).all()
        return [(row.kind, row.dose_number, row.outcome) for row in rows if row.kind in REORDER]


def pending_reorders(engine: Engine) -> list[tuple[str, int | None]]:
    return [(kind, number) for kind, number, outcome in reorder_rows(engine) if outcome is None]


def reorders_sent(bot: StandInBot) -> list[str]:
    return [text for text in bot.sent if "reorder pens" in text]


def sweep_at(app: Services, clock: FixedClock, bot: StandInBot, at: datetime) -> None:
    clock.set(at)
    asyncio.run(sweep.run(bot, app))  # type: ignore[arg-type]


def test_a_recorded_dose_takes_one_pen_and_its_undo_gives_it_back(engine: Engine) -> None:
    actions.set_count(engine, T0, PATIENT, 4)
    recorded = record(engine, T0)
    assert isinstance(recorded, doses.Recorded) and recorded.number == 1
    assert count(engine) == 3
    assert doses.undo_dose(engine, T0, PATIENT, 1) is doses.UndoOutcome.UNDONE
    assert count(engine) == 4
    with transaction(engine) as session:
        assert session.exec(select(PenUse)).all() == []


def test_the_same_dose_recorded_twice_takes_one_pen(engine: Engine) -> None:
    actions.set_count(engine, T0, PATIENT, 4)
    first = record(engine, T0, number=1, planned=FIRST)
    retry = record(engine, T0 + timedelta(seconds=5), number=1, planned=FIRST)
    assert isinstance(first, doses.Recorded)
    assert isinstance(retry, doses.Refused) and retry.reason is doses.Refusal.ALREADY_RECORDED
    assert count(engine) == 3


def test_a_corrected_date_changes_no_count(engine: Engine) -> None:
    actions.set_count(engine, T0, PATIENT, 4)
    record(engine, T0)
    later = T0 + timedelta(days=8)
    assert isinstance(record(engine, later), doses.Recorded)  # dose 2, a day late
    assert count(engine, later) == 2
    moved = doses.correct_dose(engine, later, PATIENT, 2, lambda today: date(2026, 3, 9))
    assert isinstance(moved, doses.Recorded) and moved.day == date(2026, 3, 9)
    assert count(engine, later) == 2


def test_the_count_never_goes_below_zero_and_an_undo_gives_back_only_what_was_taken(
    engine: Engine,
) -> None:
    actions.set_count(engine, T0, PATIENT, 0)
    record(engine, T0)
    assert count(engine) == 0
    doses.undo_dose(engine, T0, PATIENT, 1)
    assert count(engine) == 0, "dose 1 took no pen: none comes back"


def test_an_undo_never_lifts_the_count_past_its_bound(engine: Engine) -> None:
    actions.set_count(engine, T0, PATIENT, 60)
    record(engine, T0)
    actions.add_delivery(engine, T0, PATIENT, 1)
    doses.undo_dose(engine, T0, PATIENT, 1)
    assert count(engine) == 60
    assert actions.look(engine, T0, PATIENT) is not None


def test_no_count_no_stock_and_a_dose_still_records(engine: Engine) -> None:
    assert isinstance(record(engine, T0), doses.Recorded)
    assert count(engine) is None


def test_a_count_settles_the_pens_earlier_doses_took(engine: Engine) -> None:
    actions.set_count(engine, T0, PATIENT, 4)
    record(engine, T0)
    actions.set_count(engine, T0, PATIENT, 5)  # counted after injecting: that pen is gone
    doses.undo_dose(engine, T0, PATIENT, 1)
    assert count(engine) == 5


def test_a_delivery_adds_once_per_button_and_within_bounds(engine: Engine) -> None:
    assert actions.look(engine, T0, STRANGER) is None
    assert actions.add_delivery(engine, T0, STRANGER, 3) is StockRefusal.NOT_ENROLLED
    added = actions.add_delivery(engine, T0, PATIENT, 3, seen=0)
    assert isinstance(added, StockView) and count(engine) == 3, "from nothing counted: 0 + 3"
    assert actions.add_delivery(engine, T0, PATIENT, 3, seen=0) is StockRefusal.STALE
    assert count(engine) == 3, "the same button tapped twice adds once"
    assert actions.add_delivery(engine, T0, PATIENT, 58) is StockRefusal.TOO_MANY
    assert count(engine) == 3
    with pytest.raises(ValueError):
        actions.set_count(engine, T0, PATIENT, 61)


def test_the_reminder_needs_a_count_and_is_off_by_default(engine: Engine) -> None:
    assert actions.set_reorder(engine, T0, PATIENT, 14) is StockRefusal.NO_COUNT
    actions.set_count(engine, T0, PATIENT, 1)
    assert pending_reorders(engine) == [], "off unless turned on"
    view = actions.set_reorder(engine, T0, PATIENT, 14)
    assert isinstance(view, StockView) and view.short and view.needed == 3
    assert pending_reorders(engine) == [(ReorderKind.FIRST, 2), (ReorderKind.AGAIN, 2)]
    actions.set_reorder(engine, T0, PATIENT, None)
    assert pending_reorders(engine) == []


def test_reorder_once_then_once_more_then_quiet(
    engine: Engine, app: Services, clock: FixedClock
) -> None:
    bot = StandInBot()
    actions.set_count(engine, T0, PATIENT, 3)  # doses 1-3; dose 4 (03-30) has none
    actions.set_reorder(engine, T0, PATIENT, 14)
    sweep_at(app, clock, bot, T0)
    assert reorders_sent(bot) == [], "03-30 is more than 14 days away"
    record(engine, T0)
    record(engine, T0 + timedelta(days=7))  # doses 1 and 2 on time: one pen left
    due = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)  # 10:00 Berlin, 14 days before 03-30
    sweep_at(app, clock, bot, due - timedelta(minutes=1))
    assert reorders_sent(bot) == []
    sweep_at(app, clock, bot, due)
    sweep_at(app, clock, bot, due + timedelta(minutes=1))
    assert len(reorders_sent(bot)) == 1
    assert "2026-03-16" in reorders_sent(bot)[0] and "2026-03-30" in reorders_sent(bot)[0]
    sweep_at(app, clock, bot, due + REPEAT_AFTER)
    sweep_at(app, clock, bot, due + REPEAT_AFTER + timedelta(hours=1))
    assert len(reorders_sent(bot)) == 2 and "once more" in reorders_sent(bot)[1]
    later = due + timedelta(days=10)
    actions.set_reorder(engine, later, PATIENT, 14)  # a re-plan: nothing new to say
    sweep_at(app, clock, bot, later)
    assert len(reorders_sent(bot)) == 2
    assert pending_reorders(engine) == []


def test_a_dose_in_between_does_not_re_arm_it(
    engine: Engine, app: Services, clock: FixedClock
) -> None:
    bot = StandInBot()
    actions.set_count(engine, T0, PATIENT, 2)
    actions.set_reorder(engine, T0, PATIENT, 14)  # dose 3 (03-16) is short: due today 10:00
    sweep_at(app, clock, bot, T0 + timedelta(hours=2))
    assert len(reorders_sent(bot)) == 1
    record(engine, T0 + timedelta(hours=3))  # one pen fewer, one dose fewer: the same gap
    assert pending_reorders(engine) == [(ReorderKind.AGAIN, 3)]
    sweep_at(app, clock, bot, T0 + REPEAT_AFTER + timedelta(hours=1))
    assert len(reorders_sent(bot)) == 1, "three days after the first went out"
    sweep_at(app, clock, bot, T0 + REPEAT_AFTER + timedelta(hours=2))
    assert len(reorders_sent(bot)) == 2
    assert pending_reorders(engine) == []


def test_a_delivery_cancels_the_pending_reminder_and_a_new_shortage_arms_it(
    engine: Engine, app: Services, clock: FixedClock
) -> None:
    bot = StandInBot()
    actions.set_count(engine, T0, PATIENT, 2)
    actions.set_reorder(engine, T0, PATIENT, 14)
    sweep_at(app, clock, bot, T0 + timedelta(hours=2))
    assert len(reorders_sent(bot)) == 1
    actions.add_delivery(engine, T0 + timedelta(hours=3), PATIENT, 6)  # 8 pens: until 2026-09
    assert ("pens_reorder2", 3, "cancelled") in reorder_rows(engine)
    assert pending_reorders(engine) == [(ReorderKind.FIRST, 9), (ReorderKind.AGAIN, 9)]
    sweep_at(app, clock, bot, T0 + REPEAT_AFTER + timedelta(hours=2))
    assert len(reorders_sent(bot)) == 1, "the repeat went with the delivery"
    actions.set_count(engine, T0 + timedelta(days=4), PATIENT, 1)  # some were spoilt
    assert pending_reorders(engine) == [(ReorderKind.FIRST, 2), (ReorderKind.AGAIN, 2)]
    sweep_at(app, clock, bot, T0 + timedelta(days=4))
    assert len(reorders_sent(bot)) == 2, "a new shortage: reminded again"


def test_a_claimed_reminder_is_sent_once_by_two_sweeps(
    engine: Engine, app: Services, clock: FixedClock
) -> None:
    bot = StandInBot()
    actions.set_count(engine, T0, PATIENT, 2)
    actions.set_reorder(engine, T0, PATIENT, 14)
    clock.set(T0 + timedelta(hours=2))

    async def both() -> None:
        await asyncio.gather(sweep.run(bot, app), sweep.run(bot, app))  # type: ignore[arg-type]

    asyncio.run(both())
    assert len(reorders_sent(bot)) == 1


def test_erasure_takes_the_stock_and_its_uses(engine: Engine) -> None:
    actions.set_count(engine, T0, PATIENT, 4)
    record(engine, T0)
    with transaction(engine) as session:
        patients.erase(session, PATIENT)
    with transaction(engine) as session:
        assert session.exec(select(PenUse)).all() == []
    assert actions.look(engine, T0, PATIENT) is None
