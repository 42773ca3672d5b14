"""A broadcast on PostgreSQL with two processes (the poller and a sender): one holds the
broadcast's lease at a time, so everyone gets it exactly once and the cap holds for the bot as
a whole, not per process. Extra processes are for PostgreSQL only (README: BOT_ROLE)."""

from __future__ import annotations

from collections import Counter
from contextlib import ExitStack
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert

from bot.db import migrate
from bot.models import Patient
from tests.e2e.test_broadcast import compose, received, report, send
from tests.support.fakebotapi import FakeBotApi
from tests.support.harness import BotProcess

STAFF = 9001
RECIPIENTS = list(range(610_001, 610_121))
RATE = 20

pytestmark = pytest.mark.parametrize("backend", ["postgresql"])


def test_two_processes_send_one_broadcast_once_within_one_cap(
    api: FakeBotApi, tmp_path: Path, database_url: str
) -> None:
    migrate(database_url)
    now = datetime.now(UTC)
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            insert(Patient.__table__),
            [
                {
                    "user_id": user_id,
                    "chat_id": user_id,
                    "time_zone": "Europe/Berlin",
                    "reminder_time": time(9),
                    "first_injection": date.today() + timedelta(days=200),
                    "enrolled_after": 0,
                    "paused": False,
                    "discreet": False,
                    "enrolled_at": now,
                    "updated_at": now,
                }
                for user_id in RECIPIENTS
            ],
        )
    engine.dispose()
    api.accept_any_chat()
    staff = api.user(STAFF, "Sam")
    env = {"DATABASE_URL": database_url, "ADMIN_IDS": str(STAFF), "BROADCAST_RATE": str(RATE)}
    notice = "<b>Both processes</b> are up"
    with ExitStack() as stack:
        stack.enter_context(
            BotProcess(
                api,
                tmp_path / "poller",
                {**env, "TELEGRAM_API_BASE_URL": api.base_url_for("poller")},
            )
        )
        stack.enter_context(
            BotProcess(
                api,
                tmp_path / "sender",
                {**env, "BOT_ROLE": "sender", "TELEGRAM_API_BASE_URL": api.base_url_for("sender")},
                ready_method="getMe",
            )
        )
        preview = compose(staff, notice)
        send(api, staff, preview)
        figures = report(staff, 1, after=preview, timeout=60)

    copies = received(api, notice)
    copies[STAFF] -= 1  # the preview
    assert {chat: n for chat, n in copies.items() if n} == dict.fromkeys(RECIPIENTS, 1)
    assert (figures["delivered"], figures["failed"], figures["blocked"]) == (120, 0, 0)
    moments = sorted(
        call.time
        for call in api.calls_to("sendMessage", ok=True)
        if call.params.get("text") == notice and int(call.chat_id) != STAFF
    )
    busiest = max(Counter(int(moment - moments[0]) for moment in moments).values())
    assert busiest <= 2 * RATE, f"{busiest} in one second: more than one process sending"
    rate = (len(moments) - 1) / (moments[-1] - moments[0])
    assert rate <= RATE * 1.1, f"{rate:.1f} msg/s for a cap of {RATE}: two processes sending?"
