from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings, normalize_database_url, parse_admin_ids
from tests.conftest import REPO_ROOT

TOKEN = "123456789:AAFakeTokenForTests_abcdefghijklmnop"


def test_complete_settings() -> None:
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "DATABASE_URL": "postgres://u:p@db.example:5432/kes",
            "ADMIN_IDS": "42, 7,",
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9000/bot",
        }
    )
    assert settings.token == TOKEN
    assert settings.database_url == "postgresql+psycopg://u:p@db.example:5432/kes"
    assert settings.admin_ids == frozenset({42, 7})
    assert settings.api_base_url == "http://127.0.0.1:9000/bot"
    assert not settings.is_sqlite


def test_defaults() -> None:
    settings = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert settings.database_url == f"sqlite:///{Path.cwd() / 'kesimpta_bot.db'}"
    assert settings.is_sqlite
    assert settings.admin_ids == frozenset()
    assert settings.api_base_url == "https://api.telegram.org/bot"


@pytest.mark.parametrize("token", ["", "   ", "not-a-token", "12345", "abc:def", "123:has space"])
def test_missing_or_malformed_token(token: str) -> None:
    with pytest.raises(ConfigError, match="BotFather"):
        load_settings({"TELEGRAM_BOT_TOKEN": token})


def test_bad_admin_ids() -> None:
    with pytest.raises(ConfigError, match="ADMIN_IDS"):
        parse_admin_ids("12,alice")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://a@h/d", "postgresql+psycopg://a@h/d"),
        ("postgresql://a@h/d", "postgresql+psycopg://a@h/d"),
        ("postgresql+psycopg://a@h/d", "postgresql+psycopg://a@h/d"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_database_urls(given: str, expected: str) -> None:
    assert normalize_database_url(given) == expected


@pytest.mark.parametrize("token", ["", "nonsense"])
def test_bot_without_a_token_says_how_to_get_one(tmp_path: Path, token: str) -> None:
    """One clear line, no traceback, a non-zero exit; and no database file is created."""
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env={"TELEGRAM_BOT_TOKEN": token, "PYTHONPATH": str(REPO_ROOT), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "@BotFather" in lines[0], result.stderr
    assert list(tmp_path.iterdir()) == []


def test_support_shows_first_name_is_off_unless_switched_on() -> None:
    assert not load_settings({"TELEGRAM_BOT_TOKEN": TOKEN}).support_shows_first_name
    for on in ("true", "TRUE", "on", "yes", "1"):
        env = {"TELEGRAM_BOT_TOKEN": TOKEN, "SUPPORT_SHOWS_FIRST_NAME": on}
        assert load_settings(env).support_shows_first_name
    for off in ("false", "off", "no", "0", ""):
        env = {"TELEGRAM_BOT_TOKEN": TOKEN, "SUPPORT_SHOWS_FIRST_NAME": off}
        assert not load_settings(env).support_shows_first_name
    with pytest.raises(ConfigError, match="SUPPORT_SHOWS_FIRST_NAME must be true or false"):
        load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, "SUPPORT_SHOWS_FIRST_NAME": "maybe"})
