"""Shared fixtures. A test that needs a tool pip cannot install (PostgreSQL, libfaketime) skips
with its reason on a bare machine, but fails under CI=true, where .ci/run installs the tools."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("PTB_TIMEDELTA", "1")

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"


def missing_tool(reason: str) -> None:
    """Skip on a developer's machine; in CI every tool is installed, so a skip is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'bot.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards (TEST_DATABASE_URL names a server)."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        missing_tool("TEST_DATABASE_URL is not set (no PostgreSQL server; .ci/run starts one)")
    import psycopg

    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    base = admin.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
