"""`python -m bot.move_database SOURCE_URL TARGET_URL`: copy every row from one database to
another, typically from the SQLite file to PostgreSQL when a deployment outgrows one process.

The target is migrated to the newest schema first and must be empty; the source must be at
the same revision (start the bot once on it, or run `alembic upgrade head`). Stop the bot
before copying: rows written during the copy would be missed. Tables are copied parent before
child, in batches, in one transaction on the target, so a failure leaves it empty."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import Connection, Engine, func, inspect, select, text
from sqlmodel import SQLModel

from bot import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from bot.config import normalize_database_url
from bot.db import is_postgres, make_engine, migrate

BATCH = 5_000


class MoveError(Exception):
    """The move cannot start; the message says why, in one line."""


def move(source_url: str, target_url: str) -> dict[str, int]:
    """Copy all rows; returns the number copied per table."""
    source, target = make_engine(source_url), make_engine(target_url)
    try:
        migrate(target_url)
        _check(source, target)
        copied: dict[str, int] = {}
        with source.connect() as reading, target.begin() as writing:
            for table in SQLModel.metadata.sorted_tables:
                copied[table.name] = 0
                rows = reading.execute(select(table)).mappings()
                while batch := rows.fetchmany(BATCH):
                    writing.execute(table.insert(), [dict(row) for row in batch])
                    copied[table.name] += len(batch)
            if is_postgres(target):
                _advance_sequences(writing)
        return copied
    finally:
        source.dispose()
        target.dispose()


def _check(source: Engine, target: Engine) -> None:
    with source.connect() as reading, target.connect() as writing:
        revision = "SELECT version_num FROM alembic_version"
        if reading.execute(text(revision)).all() != writing.execute(text(revision)).all():
            raise MoveError(
                "the source is not at the newest schema: run `alembic upgrade head` on it first"
            )
        for table in SQLModel.metadata.sorted_tables:
            if writing.execute(select(func.count()).select_from(table)).scalar_one():
                raise MoveError(f"the target is not empty (table {table.name} has rows)")


def _advance_sequences(connection: Connection) -> None:
    """Copied ids were given explicitly; each serial column's sequence must continue after
    them, or the next insert would collide."""
    inspector = inspect(connection)
    for table in SQLModel.metadata.sorted_tables:
        for column in inspector.get_columns(table.name):
            default = str(column.get("default") or "")
            if default.startswith("nextval("):
                connection.execute(
                    text(
                        "SELECT setval(pg_get_serial_sequence(:table, :column), "
                        f"COALESCE((SELECT max({column['name']}) FROM {table.name}), 0) + 1, "
                        "false)"
                    ),
                    {"table": table.name, "column": column["name"]},
                )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.move_database", description=__doc__)
    parser.add_argument("source", help="e.g. sqlite:///kesimpta_bot.db")
    parser.add_argument("target", help="e.g. postgresql://user:password@host/dbname")
    arguments = parser.parse_args(argv)
    try:
        copied = move(
            normalize_database_url(arguments.source), normalize_database_url(arguments.target)
        )
    except MoveError as error:
        print(f"Nothing copied: {error}.", file=sys.stderr)
        return 2
    for table, count in copied.items():
        print(f"{table}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
