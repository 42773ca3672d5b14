"""Shared fixtures. A test that needs a tool pip cannot install (PostgreSQL, libfaketime) skips
with its reason on a bare machine, but fails under CI=true, where .ci/run installs the tools.
A test that touches a database asks for ``database``/``database_url`` (or, end to end, just
runs the bot) and so runs twice: ``[sqlite]`` and ``[postgresql]``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.db import make_engine, migrate
from tests.support.database import (
    BACKENDS,
    NO_SERVER,
    Backend,
    TestDatabases,
    create_postgres_database,
    databases,
    drop_postgres_database,
    libpq_url,
    server_url,
)

os.environ.setdefault("PTB_TIMEDELTA", "1")

REPO_ROOT = Path(__file__).resolve().parents[1]
# Files the tests read (the contract's worked examples), kept in the repository so a fresh
# clone runs every test.
DATA = REPO_ROOT / "tests" / "data"


def missing_tool(reason: str) -> None:
    """Skip on a developer's machine; in CI every tool is installed, so a skip is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Backend:
    """The database a test runs on; a test (or module) limited to one backend says so with
    ``@pytest.mark.parametrize("backend", ["postgresql"])``."""
    return request.param


@pytest.fixture
def database(backend: Backend, tmp_path: Path) -> Iterator[TestDatabases]:
    """The test's databases on its backend: ``tmp_path`` (and each directory below it) stands
    for one, made when first asked for (see tests/support/database.py)."""
    if backend == "postgresql" and server_url() is None:
        missing_tool(NO_SERVER)
    with databases(backend, tmp_path) as found:
        yield found


@pytest.fixture
def database_url(database: TestDatabases) -> str:
    """An empty database on the test's backend (SQLAlchemy URL)."""
    return database.url()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """The test's database, migrated to the newest schema."""
    migrate(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'bot.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards (a ``postgresql://`` URL), for a
    test about PostgreSQL alone; a test for both backends takes ``database_url``."""
    if server_url() is None:
        missing_tool(NO_SERVER)
    url = create_postgres_database()
    yield libpq_url(url)
    drop_postgres_database(url)
