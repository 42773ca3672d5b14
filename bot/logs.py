"""The process's log: one line per event, as text or JSON (`LOG_FORMAT`), never the token,
message texts or health data. Exceptions become their type and the code locations they passed
through, never their message (a ValueError or a database error can quote what a user typed);
only Telegram's descriptions and programming errors' messages (they name code) are kept.
Users appear as `user_ref(id)`, a keyed hash: a plain hash of a Telegram id could be reversed
by trying every id."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import sys
import threading
import traceback
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from pathlib import Path
from types import TracebackType
from typing import TextIO

from telegram.error import TelegramError

from bot.config import Settings

TOKEN_IN_TEXT = re.compile(r"\d+:[A-Za-z0-9_-]{30,}")
REDACTED = "<token>"
OWN_LOGGERS = "bot"
TRUSTED_ARGS = (OWN_LOGGERS, "alembic", "apscheduler")  # their arguments: our jobs, revisions
SPEAKS_CODE = (AttributeError, ImportError, NameError, TypeError)  # messages name code, not data
QUIET_LOGGERS = {
    # Their INFO lines carry request URLs, which hold the token (and, on a webhook, its path).
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "tornado.access": logging.WARNING,
    "aiohttp.access": logging.WARNING,
    # Below these levels they log whole updates, API parameters or SQL parameters: texts.
    "telegram": logging.INFO,
    "apscheduler": logging.INFO,
    "sqlalchemy.engine": logging.WARNING,
}
MAX_FRAMES = 8
MAX_DETAIL = 200
_PLAIN_ARG = re.compile(r"^[\w .:/-]{0,60}$")
_SOURCE_ROOT = Path(__file__).resolve().parent.parent

_key = secrets.token_bytes(32)  # until configure(): refs are unlinkable across processes
_secrets: tuple[str, ...] = ()


def configure(settings: Settings, level: str | None = None, stream: TextIO | None = None) -> None:
    """Route every logger (ours, the libraries', warnings, uncaught exceptions) to one handler
    on stderr (or `stream`) that writes one redacted line per record. `level` defaults to
    LOG_LEVEL, else INFO."""
    global _key, _secrets
    _key = key_for(settings.token)
    _secrets = (settings.token,)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(Redaction())
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    name = (level or os.environ.get("LOG_LEVEL") or "INFO").strip().upper()
    chosen = logging.getLevelName(name)
    root.setLevel(chosen if isinstance(chosen, int) else logging.INFO)
    for logger, floor in QUIET_LOGGERS.items():
        logging.getLogger(logger).setLevel(max(floor, root.level))
    logging.captureWarnings(True)
    sys.excepthook = _log_uncaught
    threading.excepthook = lambda hook: _log_uncaught(
        hook.exc_type, hook.exc_value or hook.exc_type(), hook.exc_traceback
    )
    sys.unraisablehook = _log_unraisable
    if not isinstance(chosen, int):
        logging.getLogger(__name__).warning("LOG_LEVEL %r is unknown; using INFO", name[:20])


def key_for(token: str) -> bytes:
    """The key of the user refs: derived from the token, so it needs no setting of its own and
    refs stay the same across restarts (and change when the token is rotated)."""
    return hmac.new(token.encode(), b"kesimpta-bot log user ref", hashlib.sha256).digest()


def user_ref(user_id: int | None, key: bytes | None = None) -> str:
    """A short, stable stand-in for a Telegram user id (HMAC-SHA256, 40 bits): the same id
    gives the same ref for as long as the token stays, and the id cannot be found from it
    without the token. `key` defaults to the configured token's."""
    if user_id is None:
        return "-"
    return hmac.new(key or _key, str(user_id).encode(), hashlib.sha256).hexdigest()[:10]


def redact(text: str) -> str:
    """Blank anything shaped like a bot token, and the configured token itself."""
    for secret in _secrets:
        text = text.replace(secret, REDACTED)
    return TOKEN_IN_TEXT.sub(REDACTED, text)


def describe(error: BaseException) -> str:
    """The error's type, with Telegram's description (written by Telegram, not by a user) or
    the message of a programming error (it names code), and the type of the error it came
    from; never the message of any other exception."""
    words = type(error).__name__
    if isinstance(error, TelegramError):
        words += ": " + one_line(error.message)[:MAX_DETAIL]
    elif isinstance(error, SPEAKS_CODE):
        words += ": " + one_line(str(error))[:MAX_DETAIL]
    cause = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    if cause is not None:
        words += f" (from {type(cause).__name__})"
    return redact(words)


def code_path(tb: TracebackType | None, limit: int = MAX_FRAMES) -> str:
    """Where an exception passed, as `file:line function` from outermost to innermost; only
    the bot's own frames and the last one, to stay short."""
    frames = traceback.extract_tb(tb)
    if not frames:
        return ""
    kept = [frame for frame in frames[:-1] if is_own(frame.filename)] + [frames[-1]]
    kept = kept[-limit:]
    return " > ".join(f"{short(frame.filename)}:{frame.lineno} {frame.name}" for frame in kept)


def one_line(text: str) -> str:
    return " ⏎ ".join(part.strip() for part in str(text).splitlines() if part.strip())


class Redaction(logging.Filter):
    """The safety net on the handler: a library's arguments that could be an update, a request
    body or an API answer are replaced by their type, and no token survives in the message."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and not _trusted(record.name):
            record.args = _plain_args(record.args)
        try:
            message = record.getMessage()
        except Exception:  # a malformed call must not hide the event
            message = str(record.msg)
        record.msg, record.args = redact(one_line(message)), None
        return True


class TextFormatter(logging.Formatter):
    """`2026-01-05T09:00:00.123Z INFO bot.jobs.sweep: message | error=… trace=…`, one line."""

    def format(self, record: logging.LogRecord) -> str:
        fields = _fields(record)
        line = f"{fields.pop('time')} {fields.pop('level')} {fields.pop('logger')}: "
        line += str(fields.pop("message"))
        if fields:
            line += " | " + " ".join(f"{key}={value}" for key, value in fields.items())
        return redact(line)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and an exception's error and
    trace."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(json.dumps(_fields(record), ensure_ascii=False, default=str))


def _fields(record: logging.LogRecord) -> dict[str, object]:
    moment = datetime.fromtimestamp(record.created, UTC)
    fields: dict[str, object] = {
        "time": f"{moment:%Y-%m-%dT%H:%M:%S}.{int(record.msecs):03d}Z",
        "level": record.levelname,
        "logger": record.name,
        "message": one_line(record.getMessage()),
    }
    if record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        fields["error"] = describe(error)
        fields["trace"] = code_path(record.exc_info[2])
    return fields


def _trusted(name: str) -> bool:
    return any(name == trusted or name.startswith(trusted + ".") for trusted in TRUSTED_ARGS)


def _plain_args(args: tuple[object, ...] | Mapping[str, object]) -> tuple[object, ...]:
    values: Iterable[object] = args.values() if isinstance(args, Mapping) else args
    return tuple(_plain(value) for value in values)


def _plain(value: object) -> object:
    if value is None or isinstance(value, int | float | Enum | timedelta | datetime | date):
        return value
    if isinstance(value, str) and _PLAIN_ARG.match(value):
        return value
    if isinstance(value, BaseException):
        return describe(value)
    return f"<{type(value).__name__}>"


def is_own(filename: str) -> bool:
    """Whether a traceback frame's file is the bot's own code (not a library's)."""
    return Path(filename).resolve().is_relative_to(_SOURCE_ROOT / OWN_LOGGERS)


def short(filename: str) -> str:
    """A frame's file as `bot/jobs/sweep.py` or `telegram/_bot.py`: no home or venv paths."""
    path = Path(filename)
    parts = path.parts
    if "site-packages" in parts:
        return "/".join(parts[parts.index("site-packages") + 1 :])
    resolved = path.resolve()
    if resolved.is_relative_to(_SOURCE_ROOT):
        return str(resolved.relative_to(_SOURCE_ROOT))
    return path.name


def _log_uncaught(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None
) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, tb)
        return
    logging.getLogger(OWN_LOGGERS).critical("uncaught exception", exc_info=(kind, error, tb))


def _log_unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """An exception Python can only ignore (in `__del__`, a finalizer): one line, not its
    usual several."""
    error = unraisable.exc_value or unraisable.exc_type()
    logging.getLogger(OWN_LOGGERS).warning(
        "exception ignored", exc_info=(unraisable.exc_type, error, unraisable.exc_traceback)
    )
