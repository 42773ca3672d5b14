"""`python -m bot`: settings → migrations (SQLite) → application → long polling."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys

os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram import Update
from telegram.ext import Application

from bot.app import build_application
from bot.config import ConfigError, load_settings
from bot.db import migrate
from bot.jobs.broadcast import JOB_NAME


def main() -> int:
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        level=os.environ.get("LOG_LEVEL", "INFO").upper(),
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines carry the token in URLs
    for name in ("apscheduler.scheduler", "apscheduler.executors.default"):
        logging.getLogger(name).addFilter(quiet_broadcast_worker)
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    if settings.is_sqlite:
        migrate(settings.database_url)
    application = build_application(settings)
    if settings.role == "sender":
        logging.getLogger("bot").info("starting as a sender: due messages only, no updates")
        asyncio.run(send_only(application))
        return 0
    logging.getLogger("bot").info("starting long polling")
    application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


def quiet_broadcast_worker(record: logging.LogRecord) -> bool:
    """The broadcast worker schedules its own next run every few seconds; APScheduler's INFO
    lines about that (added, running, done, removed) would drown the log."""
    if record.levelno > logging.INFO:
        return True
    message = record.getMessage()
    return JOB_NAME not in message and not message.startswith("Removed job")


async def send_only(application: Application) -> None:
    """Run the job queue (the outbox sweep) without receiving updates, until SIGTERM/SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with application:
        await application.start()
        await stop.wait()
        await application.stop()


if __name__ == "__main__":
    sys.exit(main())
