"""The receiver lease (one process polls Telegram) on SQLite and PostgreSQL: two holders,
expiry, renewal, release, a dead holder's lease taken early, and a race for a free lease."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from bot import receiver
from bot.config import ConfigError, load_settings, normalize_database_url
from bot.db import make_engine, migrate, transaction
from bot.store import leases

T0 = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
TTL = timedelta(seconds=30)
NAME = "receiver"


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url = normalize_database_url(request.getfixturevalue(fixture))
    migrate(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def acquire(engine: Engine, holder: str, now: datetime, **kwargs: str) -> bool:
    with transaction(engine) as session:
        return leases.acquire(session, NAME, holder, now, TTL, **kwargs)


def holder(engine: Engine, now: datetime) -> str | None:
    with transaction(engine) as session:
        return leases.holder_of(session, NAME, now)


def test_one_holder_at_a_time_until_it_expires(engine: Engine) -> None:
    assert acquire(engine, "a", T0)
    assert not acquire(engine, "b", T0)
    assert not acquire(engine, "b", T0 + TTL - timedelta(seconds=1))
    assert holder(engine, T0 + TTL - timedelta(seconds=1)) == "a"
    assert holder(engine, T0 + TTL) is None, "expired at its expiry instant"
    assert acquire(engine, "b", T0 + TTL)
    assert holder(engine, T0 + TTL) == "b"
    assert not acquire(engine, "a", T0 + TTL + timedelta(seconds=1)), "a lost it for good"


def test_renewal_keeps_the_lease_past_its_first_expiry(engine: Engine) -> None:
    assert acquire(engine, "a", T0)
    for seconds in (10, 20, 30, 40, 50):
        now = T0 + timedelta(seconds=seconds)
        assert acquire(engine, "a", now), "the holder renews"
        assert not acquire(engine, "b", now)
    assert holder(engine, T0 + timedelta(seconds=50) + TTL - timedelta(seconds=1)) == "a"
    assert acquire(engine, "b", T0 + timedelta(seconds=50) + TTL)


def test_release_frees_it_at_once_and_only_for_its_holder(engine: Engine) -> None:
    assert acquire(engine, "a", T0)
    with transaction(engine) as session:
        assert not leases.release(session, NAME, "b")
    assert holder(engine, T0) == "a"
    with transaction(engine) as session:
        assert leases.release(session, NAME, "a")
    assert holder(engine, T0) is None
    assert acquire(engine, "b", T0 + timedelta(seconds=1))


def test_a_holder_known_dead_is_replaced_before_expiry(engine: Engine) -> None:
    assert acquire(engine, "a", T0)
    assert not acquire(engine, "b", T0, replacing="c"), "only the named holder is replaced"
    assert acquire(engine, "b", T0, replacing="a")
    assert holder(engine, T0) == "b"
    assert not acquire(engine, "a", T0 + timedelta(seconds=1))


def race(engine: Engine, now: datetime, contenders: int = 8) -> list[str]:
    """Who won among threads that all try to take the lease at the same moment."""
    barrier = threading.Barrier(contenders)
    won: list[str] = []

    def contend(name: str) -> None:
        barrier.wait()
        if acquire(engine, name, now):
            won.append(name)

    threads = [threading.Thread(target=contend, args=(f"p{i}",)) for i in range(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return won


def test_many_processes_racing_for_a_free_lease_one_wins(engine: Engine) -> None:
    """Threads with their own connections stand in for processes: the INSERT of an absent
    lease and the UPDATE of an expired one each let exactly one through."""
    for now in (T0, T0 + TTL):  # absent, then expired
        won = race(engine, now)
        assert len(won) == 1, won
        assert holder(engine, now) == won[0]


def test_a_holder_is_gone_only_when_its_process_is_gone_here() -> None:
    here = receiver.machine()
    if not here:
        pytest.skip("/proc does not name this machine's boot and PID namespace")
    me = receiver.holder_name()
    assert not receiver.is_gone(me.replace(f":{os.getpid()}:", f":{os.getppid()}:"))
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    dead = f"{here}:{child.pid}:0000"
    assert receiver.is_gone(dead)
    assert receiver.is_gone(f"{here}:{os.getpid()}:0000"), "our pid: that process is gone"
    assert not receiver.is_gone(dead, here="elsewhere.1"), "another machine: wait for expiry"
    assert not receiver.is_gone(f"x.1:{child.pid}:0000")
    assert not receiver.is_gone("not a holder")
    assert not receiver.is_gone(f"::{child.pid}:0000")


def test_lease_seconds_come_from_the_environment() -> None:
    env = {"TELEGRAM_BOT_TOKEN": "123:abc"}
    assert load_settings(env).receiver_lease_seconds == 30
    assert load_settings({**env, "RECEIVER_LEASE_SECONDS": "6"}).receiver_lease_seconds == 6
    with pytest.raises(ConfigError, match="RECEIVER_LEASE_SECONDS"):
        load_settings({**env, "RECEIVER_LEASE_SECONDS": "1"})
