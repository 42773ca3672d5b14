"""Stopping (SIGTERM) without a stand-in for Telegram's network: sends in flight finish or are
cut after the grace period, nothing stays claimed, and what was not sent goes out once on the
next run. The process-level test is tests/e2e/test_shutdown.py."""

from __future__ import annotations

import asyncio
import time as timing
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import Engine, select

from bot.clock import FixedClock
from bot.config import Settings
from bot.db import transaction
from bot.jobs import broadcast as worker
from bot.jobs import inflight, sweep
from bot.models import Broadcast, BroadcastDelivery, OutboxClaim, OutboxMessage
from bot.services import Services
from bot.store import broadcasts
from tests.support import factories

T0 = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
DOSE_DUE = datetime(2026, 3, 2, 9, 0, 30, tzinfo=UTC)  # 10:00:30 in Berlin
DOSE_TEXT = "It's time for dose 1"
PATIENTS = range(1, 7)


# --- running sends side by side -------------------------------------------------------------


def test_all_results_in_order_when_nobody_stops() -> None:
    async def answer(value: int, delay: float) -> int:
        await asyncio.sleep(delay)
        return value

    work = (answer(value, delay) for value, delay in [(1, 0.3), (2, 0.0), (3, 0.1)])
    assert asyncio.run(inflight.run_all(work, lambda: True)) == [1, 2, 3]


def test_a_send_still_waiting_after_the_grace_is_cut() -> None:
    ended: list[str] = []

    async def quick() -> str:
        await asyncio.sleep(0.05)
        ended.append("quick")
        return "quick"

    async def stuck() -> str:
        try:
            await asyncio.sleep(60)
        finally:
            ended.append("stuck")
        return "never"

    started = timing.monotonic()
    found = asyncio.run(inflight.run_all([stuck(), quick()], lambda: False, grace=0.3))
    assert found == ["quick"]
    assert sorted(ended) == ["quick", "stuck"], "the cut one was cancelled, not left behind"
    assert 0.3 <= timing.monotonic() - started < 2


def test_a_failure_is_raised_only_once_every_send_has_ended() -> None:
    ended: list[str] = []

    async def fails() -> int:
        raise RuntimeError("database gone")

    async def slow() -> int:
        await asyncio.sleep(0.3)
        ended.append("slow")
        return 1

    with pytest.raises(RuntimeError, match="database gone"):
        asyncio.run(inflight.run_all([fails(), slow()], lambda: True))
    assert ended == ["slow"], "the other send's outcome was recorded first"


# --- the outbox sweep -----------------------------------------------------------------------


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def app(engine: Engine, clock: FixedClock) -> Services:
    settings = Settings(token="1:x", database_url="", admin_ids=frozenset({9001}), api_base_url="")
    return Services(settings=settings, engine=engine, clock=clock)


def enrol(engine: Engine, user_id: int) -> None:
    factories.enrol(engine, user_id, T0)


class SlowBot:
    """Telegram taking `delay` seconds per message; `hang` chats never answer. SIGTERM arrives
    when `stop_after` sends are on their way: `stopping` turns true."""

    def __init__(
        self, delay: float, hang: frozenset[int] = frozenset(), stop_after: int = 1_000
    ) -> None:
        self.delay = delay
        self.hang = hang
        self.stop_after = stop_after
        self.started: list[int] = []
        self.sent: list[tuple[int, str]] = []
        self.stopping = False

    async def send_message(self, chat_id: int, text: str, **_: object) -> SimpleNamespace:
        self.started.append(chat_id)
        self.stopping = len(self.started) >= self.stop_after
        await asyncio.sleep(3600 if chat_id in self.hang else self.delay)
        self.sent.append((chat_id, text))
        return SimpleNamespace(message_id=len(self.sent))

    async def edit_message_reply_markup(self, *_: object, **__: object) -> None:
        return None

    def reminders_to(self, chat_id: int) -> int:
        return sum(1 for chat, text in self.sent if chat == chat_id and DOSE_TEXT in text)


def claimed(engine: Engine) -> list[int]:
    """Rows a process still holds: claimed, not finished and not handed back for a retry."""
    table, claims = OutboxMessage.__table__, OutboxClaim.__table__
    with engine.connect() as connection:
        return list(
            connection.execute(
                select(table.c.id)
                .join(claims, claims.c.outbox_id == table.c.id)
                .where(table.c.finished_at.is_(None))
            ).scalars()
        )


def test_stopping_mid_sweep_finishes_sends_in_flight_and_gives_back_the_rest(
    app: Services, clock: FixedClock
) -> None:
    for user_id in PATIENTS:
        enrol(app.engine, user_id)
    clock.set(DOSE_DUE)
    bot = SlowBot(delay=0.3, stop_after=sweep.IN_FLIGHT)

    sent = asyncio.run(sweep.run(bot, app, lambda: not bot.stopping))  # type: ignore[arg-type]

    assert sent == len(bot.started) == sweep.IN_FLIGHT, "those in flight finished, no new one"
    assert claimed(app.engine) == []
    with transaction(app.engine) as session:
        rows = session.execute(
            select(OutboxMessage.chat_id, OutboxMessage.outcome, OutboxMessage.not_before).where(
                OutboxMessage.kind == "dose"
            )
        ).all()
    assert sorted(outcome or "" for _, outcome, _ in rows).count("sent") == sweep.IN_FLIGHT
    assert all(lease is None for _, outcome, lease in rows if outcome is None), "at once"

    after = SlowBot(delay=0)  # the next process, a moment later: the rest go out, once
    asyncio.run(sweep.run(after, app))  # type: ignore[arg-type]
    for user_id in PATIENTS:
        assert bot.reminders_to(user_id) + after.reminders_to(user_id) == 1, user_id


def test_a_send_that_does_not_answer_is_cut_after_the_grace_and_given_back(
    app: Services, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inflight, "GRACE", 0.5)
    enrol(app.engine, 1)
    enrol(app.engine, 2)
    clock.set(DOSE_DUE)
    bot = SlowBot(delay=0.1, hang=frozenset({1}), stop_after=2)

    started = timing.monotonic()
    asyncio.run(sweep.run(bot, app, lambda: not bot.stopping))  # type: ignore[arg-type]
    assert timing.monotonic() - started < 3
    assert sorted(bot.started) == [1, 2] and bot.reminders_to(2) == 1
    assert claimed(app.engine) == []

    after = SlowBot(delay=0)
    asyncio.run(sweep.run(after, app))  # type: ignore[arg-type]
    assert after.reminders_to(1) == 1 and after.reminders_to(2) == 0


def test_a_sweep_started_while_stopping_claims_nothing(app: Services, clock: FixedClock) -> None:
    enrol(app.engine, 1)
    clock.set(DOSE_DUE)
    bot = SlowBot(delay=0)
    assert asyncio.run(sweep.run(bot, app, lambda: False)) == 0  # type: ignore[arg-type]
    assert bot.started == []
    with transaction(app.engine) as session:
        waits = session.execute(select(OutboxMessage.not_before)).scalars().all()
        claims = session.execute(select(OutboxClaim.outbox_id)).scalars().all()
    assert set(waits) == {None} and claims == []


# --- the broadcast worker -------------------------------------------------------------------


def test_a_broadcast_send_cut_by_the_grace_stays_pending_and_the_lease_is_given_back(
    app: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inflight, "GRACE", 0.5)
    for user_id in (1, 2, 3):
        factories.enrol(app.engine, user_id, T0, plan=False)
    with transaction(app.engine) as session:
        draft = broadcasts.create_draft(
            session, sender_id=9001, sender_name="Staff", text="Notice", now=T0
        )
        broadcast_id = draft.id or 0
    with transaction(app.engine) as session:
        broadcasts.start(session, broadcast_id, T0)
    bot = SlowBot(delay=0.1, hang=frozenset({2}), stop_after=2)

    started = timing.monotonic()
    asyncio.run(worker.run(bot, app, None, lambda: not bot.stopping))  # type: ignore[arg-type]
    assert timing.monotonic() - started < 3
    with transaction(app.engine) as session:
        held = session.get(Broadcast, broadcast_id)
        assert held is not None and held.lease_until is None and held.lease_token is None
        pending = session.execute(
            select(BroadcastDelivery.user_id).where(BroadcastDelivery.finished_at.is_(None))
        ).scalars()
        assert 2 in set(pending)

    after = SlowBot(delay=0)
    asyncio.run(worker.run(after, app, None, lambda: True))  # type: ignore[arg-type]
    got = [chat for chat, text in bot.sent + after.sent if text == "Notice"]
    assert sorted(got) == [1, 2, 3]
