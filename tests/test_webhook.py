"""The webhook server's routes in-process (aiohttp's test client): the secret-token check, what
reaches the update queue, and /healthz with a reachable or unreachable database and a fresh or
stale sweep. The real process is driven in tests/e2e/test_webhook.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from telegram.ext import Application

from bot import services, web, webhook
from bot.clock import FixedClock
from bot.config import Settings
from bot.db import make_engine, migrate
from bot.services import Services

T0 = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
SECRET = "s3cret_token-xyz"
UPDATE = {
    "update_id": 500,
    "message": {
        "message_id": 1,
        "date": 1_772_344_800,
        "chat": {"id": 1001, "type": "private", "first_name": "Ana"},
        "from": {"id": 1001, "is_bot": False, "first_name": "Ana"},
        "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    },
}


def application_for(database_url: str, clock: FixedClock) -> Application:
    settings = Settings(
        token="123:abc",
        database_url=database_url,
        admin_ids=frozenset(),
        api_base_url="http://127.0.0.1:9/bot",
        webhook_url="https://bot.example.org/telegram",
        webhook_secret=SECRET,
    )
    application = Application.builder().token(settings.token).updater(None).build()
    application.bot_data[services.KEY] = Services(
        settings=settings, engine=make_engine(database_url), clock=clock
    )
    return application


async def client_for(application: Application) -> AsyncIterator[TestClient]:
    started = services.of(application).clock.now()
    async with TestClient(TestServer(web.web_app(application, started))) as client:
        yield client


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def application(sqlite_url: str, clock: FixedClock) -> Application:
    migrate(sqlite_url)
    return application_for(sqlite_url, clock)


@pytest.fixture
async def client(application: Application) -> AsyncIterator[TestClient]:
    async for client in client_for(application):
        yield client


@pytest.mark.parametrize(
    "headers",
    [{}, {webhook.SECRET_HEADER: "wrong"}, {webhook.SECRET_HEADER: SECRET + "x"}],
    ids=["missing", "wrong", "longer"],
)
async def test_an_update_without_the_secret_is_refused(
    client: TestClient, application: Application, headers: dict[str, str]
) -> None:
    response = await client.post("/telegram", json=UPDATE, headers=headers)
    assert response.status == 403
    assert application.update_queue.empty()


async def test_an_update_with_the_secret_is_queued(
    client: TestClient, application: Application
) -> None:
    response = await client.post("/telegram", json=UPDATE, headers={webhook.SECRET_HEADER: SECRET})
    assert response.status == 200
    update = application.update_queue.get_nowait()
    assert (update.update_id, update.message.text) == (500, "/start")
    assert application.update_queue.empty()


@pytest.mark.parametrize("body", [b"{not json", b"null", b"[1, 2]", b'{"message": 5}'])
async def test_what_is_not_an_update_is_a_bad_request(
    client: TestClient, application: Application, body: bytes
) -> None:
    headers = {webhook.SECRET_HEADER: SECRET, "Content-Type": "application/json"}
    response = await client.post("/telegram", data=body, headers=headers)
    assert response.status == 400
    assert application.update_queue.empty()


async def test_only_the_webhook_path_takes_updates(client: TestClient) -> None:
    headers = {webhook.SECRET_HEADER: SECRET}
    assert (await client.post("/", json=UPDATE, headers=headers)).status == 404
    assert (await client.get("/telegram")).status == 405


async def test_health_reports_the_database_and_the_sweep(
    client: TestClient, application: Application, clock: FixedClock
) -> None:
    response = await client.get("/healthz")
    assert response.status == 200, "just started: no sweep yet, but not late either"
    assert await response.json() == {
        "status": "ok",
        "database": "ok",
        "last_sweep_seconds_ago": None,
    }

    heartbeat = services.of(application).heartbeat
    heartbeat.swept_at = T0 + timedelta(seconds=30)
    clock.set(T0 + timedelta(seconds=42))
    response = await client.get("/healthz")
    assert (response.status, (await response.json())["last_sweep_seconds_ago"]) == (200, 12.0)

    clock.set(heartbeat.swept_at + web.STALE_SWEEP + timedelta(seconds=1))
    response = await client.get("/healthz")
    assert response.status == 503
    assert await response.json() == {
        "status": "unhealthy",
        "database": "ok",
        "last_sweep_seconds_ago": 61.0,
    }


async def test_health_without_a_first_sweep_turns_unhealthy(
    client: TestClient, clock: FixedClock
) -> None:
    clock.set(T0 + web.STALE_SWEEP + timedelta(seconds=1))
    assert (await client.get("/healthz")).status == 503


async def test_health_with_an_unreachable_database_is_503(
    tmp_path: Path, clock: FixedClock
) -> None:
    application = application_for(f"sqlite:///{tmp_path}/missing/dir/bot.db", clock)
    services.of(application).heartbeat.swept_at = T0
    async for client in client_for(application):
        response = await client.get("/healthz")
        assert response.status == 503
        assert (await response.json())["database"] == "unreachable"


def test_the_webhook_path_comes_from_the_url() -> None:
    assert webhook.path_of("https://bot.example.org/telegram") == "/telegram"
    assert webhook.path_of("https://bot.example.org/a/b?x=1") == "/a/b"
    assert webhook.path_of("https://bot.example.org") == "/"
