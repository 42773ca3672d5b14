"""Settings, read once from the environment (and a `.env` file beside the working directory)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NotRequired, TypedDict
from urllib.parse import urlsplit, urlunsplit

from dotenv import load_dotenv

from bot.domain.numbers import parse_number

TOKEN_PATTERN = re.compile(r"^[0-9]+:[A-Za-z0-9_-]+$")
DEFAULT_SQLITE_FILE = "kesimpta_bot.db"
TELEGRAM_API_BASE_URL = "https://api.telegram.org/bot"
ROLES = frozenset({"all", "sender"})
LOG_FORMATS = frozenset({"text", "json"})
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line meant for the operator."""


@dataclass(frozen=True)
class Settings:
    token: str
    database_url: str
    admin_ids: frozenset[int]
    api_base_url: str
    role: str = "all"
    rate_limit: bool = True
    broadcast_rate: float = 20.0
    paid_broadcast: bool = False
    paid_broadcast_rate: float = 100.0
    webhook_url: str | None = None
    port: int = 8080
    webhook_secret: str | None = None
    log_format: str = "text"
    retention_days: int = 180
    flood_limit: int = 20
    receiver_lease_seconds: int = 30
    support_shows_first_name: bool = False
    webapp_url: str | None = None
    webapp_auth_max_age: int = 3600

    @property
    def uses_webhook(self) -> bool:
        return self.webhook_url is not None

    @property
    def serves_web(self) -> bool:
        """Whether this process runs the web server: for the webhook, the page, or both."""
        return self.webhook_url is not None or self.webapp_url is not None

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def normalize_database_url(url: str | None) -> str:
    """Accept Heroku-style `postgres://` URLs (unknown to SQLAlchemy); default to SQLite."""
    if not url:
        return f"sqlite:///{Path.cwd() / DEFAULT_SQLITE_FILE}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def parse_admin_ids(raw: str | None) -> frozenset[int]:
    ids: set[int] = set()
    for part in (raw or "").replace(" ", "").split(","):
        if not part:
            continue
        number = parse_number(part.removeprefix("-"))
        if number is None:
            raise ConfigError(
                f"ADMIN_IDS must be comma-separated numeric Telegram user ids; {part!r} is not one "
                "(a user can learn theirs by sending /myid to the bot)."
            )
        ids.add(-number if part.startswith("-") else number)
    return frozenset(ids)


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Read and validate every setting; `env` replaces os.environ in tests."""
    if env is None:
        load_dotenv(Path.cwd() / ".env")
        env = dict(os.environ)
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is not set: talk to @BotFather in Telegram, send /newbot, and put "
            "the token it gives you in .env as TELEGRAM_BOT_TOKEN=... (see .env.example)."
        )
    if not TOKEN_PATTERN.match(token):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN does not look like a bot token (digits, a colon, then letters), "
            "e.g. 123456789:AAF...; copy it again from @BotFather (/mybots → API Token)."
        )
    return Settings(
        token=token,
        database_url=normalize_database_url(env.get("DATABASE_URL", "").strip() or None),
        admin_ids=parse_admin_ids(env.get("ADMIN_IDS")),
        api_base_url=env.get("TELEGRAM_API_BASE_URL", "").strip() or TELEGRAM_API_BASE_URL,
        role=parse_role(env.get("BOT_ROLE")),
        rate_limit=env.get("TELEGRAM_RATE_LIMIT", "on").strip().lower() not in {"off", "0", "no"},
        broadcast_rate=parse_broadcast_rate(env.get("BROADCAST_RATE")),
        paid_broadcast=parse_flag("PAID_BROADCAST", env.get("PAID_BROADCAST"), default=False),
        paid_broadcast_rate=parse_paid_broadcast_rate(env.get("PAID_BROADCAST_RATE")),
        **parse_webhook(env),
        log_format=parse_choice("LOG_FORMAT", env.get("LOG_FORMAT"), LOG_FORMATS, "text"),
        retention_days=parse_count("RETENTION_DAYS", env.get("RETENTION_DAYS"), 180, low=7),
        flood_limit=parse_count("FLOOD_LIMIT", env.get("FLOOD_LIMIT"), 20, low=3),
        receiver_lease_seconds=parse_count(
            "RECEIVER_LEASE_SECONDS", env.get("RECEIVER_LEASE_SECONDS"), 30, low=3
        ),
        support_shows_first_name=parse_flag(
            "SUPPORT_SHOWS_FIRST_NAME", env.get("SUPPORT_SHOWS_FIRST_NAME"), default=False
        ),
        webapp_url=parse_webapp_url(env.get("WEBAPP_URL")),
        webapp_auth_max_age=parse_count(
            "WEBAPP_AUTH_MAX_AGE", env.get("WEBAPP_AUTH_MAX_AGE"), 3600, low=60
        ),
    )


def parse_webapp_url(raw: str | None) -> str | None:
    """The patient's page (docs/webapp.md): Telegram opens only https pages, so anything else
    is refused here rather than by Telegram at the first tap. Its path ends in `/`."""
    url = (raw or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment:
        raise ConfigError(
            "WEBAPP_URL must be the https:// address of the patient's page, without ? or #, "
            f"e.g. https://bot.example.org/app/ (Telegram opens no other), not {url!r}."
        )
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


class Webhook(TypedDict):
    """The webhook settings, as `Settings` takes them (polling: just the port)."""

    port: int
    webhook_url: NotRequired[str]
    webhook_secret: NotRequired[str]


def parse_webhook(env: dict[str, str]) -> Webhook:
    """Webhook mode when WEBHOOK_URL is set: Telegram posts updates to it, and it must be
    https; the secret token proves a request comes from Telegram."""
    url = env.get("WEBHOOK_URL", "").strip() or None
    secret = env.get("WEBHOOK_SECRET", "").strip() or None
    port = parse_count("PORT", env.get("PORT"), 8080, low=1)
    if port > 65535:
        raise ConfigError(f"PORT must be a TCP port number (1 to 65535), not {port}.")
    if url is None:
        return Webhook(port=port)
    if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise ConfigError(
            f"WEBHOOK_URL must be an https:// address Telegram can reach, not {url!r}."
        )
    if secret is None or not SECRET_PATTERN.match(secret):
        raise ConfigError(
            "WEBHOOK_SECRET must be set with WEBHOOK_URL: 1 to 256 letters, digits, _ or -; "
            "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return Webhook(webhook_url=url, webhook_secret=secret, port=port)


def parse_choice(name: str, raw: str | None, choices: frozenset[str], default: str) -> str:
    value = (raw or default).strip().lower()
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(sorted(choices))}, not {raw!r}.")
    return value


FLAG_WORDS = {"true": True, "on": True, "yes": True, "1": True}
FLAG_WORDS |= {"false": False, "off": False, "no": False, "0": False}


def parse_flag(name: str, raw: str | None, *, default: bool) -> bool:
    """A yes/no setting: true/false, on/off, yes/no or 1/0, in any case; unset: `default`."""
    value = (raw or "").strip().lower()
    if not value:
        return default
    if value not in FLAG_WORDS:
        raise ConfigError(f"{name} must be true or false, not {raw!r}.")
    return FLAG_WORDS[value]


def parse_count(name: str, raw: str | None, default: int, *, low: int) -> int:
    number = parse_number((raw or str(default)).strip())
    if number is None or number < low:
        raise ConfigError(f"{name} must be a whole number of at least {low}, not {raw!r}.")
    return number


def parse_broadcast_rate(raw: str | None) -> float:
    """Messages per second for broadcasts (default 20 of Telegram's ~30, leaving room for
    reminders); 0 lifts the cap (load tests only)."""
    try:
        rate = float((raw or "20").strip())
    except ValueError:
        rate = -1.0
    if not 0 <= rate <= 30:
        raise ConfigError(
            f"BROADCAST_RATE must be a number of messages per second from 0 to 30, not {raw!r}."
        )
    return rate


def parse_paid_broadcast_rate(raw: str | None) -> float:
    """Messages per second for broadcasts when PAID_BROADCAST is on: Telegram then allows up
    to 1,000 a second, each message paid in Telegram Stars (docs/operating.md)."""
    try:
        rate = float((raw or "100").strip())
    except ValueError:
        rate = -1.0
    if not 1 <= rate <= 1000:
        raise ConfigError(
            "PAID_BROADCAST_RATE must be a number of messages per second from 1 to 1000, "
            f"not {raw!r}."
        )
    return rate


def parse_role(raw: str | None) -> str:
    """`all` (default): receive updates and send; `sender`: only send due messages (extra
    processes on one PostgreSQL database; only one process may receive updates)."""
    role = (raw or "all").strip().lower()
    if role not in ROLES:
        raise ConfigError(f"BOT_ROLE must be one of {', '.join(sorted(ROLES))}, not {raw!r}.")
    return role
