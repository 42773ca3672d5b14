"""Fixtures for end-to-end tests: a fake Bot API on 127.0.0.1 and the real bot process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e import harness
from tests.fakebotapi import FakeBotApi


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    yield from harness.fake_api_session()


@pytest.fixture
def bot(api: FakeBotApi, tmp_path: Path) -> Iterator[harness.BotProcess]:
    yield from harness.bot_process_session(api, tmp_path, {"ADMIN_IDS": "9001"})
