"""The flood rule under a clock the test moves: the window, one answer per flood, recovery,
forgetting quiet people; and the message-size rule in front of the handlers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta

import pytest
from telegram import Chat, Message, Update, User
from telegram.ext import ApplicationHandlerStop

from bot import services, texts
from bot.actions import diary
from bot.domain.flood import FloodGate, Verdict
from bot.handlers import limits, support
from bot.handlers.flood import guard

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ALICE, BOB = 1, 2


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_up_to_the_limit_a_minute_is_read() -> None:
    gate = FloodGate(limit=5)
    assert [gate.check(ALICE, at(i * 12)) for i in range(12)] == [Verdict.READ] * 12
    verdicts = [gate.check(BOB, at(i)) for i in range(5)]
    assert verdicts == [Verdict.READ] * 5


def test_a_flood_gets_one_answer_then_silence() -> None:
    gate = FloodGate(limit=5)
    verdicts = [gate.check(ALICE, at(i / 10)) for i in range(100)]
    assert verdicts[:5] == [Verdict.READ] * 5
    assert verdicts[5] == Verdict.WARN
    assert verdicts[6:] == [Verdict.IGNORE] * 94


def test_the_window_slides_and_counts_ignored_messages() -> None:
    """A steady flood stays ignored: every message, read or not, fills the window."""
    gate = FloodGate(limit=3)
    verdicts = [gate.check(ALICE, at(i * 10)) for i in range(30)]  # 6 a minute, for 5 minutes
    assert verdicts[:3] == [Verdict.READ] * 3
    assert verdicts[3] == Verdict.WARN
    assert set(verdicts[4:]) == {Verdict.IGNORE}


def test_recovery_after_a_quiet_minute_and_a_new_answer_for_a_new_flood() -> None:
    gate = FloodGate(limit=3)
    assert Verdict.WARN in [gate.check(ALICE, at(i)) for i in range(10)]
    assert gate.check(ALICE, at(66)) == Verdict.IGNORE, "three messages within the minute"
    assert gate.check(ALICE, at(130)) == Verdict.READ, "a quiet minute: read again"
    assert gate.check(ALICE, at(131)) == Verdict.READ
    assert gate.check(ALICE, at(132)) == Verdict.READ
    assert gate.check(ALICE, at(133)) == Verdict.WARN, "a new flood, a new answer"
    assert gate.check(ALICE, at(134)) == Verdict.IGNORE


def test_the_limit_is_exactly_per_window() -> None:
    """Three messages at 0, 1, 2 s: the fourth is read at 60 s, not at 59.9 s."""
    gate = FloodGate(limit=3)
    for i in range(3):
        assert gate.check(ALICE, at(i)) == Verdict.READ
    assert gate.check(ALICE, at(59.9)) == Verdict.WARN
    gate = FloodGate(limit=3)
    for i in range(3):
        gate.check(ALICE, at(i))
    assert gate.check(ALICE, at(60)) == Verdict.READ


def test_twenty_commands_in_a_minute_are_each_read() -> None:
    """Someone tapping through the menu to explore: a command every three seconds, with the
    default limit, is never stopped."""
    gate = FloodGate(limit=20)
    verdicts = [gate.check(ALICE, at(i * 3), command=True) for i in range(20)]
    assert verdicts == [Verdict.READ] * 20
    assert gate.check(ALICE, at(59), command=True) == Verdict.READ, "a 21st as well"


def test_commands_have_twice_the_room_of_other_messages() -> None:
    gate = FloodGate(limit=5)
    verdicts = [gate.check(ALICE, at(i / 10), command=True) for i in range(100)]
    assert verdicts[:10] == [Verdict.READ] * 10
    assert verdicts[10] == Verdict.WARN, "a real flood of commands is still stopped"
    assert verdicts[11:] == [Verdict.IGNORE] * 89, "one answer, then silence"


def test_commands_and_messages_share_one_window() -> None:
    """Five messages fill the messages' limit; commands still pass until ten in all."""
    gate = FloodGate(limit=5)
    assert [gate.check(ALICE, at(i)) for i in range(5)] == [Verdict.READ] * 5
    assert gate.check(ALICE, at(5)) == Verdict.WARN
    assert [gate.check(ALICE, at(6 + i), command=True) for i in range(4)] == [Verdict.READ] * 4
    assert gate.check(ALICE, at(10), command=True) == Verdict.WARN, "a new episode, a new answer"
    assert gate.check(ALICE, at(11), command=True) == Verdict.IGNORE


def test_the_command_limit_is_never_below_the_messages_limit() -> None:
    assert FloodGate(limit=20).command_limit == 40
    with pytest.raises(ValueError, match="more tightly"):
        FloodGate(limit=20, command_limit=10)


def test_one_person_flooding_leaves_the_others_alone() -> None:
    gate = FloodGate(limit=3)
    for i in range(50):
        gate.check(ALICE, at(i / 10))
    assert [gate.check(BOB, at(5 + i)) for i in range(3)] == [Verdict.READ] * 3


def test_quiet_people_are_forgotten() -> None:
    gate = FloodGate(limit=20)
    for user in range(1000):
        gate.check(user, at(user / 100))
    assert gate.tracked() == 1000
    for i in range(25):
        gate.check(ALICE, at(20 + i * 5))  # only Alice goes on writing, for two minutes
    assert gate.tracked() == 1, "everyone quiet for a minute is dropped"
    assert gate.check(BOB + 5, at(145)) == Verdict.READ


def test_the_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least one"):
        FloodGate(limit=0)


def test_counting_is_cheap() -> None:
    """The guard runs for every update, one after another: 20,000 checks well under a second
    (about 30 ms on the project's machine)."""
    gate = FloodGate(limit=20)
    started = time.perf_counter()
    for i in range(20_000):
        gate.check(i % 500, at(i / 1000))
    assert time.perf_counter() - started < 1.0


class _Settings:
    def __init__(self, admin_ids: frozenset[int], flood_limit: int) -> None:
        self.admin_ids, self.flood_limit = admin_ids, flood_limit


class _Clock:
    def __init__(self) -> None:
        self.at = T0

    def now(self) -> datetime:
        return self.at


class _Services:
    def __init__(self, admin_ids: frozenset[int], flood_limit: int) -> None:
        self.settings = _Settings(admin_ids, flood_limit)
        self.clock = _Clock()
        self.engine = None  # a dropped update must never reach the database


class _Context:
    def __init__(self, admin_ids: frozenset[int] = frozenset(), limit: int = 3) -> None:
        self.bot_data: dict[str, object] = {services.KEY: _Services(admin_ids, limit)}
        self.tasks: list[Coroutine[object, object, None]] = []
        self.sent: list[tuple[int, str]] = []
        self.application = self
        self.bot = self

    def create_task(self, coroutine: Coroutine[object, object, None], name: str) -> None:
        self.tasks.append(coroutine)

    async def send_message(self, chat_id: int, text: str) -> None:
        self.sent.append((chat_id, text))


def _message(user_id: int) -> Update:
    user = User(user_id, "Ana", is_bot=False)
    chat = Chat(user_id, Chat.PRIVATE)
    return Update(1, message=Message(1, T0, chat, from_user=user, text="hi"))


async def test_staff_are_never_limited_and_others_are_stopped() -> None:
    context = _Context(admin_ids=frozenset({ALICE}), limit=3)
    for _ in range(50):
        await guard(_message(ALICE), context)  # type: ignore[arg-type]
    assert context.tasks == []
    for _ in range(3):
        await guard(_message(BOB), context)  # type: ignore[arg-type]
    stopped = 0
    for _ in range(50):
        with pytest.raises(ApplicationHandlerStop):
            await guard(_message(BOB), context)  # type: ignore[arg-type]
        stopped += 1
    assert stopped == 50
    assert len(context.tasks) == 1, "one calm answer, sent beside the update queue"
    await asyncio.gather(*context.tasks)
    assert context.sent == [(BOB, texts.limits.flood_pause())]


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("x" * limits.MAX_TEXT, False),
        ("x" * (limits.MAX_TEXT + 1), True),
        ("/taken " + "x" * limits.MAX_TEXT, True),
        ("/log " + "x" * limits.MAX_TEXT, False),  # /log answers with its own, lower limit
        ("/support " + "x" * limits.MAX_TEXT, False),  # /support allows more
        ("/support@kesimpta_bot " + "x" * limits.MAX_TEXT, False),
        ("/broadcast " + "x" * limits.MAX_TEXT, False),
        ("/" + "x" * limits.MAX_TEXT, True),
        (None, False),
    ],
)
def test_which_texts_are_too_long(text: str | None, refused: bool) -> None:
    assert limits.too_long(text) is refused


def test_the_global_limit_sits_between_the_specific_ones() -> None:
    """Free text gets more room than any typed answer or diary note; /support's own limit,
    above it, is why /support passes the guard."""
    assert diary.MAX_LENGTH < limits.MAX_TEXT < support.MAX_REQUEST
