"""Fixtures for end-to-end tests: a fake Bot API on 127.0.0.1 and the real bot process."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import missing_tool
from tests.support import harness
from tests.support.database import TestDatabases
from tests.support.fakebotapi import FakeBotApi
from tests.support.harness import BotProcess, libfaketime_path


@pytest.fixture
def api(database: TestDatabases) -> Iterator[FakeBotApi]:
    """The fake Bot API. A test that talks to the bot runs once per backend: ``tmp_path``
    stands for the bot's database (``BotProcess`` finds it by its working directory; read it
    back with ``tests.support.database.rows``/``value``)."""
    yield from harness.fake_api_session()


@pytest.fixture
def bot(api: FakeBotApi, tmp_path: Path, database: TestDatabases) -> Iterator[harness.BotProcess]:
    yield from harness.bot_process_session(api, tmp_path, {"ADMIN_IDS": "9001"})


Start = Callable[[str], BotProcess]


@pytest.fixture
def bot_env() -> dict[str, str]:
    """Extra settings for the bot `start_at` starts; a test module overrides it (e.g. staff)."""
    return {}


@pytest.fixture
def start_at(
    api: FakeBotApi, tmp_path: Path, database: TestDatabases, bot_env: dict[str, str]
) -> Iterator[Start]:
    """Start the bot with its clock at a given UTC time; only one runs at a time."""
    if libfaketime_path() is None:
        missing_tool("libfaketime is not installed (Debian package faketime)")
    running: list[BotProcess] = []

    def start(at: str) -> BotProcess:
        for bot in running:
            bot.stop()
        running.clear()
        bot = BotProcess(api, tmp_path, bot_env, faketime=f"@{at}").start()
        running.append(bot)
        return bot

    yield start
    for bot in running:
        bot.stop()
