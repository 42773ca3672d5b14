"""`python -m bot`: settings → migrations (SQLite) → application → one way of running it:
a webhook server (WEBHOOK_URL set), long polling while this process holds the receiver lease
(the default; with the web server beside it when WEBAPP_URL is set), or sending due messages
only (BOT_ROLE=sender)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable

os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram.ext import Application

from bot import logs, receiver, web
from bot.app import build_application
from bot.config import ConfigError, load_settings
from bot.db import migrate
from bot.jobs.broadcast import JOB_NAME


def main() -> int:
    for name in ("apscheduler.scheduler", "apscheduler.executors.default"):
        logging.getLogger(name).addFilter(quiet_broadcast_worker)
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    logs.configure(settings)
    if settings.is_sqlite:
        migrate(settings.database_url)
    application = build_application(settings)
    if settings.role == "sender":
        logging.getLogger("bot").info("starting as a sender: due messages only, no updates")
        asyncio.run(run(application, send_only))
    elif settings.uses_webhook:
        asyncio.run(run(application, web.receive_by_webhook))
    elif settings.serves_web:
        asyncio.run(run(application, web.receive_by_polling))
    else:
        asyncio.run(run(application, receiver.receive))
    return 0


def quiet_broadcast_worker(record: logging.LogRecord) -> bool:
    """The broadcast worker schedules its own next run every few seconds; APScheduler's INFO
    lines about that (added, running, done, removed) would drown the log."""
    if record.levelno > logging.INFO:
        return True
    message = record.getMessage()
    return JOB_NAME not in message and not message.startswith("Removed job")


Receive = Callable[[Application, asyncio.Event], Awaitable[None]]


async def run(application: Application, receive: Receive) -> None:
    """Start the application (its job queue sends due messages), let `receive` take updates in
    until SIGTERM or SIGINT, then stop in order: first receiving, then the application, which
    handles the updates already taken in. PTB's post_* hooks run where run_polling runs them."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with application:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        try:
            await receive(application, stop)
        finally:
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
    if application.post_shutdown:
        await application.post_shutdown(application)


async def send_only(application: Application, stop: asyncio.Event) -> None:
    """No updates: only the job queue runs (the outbox sweep, broadcasts)."""
    await stop.wait()


if __name__ == "__main__":
    sys.exit(main())
