"""Long polling by exactly one process: the holder of the "receiver" lease.

Telegram answers 409 Conflict to all but one process polling a token, so every `BOT_ROLE=all`
process without a WEBHOOK_URL competes for the lease (`bot.store.leases`). The holder polls
and renews it every third of its life (RECEIVER_LEASE_SECONDS, 30 s by default); the others
only send due messages (their job queue runs as usual) and look again on the same rhythm,
taking over once the holder's lease has expired, or at once when the holder was a process on
this machine that is gone (a crash and restart need not wait). A holder that cannot renew
stops polling, so that two processes poll only briefly if ever. A clean stop releases the lease.

Webhook mode needs none of this: Telegram posts each update once, to whichever web process the
platform's router picks (see `bot.webhook`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, Updater

from bot import services
from bot.db import transaction
from bot.domain.numbers import parse_number
from bot.services import Services
from bot.store import leases

log = logging.getLogger(__name__)

NAME = "receiver"
BOOT_ID = Path("/proc/sys/kernel/random/boot_id")
PID_NAMESPACE = Path("/proc/self/ns/pid")


def machine() -> str:
    """This kernel's boot and PID namespace: with a pid, they name one live process (empty
    where /proc does not tell; then a dead holder's lease is only taken once expired)."""
    try:
        boot = BOOT_ID.read_text().strip().replace("-", "")[:12]
        return f"{boot}.{PID_NAMESPACE.stat().st_ino}"
    except OSError:
        return ""


def holder_name() -> str:
    return f"{machine()}:{os.getpid()}:{secrets.token_hex(4)}"


def is_gone(holder: str, here: str | None = None) -> bool:
    """Whether `holder` was a process of this machine and PID namespace that no longer runs
    (its pid is free, or is ours now: a restarted container)."""
    place, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    pid = parse_number(pid_text, largest=2**31 - 1)  # a pid_t
    if not place or place != (machine() if here is None else here) or pid is None:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # PermissionError: it runs, as another user
        return False
    return False


def take(app: Services, me: str, ttl: timedelta) -> bool:
    """Take or renew the lease; False while another live process holds it, or when the
    database does not answer (then this process must not poll)."""
    now = app.clock.now()
    try:
        with transaction(app.engine) as session:
            if leases.acquire(session, NAME, me, now, ttl):
                return True
            holder = leases.holder_of(session, NAME, now)
            return (
                holder is not None
                and is_gone(holder)
                and leases.acquire(session, NAME, me, now, ttl, replacing=holder)
            )
    except SQLAlchemyError as error:
        log.warning("receiver lease not renewed (%s): not polling meanwhile", type(error).__name__)
        return False


def give_up(app: Services, me: str) -> None:
    try:
        with transaction(app.engine) as session:
            leases.release(session, NAME, me)
    except SQLAlchemyError as error:
        log.warning("receiver lease not released (%s): it expires", type(error).__name__)


async def receive(application: Application, stop: asyncio.Event) -> None:
    """Poll for updates while this process holds the lease, until `stop` is set."""
    app = services.of(application)
    ttl = timedelta(seconds=app.settings.receiver_lease_seconds)
    me = holder_name()
    polling: bool | None = None  # None: not decided yet (the first look is logged either way)
    try:
        while not stop.is_set():
            held = take(app, me, ttl)
            if held and not polling:
                polling = await start_polling(application)
                if polling:
                    log.info("receiving updates by long polling (this process holds the lease)")
            elif not held and polling is not False:
                if polling:
                    await updater_of(application).stop()
                polling = False
                log.info("another process receives updates; this one sends due messages only")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), ttl.total_seconds() / 3)
    finally:
        if polling:
            await updater_of(application).stop()
        give_up(app, me)


def updater_of(application: Application) -> Updater:
    """The application's updater (PTB allows building one without; this bot always has it)."""
    if application.updater is None:
        raise RuntimeError("the application was built without an updater")
    return application.updater


async def start_polling(application: Application) -> bool:
    try:
        await updater_of(application).start_polling(allowed_updates=Update.ALL_TYPES)
    except TelegramError as error:
        log.warning("long polling did not start (%s); trying again shortly", type(error).__name__)
        return False
    return True
