"""A failing handler: the user gets a polite answer (on the tapped button, else in the chat),
staff get a redacted report at most once per kind of error per hour by the app clock, with the
count of what was held back; polling faults are only logged."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import Engine
from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import services
from bot.clock import FixedClock
from bot.config import Settings
from bot.db import transaction
from bot.handlers import errors
from bot.handlers.errors import ReportThrottle
from bot.logs import user_ref
from bot.store import outbox, patients
from tests.support import factories

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
STAFF = (9001, 9002)
PATIENT = 48151623
SORRY = "Sorry, something went wrong on my side. Please try again in a moment."
IN_CHAT = (
    SORRY + "\n\nIf you feel unwell: your doctor; in an emergency 112 / 911 or your local "
    "emergency number."
)
"""In the chat the apology carries the safety line; a button's alert has no room for it."""
TYPED = "/schedule please, Wilhelmina here, dizzy since 2026-01-05"


# --- the once-an-hour rule -----------------------------------------------------------------


def test_one_report_per_kind_per_hour_with_the_count_held_back() -> None:
    throttle = ReportThrottle()
    kind = ("telegram.error.BadRequest", "bot/handlers/schedule.py:40")
    assert throttle.admit(kind, T0) == 0
    assert throttle.admit(kind, T0 + timedelta(minutes=1)) is None
    assert throttle.admit(kind, T0 + timedelta(minutes=59, seconds=59)) is None
    other = ("telegram.error.BadRequest", "bot/handlers/doses.py:88")
    assert throttle.admit(other, T0 + timedelta(minutes=30)) == 0, "another place, another kind"
    assert throttle.admit(kind, T0 + timedelta(hours=1)) == 2
    assert throttle.admit(kind, T0 + timedelta(hours=1, minutes=5)) is None
    assert throttle.admit(kind, T0 + timedelta(hours=5)) == 1
    assert throttle.admit(kind, T0 + timedelta(hours=5, seconds=1)) is None


# --- the error handler -----------------------------------------------------------------------


class StandInBot:
    """Records what the bot sends; a button may already have been answered."""

    def __init__(self, *, answered: bool = False, broken: bool = False) -> None:
        self.sent: list[tuple[int, str]] = []
        self.answers: list[tuple[str, str | None, bool]] = []
        self.answered = answered
        self.broken = broken

    async def send_message(self, chat_id: int, text: str, **_: object) -> SimpleNamespace:
        if self.broken:
            raise RuntimeError("the network is on fire")
        self.sent.append((chat_id, text))
        return SimpleNamespace(message_id=len(self.sent))

    async def answer_callback_query(
        self,
        callback_query_id: str,
        text: str | None = None,
        show_alert: bool = False,
        **_: object,
    ) -> bool:
        if self.answered:
            raise BadRequest("Query is too old and response timeout expired or query id is invalid")
        self.answers.append((callback_query_id, text, show_alert))
        return True

    def to(self, chat_id: int) -> list[str]:
        return [text for chat, text in self.sent if chat == chat_id]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


async def _callback(update: object, context: object) -> None:
    """Stands for a registered handler."""


def context_for(
    bot: StandInBot,
    engine: Engine,
    clock: FixedClock,
    error: BaseException,
    *,
    staff: tuple[int, ...] = STAFF,
    bot_data: dict[str, Any] | None = None,
    job: str | None = None,
) -> SimpleNamespace:
    settings = Settings(
        token="7357111222:AAFq9-Zx_wLm3NnB8vYtR2kPoE5sHd1uCjGa",
        database_url="",
        admin_ids=frozenset(staff),
        api_base_url="",
    )
    data = bot_data if bot_data is not None else {}
    data[services.KEY] = services.Services(settings=settings, engine=engine, clock=clock)
    handlers = [
        CommandHandler(["schedule", "next"], _callback),
        CallbackQueryHandler(_callback, pattern=r"^dose:"),
        MessageHandler(filters.TEXT, _callback),
    ]
    return SimpleNamespace(
        error=error,
        bot=bot,
        bot_data=data,
        job=SimpleNamespace(name=job) if job else None,
        application=SimpleNamespace(handlers={0: handlers}),
    )


def person() -> dict[str, Any]:
    return {"id": PATIENT, "is_bot": False, "first_name": "Wilhelmina", "language_code": "en"}


def command_update(bot: StandInBot, text: str = TYPED) -> Update:
    chat = {"id": PATIENT, "type": "private", "first_name": "Wilhelmina"}
    message = {"message_id": 7, "date": 0, "chat": chat, "from": person(), "text": text}
    return Update.de_json({"update_id": 1, "message": message}, bot)  # type: ignore[arg-type]


def button_update(bot: StandInBot, data: str = "dose:taken:12") -> Update:
    chat = {"id": PATIENT, "type": "private", "first_name": "Wilhelmina"}
    message = {"message_id": 8, "date": 0, "chat": chat, "text": "Time for your injection"}
    query = {"id": "q1", "from": person(), "chat_instance": "1", "data": data, "message": message}
    return Update.de_json({"update_id": 2, "callback_query": query}, bot)  # type: ignore[arg-type]


def raised(make: type[Exception] = BadRequest) -> BaseException:
    """An error as a handler would raise it, with a traceback (always from the same line, so
    every call is the same kind of error)."""
    try:
        raise make("Message is too long")
    except Exception as error:
        return error


def handle(update: object, context: SimpleNamespace) -> None:
    asyncio.run(errors.on_error(update, context))  # type: ignore[arg-type]


def test_a_failing_command_apologises_and_reports_once_an_hour(
    engine: Engine, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    bot, shared = StandInBot(), {}
    for minutes in (0, 10, 59):
        clock.set(T0 + timedelta(minutes=minutes))
        handle(command_update(bot), context_for(bot, engine, clock, raised(), bot_data=shared))
    assert bot.to(PATIENT) == [IN_CHAT] * 3, "every time, a polite answer"
    for staff_id in STAFF:
        [report] = bot.to(staff_id)
        assert "BadRequest: Message is too long" in report
        assert "/schedule" in report and "2026-03-02 09:00:00 UTC" in report
        assert user_ref(PATIENT) in report
        for private in ("Wilhelmina", str(PATIENT), "dizzy", "2026-01-05", "please"):
            assert private not in report, private
        assert "more time" not in report

    clock.set(T0 + timedelta(hours=1))
    handle(command_update(bot), context_for(bot, engine, clock, raised(), bot_data=shared))
    for staff_id in STAFF:
        reports = bot.to(staff_id)
        assert len(reports) == 2 and "It happened 2 more times since the last report." in reports[1]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert f"user={user_ref(PATIENT)}" in logged
    assert str(PATIENT) not in logged and "dizzy" not in logged


def test_each_kind_of_error_has_its_own_hour(engine: Engine, clock: FixedClock) -> None:
    bot, shared = StandInBot(), {}
    handle(command_update(bot), context_for(bot, engine, clock, raised(), bot_data=shared))
    handle(command_update(bot), context_for(bot, engine, clock, raised(KeyError), bot_data=shared))
    assert len(bot.to(STAFF[0])) == 2
    assert "KeyError" in bot.to(STAFF[0])[1] and "Message is too long" not in bot.to(STAFF[0])[1]


def test_only_the_bots_own_words_name_where_it_failed(engine: Engine, clock: FixedClock) -> None:
    """A command the bot doesn't know, or a forged button, is not echoed into the report."""
    bot = StandInBot()
    handle(command_update(bot, "/dizzyspells"), context_for(bot, engine, clock, raised()))
    assert "In: <code>message</code>" in bot.to(STAFF[0])[0]
    assert "dizzy" not in bot.to(STAFF[0])[0]


def test_a_failing_button_answers_the_tap(engine: Engine, clock: FixedClock) -> None:
    bot = StandInBot()
    handle(button_update(bot), context_for(bot, engine, clock, raised()))
    assert bot.answers == [("q1", SORRY, True)]
    assert bot.to(PATIENT) == []
    assert "In: <code>button ^dose:</code>" in bot.to(STAFF[0])[0]


def test_a_button_already_answered_gets_the_apology_in_the_chat(
    engine: Engine, clock: FixedClock
) -> None:
    bot = StandInBot(answered=True)
    handle(button_update(bot, "dose:<forged>"), context_for(bot, engine, clock, raised()))
    assert bot.to(PATIENT) == [IN_CHAT]
    assert "forged" not in bot.to(STAFF[0])[0]


def test_the_polite_answer_never_raises(
    engine: Engine, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    bot = StandInBot(broken=True)
    handle(command_update(bot), context_for(bot, engine, clock, raised()))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "could not tell the user about the failure: RuntimeError" in warnings
    assert "on fire" not in caplog.text


def test_a_failing_job_is_reported_without_an_apology(engine: Engine, clock: FixedClock) -> None:
    bot = StandInBot()
    handle(None, context_for(bot, engine, clock, raised(KeyError), job="outbox sweep"))
    [report] = bot.to(STAFF[0])
    assert "In: <code>job outbox sweep</code>" in report and "User" not in report
    assert bot.to(PATIENT) == []


def test_polling_faults_are_only_logged(
    engine: Engine, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    bot = StandInBot()
    handle(None, context_for(bot, engine, clock, raised(NetworkError)))
    assert bot.sent == []
    assert "polling: NetworkError: Message is too long" in caplog.text


def test_without_staff_nobody_gets_a_report(engine: Engine, clock: FixedClock) -> None:
    bot = StandInBot()
    handle(command_update(bot), context_for(bot, engine, clock, raised(), staff=()))
    assert bot.sent == [(PATIENT, IN_CHAT)]


def test_someone_who_blocked_the_bot_before_its_answer_is_marked_blocked_not_reported(
    engine: Engine, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Found by the simulated year: a 403 on the answer to a tap is the person blocking the
    bot meanwhile. Their reminders stop as after a failed reminder; no apology, no report."""
    caplog.set_level(logging.INFO)
    factories.enrol(engine, PATIENT, T0, first=T0.date())
    bot = StandInBot()
    handle(button_update(bot), context_for(bot, engine, clock, raised(Forbidden)))
    assert bot.sent == [], "neither an apology nor a report"
    with transaction(engine) as session:
        patient = patients.get(session, PATIENT)
        assert patient is not None and patient.blocked_at == T0
        assert all(row.chat_id != PATIENT for row in outbox.pending(session, PATIENT))
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert f"user={user_ref(PATIENT)} blocked the bot" in caplog.text


def test_a_403_from_a_staff_report_or_a_group_is_still_an_error(
    engine: Engine, clock: FixedClock
) -> None:
    """Only a private chat's 403 means its person blocked the bot."""
    bot = StandInBot()
    handle(None, context_for(bot, engine, clock, raised(Forbidden), job="sweep"))
    assert len(bot.to(STAFF[0])) == 1
