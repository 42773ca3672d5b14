"""The Alembic migrations and the SQLModel models describe the same schema, on SQLite and
PostgreSQL, and the migrations run both ways."""

from __future__ import annotations

import subprocess
import sys

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from bot import models  # noqa: F401  (registers the tables)
from bot.db import alembic_config, make_engine, migrate
from tests.conftest import REPO_ROOT


def differences(url: str) -> list[object]:
    engine = make_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    return diff


def test_models_and_migrations_agree(database_url: str) -> None:
    migrate(database_url)
    assert differences(database_url) == []


def test_an_empty_database_differs_from_the_models(database_url: str) -> None:
    """The comparison above can fail: without migrations, every table is missing."""
    added = {diff[1].name for diff in differences(database_url) if diff[0] == "add_table"}
    assert added == set(SQLModel.metadata.tables)


def test_downgrade_to_base_and_back(database_url: str) -> None:
    config = alembic_config(database_url)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    engine = make_engine(database_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    command.upgrade(config, "head")
    assert differences(database_url) == []


def test_alembic_command_line_uses_database_url(database_url: str) -> None:
    """The Procfile's release step: `alembic upgrade head` reading DATABASE_URL."""
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=REPO_ROOT,
        env={"DATABASE_URL": database_url, "PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert differences(database_url) == []
