"""Webhook mode (WEBHOOK_URL set): Telegram posts each update to this process.

aiohttp's web server listens on 0.0.0.0:PORT. A POST to the webhook URL's path counts only
with Telegram's secret-token header equal to WEBHOOK_SECRET (compared in constant time);
otherwise the answer is 403 and nothing happens. A valid update goes into the Application's
queue, as in python-telegram-bot's custom-webhook examples, and is handled like a polled one.
`GET /healthz` is for the platform's health check: whether the database answers and how long
ago this process last swept the outbox; it names no one.

Telegram posts each update once, so with several web processes behind the platform's router
each update still reaches exactly one of them: the receiver lease of `bot.receiver` is for long
polling only."""

from __future__ import annotations

import asyncio
import hmac
import logging
from datetime import datetime
from urllib.parse import urlsplit

from aiohttp import web
from sqlalchemy import Engine
from telegram import Update
from telegram.ext import Application

from bot import services
from bot.jobs import sweep

log = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
STALE_SWEEP = 3 * sweep.INTERVAL
DATABASE_TIMEOUT = 5.0
SHUTDOWN_TIMEOUT = 5.0  # requests in flight may finish; Telegram retries what was not answered


def path_of(url: str) -> str:
    """Where updates arrive: the webhook URL's path (`https://host/telegram` → `/telegram`)."""
    return urlsplit(url).path or "/"


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
    """The routes: the webhook path (POST) and /healthz (GET)."""
    app = services.of(application)
    assert app.settings.webhook_url is not None and app.settings.webhook_secret is not None
    secret = app.settings.webhook_secret.encode()

    async def on_update(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode(errors="replace")
        if not hmac.compare_digest(given, secret):
            log.info("webhook request refused: missing or wrong secret token")
            return web.Response(status=403)
        try:
            data = await request.json()
            update = Update.de_json(data, application.bot) if isinstance(data, dict) else None
        except Exception as error:  # malformed JSON or not an update: nothing to handle
            log.warning("webhook request ignored: not an update (%s)", type(error).__name__)
            update = None
        if update is None:
            return web.Response(status=400)
        await application.update_queue.put(update)
        return web.Response()

    async def on_health(request: web.Request) -> web.Response:
        database_ok = await database_answers(app.engine)
        status, body = verdict(database_ok, app.heartbeat.swept_at, started, app.clock.now())
        return web.json_response(body, status=status)

    routes = web.Application()
    routes.router.add_post(path_of(app.settings.webhook_url), on_update)
    routes.router.add_get(HEALTH_PATH, on_health)
    return routes


async def receive(application: Application, stop: asyncio.Event) -> None:
    """Serve until `stop` is set, then stop accepting; the updates already queued are handled
    by `Application.stop`. The webhook stays set for the other web processes (or the next)."""
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
        await application.bot.set_webhook(
            url=app.settings.webhook_url,
            secret_token=app.settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
        )
        log.info("receiving updates by webhook on port %s", app.settings.port)
        await stop.wait()
    finally:
        await runner.cleanup()
