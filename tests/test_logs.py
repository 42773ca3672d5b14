"""bot/logs.py: one line per event (JSON or text), no token, no exception messages but
Telegram's, library arguments that could be an update replaced by their type, and users as a
keyed hash that does not give the id away."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import logging
import sys
import threading
import warnings
from collections.abc import Iterator

import pytest
from telegram import Update
from telegram.error import BadRequest, NetworkError
from telegram.ext import Application

from bot import logs
from bot.config import Settings

TOKEN = "7357111222:AAFq9-Zx_wLm3NnB8vYtR2kPoE5sHd1uCjGa"
SHORT_TOKEN = "123456:TEST-token"  # the fake Bot API's: too short for the pattern
UPDATE = {
    "update_id": 1,
    "message": {
        "message_id": 5,
        "date": 0,
        "chat": {"id": 48151623, "type": "private", "first_name": "Wilhelmina"},
        "from": {"id": 48151623, "is_bot": False, "first_name": "Wilhelmina"},
        "text": "/log dizzy spells since my injection on 2026-01-05",
    },
}
PRIVATE = ("Wilhelmina", "48151623", "dizzy", "2026-01-05")


def settings(log_format: str = "json", token: str = TOKEN) -> Settings:
    return Settings(
        token=token, database_url="", admin_ids=frozenset(), api_base_url="", log_format=log_format
    )


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure() changes the process's logging; put it back for the other tests."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in logs.QUIET_LOGGERS}
    hooks = sys.excepthook, threading.excepthook, sys.unraisablehook
    yield
    for handler in root.handlers[:]:
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)
    sys.excepthook, threading.excepthook, sys.unraisablehook = hooks
    logging.captureWarnings(False)


def configured(log_format: str = "json", level: str = "INFO", token: str = TOKEN) -> io.StringIO:
    stream = io.StringIO()
    logs.configure(settings(log_format, token), level=level, stream=stream)
    return stream


def fail_with(error: Exception) -> BaseException:
    try:
        try:
            raise KeyError("Wilhelmina")
        except KeyError as inner:
            raise error from inner
    except Exception as caught:
        return caught


def log_everything() -> None:
    """A record of each awkward sort: several lines, an exception whose message holds health
    data, a Telegram error quoting the token, a library logging an update, a warning."""
    log = logging.getLogger("bot.test")
    log.info("sweep claimed %s rows\nand then some", 3)
    error = fail_with(ValueError("Invalid isoformat string: 'dizzy since 2026-01-05'"))
    log.error("handler failed", exc_info=(type(error), error, error.__traceback__))
    network = NetworkError(f"httpx.ConnectError: https://api.telegram.org/bot{TOKEN}/getMe")
    log.warning("polling: %s", logs.describe(network))
    update = Update.de_json(UPDATE, None)
    logging.getLogger("telegram.ext.Application").critical(
        "Error while building CallbackContext for update %s", update
    )
    logging.getLogger("telegram.request").error('invalid JSON data: "%s"', json.dumps(UPDATE))
    logging.getLogger("httpx").warning(f'HTTP Request: POST https://x/bot{TOKEN}/getMe "200"')
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn("two\nlines", UserWarning, stacklevel=1)


def test_json_gives_one_object_per_record_and_nothing_private(restore_logging: None) -> None:
    stream = configured("json")
    log_everything()
    lines = stream.getvalue().splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 7
    assert all({"time", "level", "logger", "message"} <= set(record) for record in records)
    assert records[0]["message"] == "sweep claimed 3 rows ⏎ and then some"
    failed = records[1]
    assert failed["error"] == "ValueError (from KeyError)"
    assert "\n" not in failed["trace"] and "tests/test_logs.py:" in failed["trace"]
    assert "fail_with" in failed["trace"]
    assert records[2]["message"].startswith("polling: NetworkError: httpx.ConnectError")
    assert records[3]["message"].endswith("for update <Update>")
    assert records[4]["message"] == 'invalid JSON data: "<str>"'
    assert records[6]["logger"] == "py.warnings"
    text = stream.getvalue()
    assert TOKEN not in text and text.count(logs.REDACTED) == 2
    for word in PRIVATE:
        assert word not in text, word
    assert records[0]["time"].endswith("Z") and records[0]["time"][10] == "T"


def test_text_is_one_readable_line_per_record(restore_logging: None) -> None:
    stream = configured("text")
    log_everything()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 7
    assert " ERROR bot.test: handler failed | error=ValueError (from KeyError) trace=" in lines[1]
    assert all(not line.startswith((" ", "Traceback")) for line in lines)
    for word in (TOKEN, *PRIVATE):
        assert word not in stream.getvalue(), word


def test_the_configured_token_is_redacted_even_when_short(restore_logging: None) -> None:
    stream = configured("text", token=SHORT_TOKEN)
    logging.getLogger("bot.test").warning("calling https://x/bot%s/getMe", SHORT_TOKEN)
    error = fail_with(BadRequest(f"token {SHORT_TOKEN} in the description"))
    logging.getLogger("bot.test").error("x", exc_info=(type(error), error, error.__traceback__))
    assert SHORT_TOKEN not in stream.getvalue()
    assert stream.getvalue().count(logs.REDACTED) == 2


def test_libraries_cannot_log_updates_or_requests_even_at_debug(restore_logging: None) -> None:
    stream = configured("json", level="DEBUG")
    assert logging.getLogger("bot.jobs").isEnabledFor(logging.DEBUG)
    for name in ("telegram.ext.Application", "telegram.Bot", "apscheduler.scheduler"):
        assert not logging.getLogger(name).isEnabledFor(logging.DEBUG), name
    for name in ("httpx", "httpcore.http11", "sqlalchemy.engine.Engine"):
        assert not logging.getLogger(name).isEnabledFor(logging.INFO), name
    logging.getLogger("telegram.ext.Application").debug("Processing update %s", UPDATE)
    assert stream.getvalue() == ""


def test_an_error_no_handler_takes_is_logged_without_the_update(restore_logging: None) -> None:
    """What PTB itself logs when no error handler is registered: the exception with
    `exc_info`; the update's text must not come along with it."""
    stream = configured("json")
    application = Application.builder().token(TOKEN).build()
    update = Update.de_json(UPDATE, application.bot)
    error = fail_with(RuntimeError("Wilhelmina wrote: dizzy since 2026-01-05"))
    asyncio.run(application.process_error(update, error))
    [record] = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert record["level"] == "ERROR" and record["error"] == "RuntimeError (from KeyError)"
    for word in PRIVATE:
        assert word not in stream.getvalue(), word


def test_uncaught_and_ignored_exceptions_become_one_line(restore_logging: None) -> None:
    stream = configured("json")
    error = fail_with(RuntimeError("dizzy"))
    sys.excepthook(type(error), error, error.__traceback__)

    class Finalized:
        def __del__(self) -> None:
            raise ValueError("dizzy in a finalizer")

    Finalized()
    uncaught, ignored = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert uncaught["level"] == "CRITICAL" and uncaught["error"] == "RuntimeError (from KeyError)"
    assert ignored["message"] == "exception ignored" and ignored["error"] == "ValueError"
    assert "dizzy" not in stream.getvalue()


def test_user_refs_are_stable_keyed_and_not_the_id(restore_logging: None) -> None:
    configured("json")
    ref = logs.user_ref(48151623)
    assert ref == logs.user_ref(48151623) and len(ref) == 10
    assert "48151623" not in ref and ref != logs.user_ref(48151624)
    assert ref != hashlib.sha256(b"48151623").hexdigest()[:10], "a plain hash can be reversed"
    configured("json", token="7357111222:AAFanotherTokenAnotherTokenAnother")
    assert logs.user_ref(48151623) != ref, "keyed by the token"
    configured("json")
    assert logs.user_ref(48151623) == ref, "the same for as long as the token stays"
    assert logs.user_ref(None) == "-"


def test_only_telegram_and_programming_errors_keep_their_message() -> None:
    assert logs.describe(ValueError("dizzy since 2026-01-05")) == "ValueError"
    assert logs.describe(KeyError("Wilhelmina")) == "KeyError"
    missing = AttributeError("'NoneType' object has no attribute 'time_zone'")
    assert logs.describe(missing) == f"AttributeError: {missing}"
    assert logs.describe(BadRequest("Chat not found")) == "BadRequest: Chat not found"
