"""The test databases, on either backend, in one place.

Every test that touches a database runs twice, on SQLite and on PostgreSQL (the ``backend``
fixture in tests/conftest.py). A test's working directory (its ``tmp_path``) stands for its
database: on SQLite the file ``bot.db`` in it, on PostgreSQL a fresh database on the server
named by TEST_DATABASE_URL, created when first asked for and dropped when the test ends. The
e2e harness hands the bot ``database_url(workdir)``, and tests read the same database back with
``rows``/``value``, which return the same Python values on both backends: plain columns come
back as ``datetime`` (aware, UTC), ``date``, ``time``, ``bool`` and parsed JSON, counts as
``int``. Expressions the database computes (``min(due_at)``, ``x IS NOT NULL``) keep the
backend's own type: compare them through ``moment``/``day`` or as booleans (``1 == True``)."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, Literal, SupportsIndex, overload

import psycopg
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from bot.db import migrate

Backend = Literal["sqlite", "postgresql"]
BACKENDS: tuple[Backend, ...] = ("sqlite", "postgresql")
NO_SERVER = "TEST_DATABASE_URL is not set (no PostgreSQL server; .ci/run starts one)"


def server_url() -> str | None:
    """The PostgreSQL server tests may create databases on, as a libpq URL (or None)."""
    url = os.environ.get("TEST_DATABASE_URL")
    return url.replace("postgresql+psycopg://", "postgresql://", 1) if url else None


def create_postgres_database() -> str:
    """A fresh, empty database on the test server; its SQLAlchemy URL."""
    server = server_url()
    if server is None:
        raise RuntimeError(NO_SERVER)
    name = f"test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{server.rsplit('/', 1)[0].replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"


def drop_postgres_database(url: str) -> None:
    """Drop a database made by `create_postgres_database`, even while the bot is connected."""
    forget(url)
    server = server_url()
    assert server is not None
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def libpq_url(url: str) -> str:
    """The URL without SQLAlchemy's driver name, as psycopg.connect wants it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def sqlalchemy_url(url: str) -> str:
    """A libpq URL with SQLAlchemy's driver name (other URLs unchanged)."""
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@dataclass
class TestDatabases:
    """The databases of one test: one per working directory under ``root``, all on ``backend``."""

    __test__ = False
    backend: Backend
    root: Path
    created: dict[Path, str] = field(default_factory=dict)
    migrated: set[Path] = field(default_factory=set)

    def url(self, workdir: Path | None = None, *, migrated: bool = False) -> str:
        """The SQLAlchemy URL of ``workdir``'s database (the root's by default). ``migrated``:
        on PostgreSQL bring it to the newest schema first, as the release step does before the
        bot starts there (the bot migrates only a SQLite file itself)."""
        workdir = Path(workdir or self.root)
        if self.backend == "sqlite":
            return f"sqlite:///{workdir}/bot.db"
        if workdir not in self.created:
            self.created[workdir] = create_postgres_database()
        if migrated and workdir not in self.migrated:
            migrate(self.created[workdir])
            self.migrated.add(workdir)
        return self.created[workdir]

    def drop(self) -> None:
        for url in self.created.values():
            drop_postgres_database(url)
        self.created.clear()
        self.migrated.clear()


_registered: dict[Path, TestDatabases] = {}


@contextmanager
def databases(backend: Backend, root: Path) -> Iterator[TestDatabases]:
    """Make ``root`` and the directories below it stand for databases on ``backend`` while the
    block runs; the PostgreSQL databases made meanwhile are dropped afterwards."""
    found = TestDatabases(backend, Path(root))
    _registered[found.root] = found
    try:
        yield found
    finally:
        del _registered[found.root]
        found.drop()


def database_url(workdir: Path) -> str:
    """The database of a working directory, ready for the bot: on the test's backend when it
    lies in a test's directory, otherwise the SQLite file in it (the bot's default layout)."""
    workdir = Path(workdir)
    for directory in (workdir, *workdir.parents):
        if directory in _registered:
            return _registered[directory].url(workdir, migrated=True)
    return f"sqlite:///{workdir}/bot.db"


class Row(tuple[Any, ...]):
    """A result row: a plain tuple (``row == (1, "x")``) whose columns can also be read by name
    (``row["user_id"]``)."""

    _names: tuple[str, ...]

    def __new__(cls, values: tuple[Any, ...], names: tuple[str, ...]) -> Row:
        row = super().__new__(cls, values)
        row._names = names
        return row

    @overload
    def __getitem__(self, key: SupportsIndex | str) -> Any: ...
    @overload
    def __getitem__(self, key: slice) -> tuple[Any, ...]: ...
    def __getitem__(self, key: SupportsIndex | slice | str) -> Any:
        if isinstance(key, str):
            return super().__getitem__(self._names.index(key))
        return super().__getitem__(key)

    def as_dict(self) -> dict[str, Any]:
        return dict(zip(self._names, self, strict=True))


def _sqlite_datetime(raw: bytes) -> datetime:
    return moment(raw.decode())


# SQLite hands back what it stored (text, 0/1); these turn columns by their declared type into
# what PostgreSQL returns for the same column. Only connections made here ask for them.
for declared, convert in {
    "DATETIME": _sqlite_datetime,
    "DATE": lambda raw: date.fromisoformat(raw.decode()),
    "TIME": lambda raw: time.fromisoformat(raw.decode()),
    "BOOLEAN": lambda raw: bool(int(raw)),
    "JSON": lambda raw: json.loads(raw),
}.items():
    sqlite3.register_converter(declared, convert)

_engines: dict[str, Engine] = {}


def _engine(url: str) -> Engine:
    """A reader that holds no connection between queries (the bot may be writing meanwhile,
    and a PostgreSQL database must be droppable at the end)."""
    url = sqlalchemy_url(url)
    if url not in _engines:
        connect_args: dict[str, Any] = (
            {"timeout": 30, "detect_types": sqlite3.PARSE_DECLTYPES}
            if url.startswith("sqlite")
            else {"options": "-c timezone=UTC"}
        )
        _engines[url] = create_engine(url, poolclass=NullPool, connect_args=connect_args)
    return _engines[url]


def forget(url: str) -> None:
    engine = _engines.pop(sqlalchemy_url(url), None)
    if engine is not None:
        engine.dispose()


_QUOTED_OR_MARK = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"|\?|:")


def _named(sql: str) -> str:
    """``?`` placeholders as ``:p0, :p1, …`` (outside quotes), every other colon literal."""
    counter = iter(range(sql.count("?")))

    def replace(match: re.Match[str]) -> str:
        token = match.group()
        if token == "?":
            return f":p{next(counter)}"
        if token == ":":
            return "\\:"
        return token.replace(":", "\\:")

    return _QUOTED_OR_MARK.sub(replace, sql)


def rows(where: Path | str, sql: str, *params: object, **named: object) -> list[Row]:
    """The rows of ``sql`` on a working directory's database (or on a database URL), with
    ``?`` placeholders for ``params`` or ``:name`` ones for ``named``; statements that write
    are committed. Safe while the bot runs."""
    if params and named:
        raise TypeError("use either ? placeholders or :names, not both")
    url = database_url(where) if isinstance(where, Path) else where
    statement = text(_named(sql)) if not named else text(sql)
    values: Mapping[str, object] = named or {f"p{i}": value for i, value in enumerate(params)}
    with _engine(url).begin() as connection:
        result = connection.execute(statement, values)
        if not result.returns_rows:
            return []
        names = tuple(result.keys())
        return [Row(tuple(row), names) for row in result]


def value(where: Path | str, sql: str, *params: object, **named: object) -> Any:
    """The single value of a one-row, one-column query."""
    [row] = rows(where, sql, *params, **named)
    [only] = row
    return only


def moment(found: datetime | str) -> datetime:
    """A timestamp the database computed (``min(due_at)``: text on SQLite) as an aware UTC
    datetime."""
    if isinstance(found, str):
        found = datetime.fromisoformat(found)
    return found.replace(tzinfo=UTC) if found.tzinfo is None else found.astimezone(UTC)


def day(found: date | str) -> date:
    """A date the database computed (text on SQLite) as a ``date``."""
    return date.fromisoformat(found) if isinstance(found, str) else found


SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"])
"""For an end-to-end module whose subject no database changes (wording, parsing, layout, or a
handler's behaviour whose storage goes through store functions the unit tests run on both
backends): it runs once, on SQLite, to keep CI within its time. The flows where the database
itself is the point (the outbox and its senders, leases, caregivers, broadcasts, erasure,
retention, figures, settings, sign-up, the new features' reminders) run on both."""
