"""Alembic wired to SQLModel's metadata; the URL comes from DATABASE_URL, as for the bot."""

import os
from pathlib import Path

from alembic import context
from dotenv import load_dotenv
from sqlalchemy import pool
from sqlmodel import SQLModel

from bot import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from bot.config import normalize_database_url
from bot.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def database_url() -> str:
    """Given by the bot when it migrates on start; from the environment for the `alembic` CLI."""
    if "database_url" in config.attributes:
        return config.attributes["database_url"]
    load_dotenv(Path.cwd() / ".env")
    return normalize_database_url(os.environ.get("DATABASE_URL", "").strip() or None)


def run_migrations_offline() -> None:
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Batch mode lets later migrations alter columns on SQLite, which has no ALTER COLUMN."""
    connectable = make_engine(database_url(), poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    connectable.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
