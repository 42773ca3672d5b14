"""The patient's page end to end on the server side: the real `python -m bot` in long-polling
mode with WEBAPP_URL and PORT set, against the fake Bot API. /healthz answers in polling mode,
the page is served with its security policy, the menu button opens it, /schedule and /history
carry its button, and a ✅ from the page reaches the chat as the chat's own confirmation, in
English and in German. The stores behind it are covered on both backends by
tests/test_webapp_api.py, so this runs on SQLite only."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest

from bot.db import make_engine, migrate
from bot.keyboards.doses import DoseAction, DoseTap
from bot.texts import menu, reminders
from bot.webapp import auth
from bot.webapp.site import CONTENT_SECURITY_POLICY
from tests.support.database import SQLITE_ONLY, TestDatabases, database_url
from tests.support.factories import enrol
from tests.support.fakebotapi import ChatMessage, FakeBotApi
from tests.support.harness import BotProcess
from tests.support.wording import rendered, shown

pytestmark = SQLITE_ONLY

PAGE_URL = "https://bot.example.org/app/"
ANA, ANKE = 6101, 6102  # Ana speaks English, Anke German


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Page:
    """What Telegram's browser would ask of the bot's server."""

    def __init__(self, port: int, token: str) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.token = token

    def get(self, path: str, user_id: int | None = None, body: Any = None) -> tuple[int, Any, Any]:
        headers = {"Content-Type": "application/json"}
        if user_id is not None:
            fields = {
                "user": json.dumps({"id": user_id, "first_name": "X"}),
                "auth_date": str(int(datetime.now(UTC).timestamp())),
            }
            signed = urlencode(fields | {"hash": auth.sign(fields, self.token)}, quote_via=quote)
            headers["Authorization"] = "tma " + signed
        request = urllib.request.Request(
            self.base + path,
            data=None if body is None else json.dumps(body).encode(),
            headers=headers,
            method="GET" if body is None else "POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                status, headers_in, payload = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers_in, payload = error.code, error.headers, error.read()
        is_json = headers_in.get("Content-Type", "").startswith("application/json")
        return status, headers_in, json.loads(payload) if is_json else payload.decode()


@pytest.fixture
def page(api: FakeBotApi, tmp_path: Path, database: TestDatabases) -> Iterator[Page]:
    url = database_url(tmp_path)
    migrate(url)
    engine = make_engine(url)
    today = datetime.now(UTC).date()
    for user_id, name, code in ((ANA, "Ana", "en"), (ANKE, "Anke", "de")):
        api.user(user_id, name, language_code=code)
        enrol(
            engine,
            user_id,
            datetime.now(UTC),
            first=today,
            name=name,
            language=code,
            zone="UTC",
            at=time(23, 59),
        )
    engine.dispose()
    port = free_port()
    env = {"WEBAPP_URL": PAGE_URL, "PORT": str(port)}
    with BotProcess(api, tmp_path, env):
        yield Page(port, api.token)


def test_health_page_and_menu_button_in_polling_mode(api: FakeBotApi, page: Page) -> None:
    status, _, health = page.get("/healthz")
    assert status == 200 and health["status"] == "ok"
    assert api.count("getUpdates", ok=None) > 0  # polling, not a webhook
    assert api.count("setWebhook", ok=None) == 0

    status, headers, html = page.get("/app/")
    assert status == 200 and "<html" in html
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"

    assert api.menu_button(None) == {
        "type": "web_app",
        "text": menu.page_menu_button(),
        "web_app": {"url": PAGE_URL},
    }
    status, _, body = page.get("/app/api/state")
    assert (status, body) == (401, "")


@pytest.mark.parametrize(("user_id", "code"), [(ANA, "en"), (ANKE, "de")])
def test_schedule_and_history_carry_the_pages_button(
    api: FakeBotApi, page: Page, user_id: int, code: str
) -> None:
    person = api.user(user_id)
    label = rendered(code, menu.page_button)
    for command in ("/schedule", "/history"):
        person.send(command)
        reply = person.wait_for(lambda message: bool(message.button_rows))
        assert reply.button(label)["web_app"] == {"url": PAGE_URL}, command


@pytest.mark.parametrize(("user_id", "code"), [(ANA, "en"), (ANKE, "de")])
def test_a_confirm_from_the_page_reaches_the_chat(
    api: FakeBotApi, page: Page, user_id: int, code: str
) -> None:
    person = api.user(user_id)
    status, headers, state = page.get("/app/api/state", user_id)
    assert status == 200 and headers["Cache-Control"] == "no-store"
    assert (state["enrolled"], state["language"]) == (True, code)
    assert state["next"]["number"] == 1 and state["next"]["due"] is True
    dose = {"number": 1, "planned": state["next"]["planned"]}

    cursor = person.cursor
    status, _, answer = page.get("/app/api/confirm", user_id, dose)
    assert status == 200 and answer["ok"] is True
    assert answer["state"]["next"]["number"] == 2
    assert answer["state"]["undo"] == {"number": 1}

    def confirmation(message: ChatMessage) -> bool:
        return message.body == shown(answer_html(code, answer))

    chat = person.wait_for(confirmation, after=cursor)
    taps = [DoseTap.parse(button["callback_data"]) for row in chat.button_rows for button in row]
    assert any(tap and (tap.number, tap.action) == (1, DoseAction.UNDO) for tap in taps)
    person.wait_for(contains=shown(rendered(code, reminders.ask_who)), after=cursor)

    status, _, again = page.get("/app/api/confirm", user_id, dose)
    assert again["ok"] is False
    assert again["message"] == shown(rendered(code, reminders.already_recorded))


def answer_html(code: str, answer: dict[str, Any]) -> str:
    """The chat's confirmation for what the page recorded, as the chat writes it."""
    following = answer["state"]["next"]
    taken = answer["state"]["doses"][0]["taken"]
    return rendered(
        code,
        lambda: reminders.recorded(
            1,
            datetime.fromisoformat(taken).date(),
            following["number"],
            datetime.fromisoformat(following["planned"]).date(),
        ),
    )
