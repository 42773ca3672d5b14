"""The bot's one web server, on 0.0.0.0:PORT: `GET /healthz` always, the webhook path when
WEBHOOK_URL is set (`bot.webhook`), the patient's page and its API when WEBAPP_URL is set
(`bot.webapp`). It runs in webhook mode, and with long polling only when the page is on.

`GET /healthz` is for the platform's health check: whether the database answers and how long
ago this process last swept the outbox; it names no one."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from aiohttp import web
from sqlalchemy import Engine
from telegram import Update
from telegram.ext import Application

from bot import receiver, services, webhook
from bot.jobs import sweep
from bot.webapp import site

log = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
STALE_SWEEP = 3 * sweep.INTERVAL
DATABASE_TIMEOUT = 5.0
SHUTDOWN_TIMEOUT = 5.0  # requests in flight may finish; Telegram retries what was not answered


def verdict(
    database_ok: bool, swept_at: datetime | None, started: datetime, now: datetime
) -> tuple[int, dict[str, object]]:
    """The health answer: 503 when the database does not answer or the outbox has not been
    swept for a few sweep intervals (counting from the start until the first sweep)."""
    stale = now - (swept_at or started) > STALE_SWEEP
    healthy = database_ok and not stale
    return (200 if healthy else 503), {
        "status": "ok" if healthy else "unhealthy",
        "database": "ok" if database_ok else "unreachable",
        "last_sweep_seconds_ago": None
        if swept_at is None
        else round((now - swept_at).total_seconds(), 1),
    }


def select_one(engine: Engine) -> None:
    """`SELECT 1` on a pooled connection, outside a transaction: on SQLite a transaction begins
    IMMEDIATE (see `bot.db`) and would queue a health check behind every writer."""
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT 1")
        cursor.fetchone()
        cursor.close()
    finally:
        connection.close()


async def database_answers(engine: Engine) -> bool:
    try:
        await asyncio.wait_for(asyncio.to_thread(select_one, engine), DATABASE_TIMEOUT)
    except Exception as error:  # any failure to answer is the finding, not a crash
        log.warning("health check: the database does not answer (%s)", type(error).__name__)
        return False
    return True


def web_app(application: Application, started: datetime) -> web.Application:
    """The routes: /healthz (GET), the webhook path and the page, each when configured."""
    app = services.of(application)

    async def on_health(request: web.Request) -> web.Response:
        database_ok = await database_answers(app.engine)
        status, body = verdict(database_ok, app.heartbeat.swept_at, started, app.clock.now())
        return web.json_response(body, status=status)

    routes = web.Application()
    routes.router.add_get(HEALTH_PATH, on_health)
    if app.settings.webhook_url is not None:
        webhook.add_routes(routes, application)
    if app.settings.webapp_url is not None:
        site.add_routes(routes, application)
    return routes


@asynccontextmanager
async def serving(application: Application) -> AsyncIterator[None]:
    """The server listens inside the block; leaving it stops accepting and lets the requests
    in flight finish (up to SHUTDOWN_TIMEOUT)."""
    app = services.of(application)
    runner = web.AppRunner(
        web_app(application, app.clock.now()),
        access_log=None,
        handle_signals=False,
        shutdown_timeout=SHUTDOWN_TIMEOUT,
    )
    await runner.setup()
    try:
        await web.TCPSite(runner, "0.0.0.0", app.settings.port).start()
        log.info("web server listening on port %s", app.settings.port)
        yield
    finally:
        await runner.cleanup()


async def receive_by_webhook(application: Application, stop: asyncio.Event) -> None:
    """Webhook mode: serve until `stop` is set, then stop accepting; the updates already
    queued are handled by `Application.stop`. The webhook stays set for the other web
    processes (or the next)."""
    app = services.of(application)
    async with serving(application):
        await application.bot.set_webhook(
            url=app.settings.webhook_url,
            secret_token=app.settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
        )
        log.info("receiving updates by webhook on port %s", app.settings.port)
        await stop.wait()


async def receive_by_polling(application: Application, stop: asyncio.Event) -> None:
    """Long polling (`bot.receiver`) with the page's server beside it."""
    async with serving(application):
        await receiver.receive(application, stop)
