"""The bot on PostgreSQL, migrated by the release step (`alembic upgrade head`)."""

from __future__ import annotations

from pathlib import Path

import psycopg

from bot.db import migrate
from tests.e2e.harness import BotProcess
from tests.e2e.people import enrol, schedule_of
from tests.fakebotapi import FakeBotApi


def test_enrol_and_erase_on_postgresql(api: FakeBotApi, tmp_path: Path, postgres_url: str) -> None:
    migrate(postgres_url.replace("postgresql://", "postgresql+psycopg://"))
    with BotProcess(api, tmp_path, {"DATABASE_URL": postgres_url}):
        user = api.user(6001, "Vic")
        plan = schedule_of(enrol(user, zone="Europe/Madrid", first="today"))
        assert len(plan) == 12
        with psycopg.connect(postgres_url) as connection:
            assert connection.execute("SELECT count(*) FROM patients").fetchone() == (1,)
        user.send("/deletedata")
        confirm = user.wait_for(contains="erases everything")
        user.tap(confirm, "✅")
        user.wait_for_edit(confirm)
        with psycopg.connect(postgres_url) as connection:
            assert connection.execute("SELECT count(*) FROM patients").fetchone() == (0,)
            assert connection.execute("SELECT count(*) FROM conversations").fetchone() == (0,)
