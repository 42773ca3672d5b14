"""`python -m bot.move_database`: everything arrives, ids continue after the copied ones, and a
target that is not empty or a source at an older schema is refused before anything is copied."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from bot.db import make_engine, migrate, transaction
from bot.models import DiaryEntry, OutboxMessage, SupportRequest
from bot.move_database import main
from bot.store import diary, languages, patients, support
from tests.support import factories

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def fill(url: str) -> None:
    migrate(url)
    engine = make_engine(url)
    for user_id in (1, 2, 3):
        language = "de" if user_id == 2 else "en"
        patient = factories.enrol(engine, user_id, NOW, name=f"P{user_id}", language=language)
        with transaction(engine) as session:
            diary.add(session, patient, f"note {user_id}", date(2026, 3, 3), NOW)
            support.open_request(session, user_id, NOW)
    engine.dispose()


def counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
                for table in SQLModel.metadata.sorted_tables
            }
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'target.db'}"
    else:
        yield request.getfixturevalue("postgres_url")


def test_everything_is_copied_and_new_ids_follow(sqlite_url: str, target: str) -> None:
    fill(sqlite_url)
    assert main([sqlite_url, target]) == 0
    before, after = counts(sqlite_url), counts(target)
    assert after == before and before["outbox"] > 0 and before["diary_entries"] == 3
    engine = make_engine(target.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with transaction(engine) as session:
            assert languages.of(session, 2) == "de"
            ana = patients.get(session, 1)
            assert ana is not None
            diary.add(session, ana, "after the move", date(2026, 3, 4), NOW)
            opened = support.open_request(session, 3, NOW)
            assert opened is not None and opened.id == 4, "support numbers continue"
        with transaction(engine) as session:
            texts = session.scalars(select(DiaryEntry.text).order_by(DiaryEntry.id)).all()
            assert texts == ["note 1", "note 2", "note 3", "after the move"]
            assert session.scalar(select(func.count()).select_from(OutboxMessage))
            assert session.scalar(select(func.max(SupportRequest.id))) == 4
    finally:
        engine.dispose()


def test_a_target_with_rows_is_refused(sqlite_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fill(sqlite_url)
    other = f"sqlite:///{tmp_path / 'other.db'}"
    fill(other)
    before = counts(other)
    assert main([sqlite_url, other]) == 2
    assert counts(other) == before


def test_a_source_at_an_older_schema_is_refused(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from alembic import command

    from bot.db import alembic_config

    old = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(old), "0004")
    assert main([old, f"sqlite:///{tmp_path / 'new.db'}"]) == 2
    assert "newest schema" in capsys.readouterr().err
