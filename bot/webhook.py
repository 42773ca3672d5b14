"""Webhook mode (WEBHOOK_URL set): Telegram posts each update to this process's web server
(`bot.web`), on the path this module serves.

A POST to the webhook URL's path counts only with Telegram's secret-token header equal to
WEBHOOK_SECRET (compared in constant time); otherwise the answer is 403 and nothing happens. A
valid update goes into the Application's queue, as in python-telegram-bot's custom-webhook
examples, and is handled like a polled one.

Telegram posts each update once, so with several web processes behind the platform's router
each update still reaches exactly one of them: the receiver lease of `bot.receiver` is for long
polling only."""

from __future__ import annotations

import hmac
import logging
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot import services

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def path_of(url: str) -> str:
    """Where updates arrive: the webhook URL's path (`https://host/telegram` → `/telegram`)."""
    return urlsplit(url).path or "/"


def add_routes(routes: web.Application, application: Application) -> None:
    """The webhook path (POST)."""
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

    routes.router.add_post(path_of(app.settings.webhook_url), on_update)
