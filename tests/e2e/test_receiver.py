"""Two `BOT_ROLE=all` processes on one database, long polling: only the holder of the receiver
lease polls; the other takes over when the holder crashes (at once: a dead process on this
machine), when it freezes (once its lease has expired) or when it stops cleanly (released).
Each process calls the fake Bot API through its own base URL, so every call names its caller."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import psycopg
import pytest

from bot import receiver
from tests.support.database import TestDatabases, libpq_url, rows
from tests.support.fakebotapi import FakeBotApi, FakeUser
from tests.support.harness import BotProcess

LEASE = 6  # seconds (RECEIVER_LEASE_SECONDS): the processes look every 2 s
LOOK = LEASE / 3
MARGIN = 8.0  # a loaded 2-core machine: start of polling, the fake's answer, our own polling


class Pair:
    """Starts processes tagged by name on one database."""

    def __init__(self, api: FakeBotApi, root: Path, url: str, stack: ExitStack) -> None:
        self.api, self.root, self.url, self.stack = api, root, url, stack

    def start(self, name: str, *, lease: int = LEASE, polls: bool) -> BotProcess:
        env = {
            "DATABASE_URL": self.url,
            "TELEGRAM_API_BASE_URL": self.api.base_url_for(name),
            "RECEIVER_LEASE_SECONDS": str(lease),
        }
        process = BotProcess(
            self.api, self.root / name, env, ready_method="getUpdates" if polls else "getMe"
        )
        self.stack.callback(process.stop)
        return process.start()


@pytest.fixture
def pair(api: FakeBotApi, tmp_path: Path, database: TestDatabases) -> Iterator[Pair]:
    with ExitStack() as stack:
        yield Pair(api, tmp_path, database.url(tmp_path, migrated=True), stack)


def polls_of(api: FakeBotApi, name: str, after: int = 0) -> list[float]:
    """When `name` called getUpdates (call times, from call index `after` on)."""
    return [c.time for c in api.calls[after:] if c.method == "getUpdates" and c.client == name]


def answered_by(api: FakeBotApi, user: FakeUser) -> list[str | None]:
    return [call.client for call in api.calls_to("sendMessage", chat_id=user.chat_id, ok=True)]


def wait_for_polling(api: FakeBotApi, name: str, after: int, timeout: float) -> float:
    return api.wait_for_call(
        "getUpdates", timeout, after_index=after, predicate=lambda c: c.client == name
    ).time


def in_transaction(url: str) -> bool:
    """Whether another session is inside a transaction (and may hold a lock) right now."""
    if url.startswith("sqlite"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0)
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return True
        finally:
            connection.close()
        return False
    with psycopg.connect(libpq_url(url)) as connection:
        busy = connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND state <> 'idle'"
        ).fetchone()
    return busy is not None and busy[0] > 0


def freeze(process: BotProcess, url: str) -> float:
    """SIGSTOP the process between two of its transactions (a frozen open transaction would
    make the other process wait on its lock, not on the lease); returns when."""
    assert process.pid is not None
    for _ in range(100):
        os.kill(process.pid, signal.SIGSTOP)
        if not in_transaction(url):
            return time.time()
        os.kill(process.pid, signal.SIGCONT)
        time.sleep(0.05)
    raise AssertionError("the database was never quiet")


def test_only_the_lease_holder_polls_and_a_crash_hands_over_at_once(
    api: FakeBotApi, pair: Pair
) -> None:
    if not receiver.machine():
        pytest.skip("/proc does not tell this machine's boot id and PID namespace")
    lease = 30  # the takeover must not wait for it: the dead holder was on this machine
    first = pair.start("first", lease=lease, polls=True)
    pair.start("second", lease=lease, polls=False)
    ana = api.user(1001, "Ana")
    ana.send("/start")
    ana.wait_for(contains="Do you agree")
    assert answered_by(api, ana) == ["first"]
    time.sleep(2)  # the second process looks at the lease as it starts, right after getMe
    assert polls_of(api, "second") == [], "two processes polled one token"

    mark = api.call_index()
    first.kill()
    killed = time.time()
    taken = wait_for_polling(api, "second", mark, lease / 3 + MARGIN)
    assert taken - killed < lease, "the takeover waited for the lease to expire"
    ana.send("yes")
    ana.wait_for(contains="time zone")
    assert answered_by(api, ana) == ["first", "second"]


def test_a_frozen_holder_is_replaced_once_its_lease_expires(api: FakeBotApi, pair: Pair) -> None:
    """SIGSTOP stands for a holder that hangs or lost its network: it is alive, so only the
    lease's expiry hands over. Woken up, it finds the lease taken and stops polling; a clean
    stop of the new holder releases the lease, and the first takes over again."""
    first = pair.start("first", polls=True)
    second = pair.start("second", polls=False)
    time.sleep(2 * LOOK + 1)
    assert polls_of(api, "second") == [], "two processes polled one token"
    mark = api.call_index()
    frozen = freeze(first, pair.url)
    try:
        taken = wait_for_polling(api, "second", mark, LEASE + LOOK + MARGIN)
        assert taken - frozen >= LEASE - LOOK, "taken over before the lease could expire"
    finally:
        os.kill(first.pid or 0, signal.SIGCONT)

    ben = api.user(1002, "Ben")
    time.sleep(2 * LOOK + 1)  # the first process looks at the lease and stops polling
    settled = api.call_index()
    time.sleep(2 * LOOK)
    assert polls_of(api, "first", settled) == [], "the woken holder still polls"
    ben.send("/start")
    ben.wait_for(contains="Do you agree")
    assert answered_by(api, ben) == ["second"]

    mark = api.call_index()
    second_pid = second.pid
    assert second.stop() == 0
    stopped = time.time()
    holders = [row[0] for row in rows(pair.url, "SELECT holder FROM leases")]
    assert not [h for h in holders if f":{second_pid}:" in h], "a clean stop releases the lease"
    taken = wait_for_polling(api, "first", mark, LOOK + MARGIN)
    assert taken - stopped < LEASE, "a released lease is taken at the next look"
    ben.send("yes")
    ben.wait_for(contains="time zone")
    assert answered_by(api, ben) == ["second", "first"]
