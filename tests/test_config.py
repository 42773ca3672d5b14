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


def test_the_page_is_off_unless_its_url_is_set() -> None:
    settings = load_settings({"TELEGRAM_BOT_TOKEN": "123:abc"})
    assert settings.webapp_url is None
    assert settings.webapp_auth_max_age == 3600
    assert not settings.serves_web


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://bot.example.org/app/", "https://bot.example.org/app/"),
        ("https://bot.example.org/app", "https://bot.example.org/app/"),
        (" https://bot.example.org ", "https://bot.example.org/"),
        ("https://bot.example.org:8443/a/b", "https://bot.example.org:8443/a/b/"),
    ],
)
def test_the_pages_url(given: str, expected: str) -> None:
    settings = load_settings({"TELEGRAM_BOT_TOKEN": "123:abc", "WEBAPP_URL": given})
    assert settings.webapp_url == expected
    assert settings.serves_web and not settings.uses_webhook


@pytest.mark.parametrize(
    "given",
    [
        "http://bot.example.org/app/",
        "http://127.0.0.1:8080/app/",
        "bot.example.org/app/",
        "https:///app/",
        "https://bot.example.org/app/?x=1",
        "https://bot.example.org/app/#top",
        "ftp://bot.example.org/",
    ],
)
def test_the_page_needs_https(given: str) -> None:
    with pytest.raises(ConfigError, match="WEBAPP_URL must be the https://"):
        load_settings({"TELEGRAM_BOT_TOKEN": "123:abc", "WEBAPP_URL": given})


@pytest.mark.parametrize(("given", "expected"), [("600", 600), ("60", 60), ("", 3600)])
def test_the_sign_in_age(given: str, expected: int) -> None:
    env = {"TELEGRAM_BOT_TOKEN": "123:abc", "WEBAPP_AUTH_MAX_AGE": given}
    assert load_settings(env).webapp_auth_max_age == expected


@pytest.mark.parametrize("given", ["59", "0", "-5", "an hour"])
def test_a_bad_sign_in_age_is_refused(given: str) -> None:
    env = {"TELEGRAM_BOT_TOKEN": "123:abc", "WEBAPP_AUTH_MAX_AGE": given}
    with pytest.raises(ConfigError, match="WEBAPP_AUTH_MAX_AGE"):
        load_settings(env)
