"""Webhook mode end to end: the real bot with WEBHOOK_URL, PORT and WEBHOOK_SECRET set. The
test plays Telegram's side of the webhook: it takes each update a user makes from the fake Bot
API and posts it to the bot's port, with the right secret, a wrong one or none."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.webhook import SECRET_HEADER
from tests.support.database import SQLITE_ONLY, TestDatabases
from tests.support.fakebotapi import FakeBotApi, FakeUser
from tests.support.harness import BotProcess

pytestmark = SQLITE_ONLY

SECRET = "e2e-webhook_secret-0123456789"
CONSENT = "Do you agree"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class WebBot:
    """The bot process in webhook mode and the address it listens on."""

    def __init__(self, process: BotProcess, port: int) -> None:
        self.process = process
        self.base = f"http://127.0.0.1:{port}"

    def request(
        self, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path,
            data=data,
            headers={"Content-Type": "application/json", **(headers or {})},
            method="GET" if body is None else "POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, payload = error.code, error.read()
        return status, json.loads(payload) if payload.startswith(b"{") else payload

    def post(self, update: dict[str, Any], secret: str | None = SECRET) -> int:
        headers = {} if secret is None else {SECRET_HEADER: secret}
        return self.request("/telegram", update, headers)[0]


@pytest.fixture
def web(api: FakeBotApi, tmp_path: Path, database: TestDatabases) -> Iterator[WebBot]:
    port = free_port()
    env = {
        "WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
        "PORT": str(port),
        "WEBHOOK_SECRET": SECRET,
    }
    with BotProcess(api, tmp_path, env, ready_method="setWebhook") as process:
        yield WebBot(process, port)


def sends(api: FakeBotApi, user: FakeUser) -> list[str]:
    return [call.params["text"] for call in api.calls_to("sendMessage", chat_id=user.chat_id)]


def last_update(api: FakeBotApi) -> dict[str, Any]:
    """What Telegram would post for the user's latest action."""
    return api.pending_updates[-1]


def test_the_bot_sets_its_webhook_with_the_secret_and_never_polls(
    api: FakeBotApi, web: WebBot
) -> None:
    call = api.wait_for_call("setWebhook")
    assert call.params["url"] == f"{web.base}/telegram"
    assert call.params["secret_token"] == SECRET
    assert {"message", "callback_query", "my_chat_member"} <= set(call.params["allowed_updates"])
    assert call.params.get("drop_pending_updates") in (None, False)
    assert api.webhook is not None
    time.sleep(1)  # long polling would have started by now
    assert api.count("getUpdates", ok=None) == 0
    assert api.count("deleteWebhook", ok=None) == 0


def test_updates_count_only_with_the_secret(api: FakeBotApi, web: WebBot) -> None:
    ana = api.user(1001, "Ana")
    ana.send("/start")
    start = last_update(api)
    assert web.post(start, secret=None) == 403
    assert web.post(start, secret="wrong") == 403
    assert web.post(start, secret=SECRET[:-1]) == 403
    assert web.post(start) == 200
    ana.wait_for(contains=CONSENT)
    # Updates are handled in order: had a refused post been queued, its answer came first.
    assert sum(CONSENT in text for text in sends(api, ana)) == 1, sends(api, ana)

    ana.send("yes")
    assert web.post(last_update(api)) == 200
    ana.wait_for(contains="time zone")
    assert sum(CONSENT in text for text in sends(api, ana)) == 1


def test_a_refused_update_gets_no_answer(api: FakeBotApi, web: WebBot) -> None:
    """Updates are handled in the order they arrive: once another user's update, posted after
    the refused one, is answered, the refused one would have been answered too."""
    mallory, ben = api.user(1002, "Mallory"), api.user(1003, "Ben")
    mallory.send("/start")
    assert web.post(last_update(api), secret="guess") == 403
    ben.send("/start")
    assert web.post(last_update(api)) == 200
    ben.wait_for(contains=CONSENT)
    assert sends(api, mallory) == []


def test_health_reports_the_database_and_a_recent_sweep(web: WebBot) -> None:
    deadline = time.monotonic() + 20
    while True:  # the first sweep runs a second after the start
        status, body = web.request("/healthz")
        if body.get("last_sweep_seconds_ago") is not None or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert status == 200, body
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert 0 <= body["last_sweep_seconds_ago"] < 25, body
    assert set(body) == {"status", "database", "last_sweep_seconds_ago"}


def test_sigterm_stops_the_server(web: WebBot) -> None:
    assert web.request("/healthz")[0] == 200
    started = time.monotonic()
    assert web.process.stop() == 0, web.process.logs()
    assert time.monotonic() - started < 10
    with pytest.raises(urllib.error.URLError):
        web.request("/healthz")
