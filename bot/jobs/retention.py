"""The daily retention run: ends exchanges left long ago by people who are nothing else here
(giving back a sign-up one interrupted), warns people whose sign-up stopped half-way long ago,
deletes them a week later if they stay quiet, deletes people who blocked the bot long ago, and
deletes what is left about people the bot no longer serves. The rules
are in `bot.domain.retention`; the warning goes out through the outbox like any other
message, in the person's language, and is composed here when the sweep sends it.

Every process runs it (a short query when there is nothing to do); each warning and deletion
is a conditional statement, so two processes never warn or delete twice. It runs in a worker
thread: deleting thousands of people at once must not hold up the event loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session
from telegram.ext import ContextTypes, JobQueue

from bot import services, texts
from bot.db import transaction
from bot.delivery import Message
from bot.domain import outcomes
from bot.domain.retention import (
    NOTICE,
    SignUpFate,
    blocked_long_enough,
    deletion_at,
    quiet_since,
    sign_up_fate,
)
from bot.services import Services
from bot.store import retention as store
from bot.store.outbox import Claimed

log = logging.getLogger(__name__)

JOB_NAME = "retention"
KIND = store.WARNING
EVERY = timedelta(days=1)
FIRST = timedelta(seconds=3)
"""Soon after each start too: a bot restarted more often than daily still gets its run."""


@dataclass(frozen=True)
class Outcome:
    warned: int = 0
    sign_ups_deleted: int = 0
    blocked_deleted: int = 0
    exchanges_ended: int = 0
    loose_rows_deleted: int = 0


def schedule(job_queue: JobQueue[ContextTypes.DEFAULT_TYPE]) -> None:
    job_queue.run_repeating(
        retention,
        interval=EVERY,
        first=FIRST,
        name=JOB_NAME,
        job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    )


async def retention(context: ContextTypes.DEFAULT_TYPE) -> None:
    application = context.application
    outcome = await asyncio.to_thread(run, services.of(context), lambda: application.running)
    if outcome != Outcome():
        log.info(
            "retention: %s unfinished sign-ups warned, %s deleted; %s people who blocked the "
            "bot deleted; %s old exchanges ended; %s rows about people no longer served deleted",
            outcome.warned,
            outcome.sign_ups_deleted,
            outcome.blocked_deleted,
            outcome.exchanges_ended,
            outcome.loose_rows_deleted,
        )


def _always() -> bool:
    return True


def run(app: Services, keep_going: Callable[[], bool] = _always) -> Outcome:
    """Apply the retention rules once, as of now; one transaction per person."""
    now = app.clock.now()
    period = timedelta(days=app.settings.retention_days)
    since = quiet_since(now, period)
    ended = 0
    with transaction(app.engine) as session:
        exchanges = store.quiet_exchanges(session, since)
    for user_id in exchanges:  # first: a sign-up given back is judged below, in this run
        if not keep_going():
            return Outcome(exchanges_ended=ended)
        with transaction(app.engine) as session:
            ended += store.end_exchange(session, user_id, since)
    with transaction(app.engine) as session:
        sign_ups = store.quiet_sign_ups(session, since)
        blocked = store.blocked_people(session, since)
    warned = deleted = gone = 0
    for person in sign_ups:
        if not keep_going():
            break
        fate = sign_up_fate(person.updated_at, person.warned_at, now, period)
        if fate is SignUpFate.KEEP:
            continue
        with transaction(app.engine) as session:
            if fate is SignUpFate.WARN:
                warned += store.warn(session, person.user_id, since, now)
            else:
                deleted += store.delete_sign_up(session, person.user_id, now - NOTICE)
    for user_id in sorted(blocked):
        if not keep_going():
            break
        with transaction(app.engine) as session:
            if blocked_long_enough(store.blocked_moments(session, user_id), now, period):
                store.erase(session, user_id)
                gone += 1
    loose = 0
    if keep_going():
        with transaction(app.engine) as session:
            loose = store.delete_loose_rows(session, since, app.settings.admin_ids)
    return Outcome(warned, deleted, gone, ended, loose)


def compose(
    session: Session, row: Claimed, now: datetime
) -> tuple[Message | None, outcomes.Outcome | None]:
    """The warning, dated in the person's time zone if they gave it; not sent if they came
    back (or finished signing up) since."""
    warning = store.warning_of(session, row.chat_id)
    if warning is None or warning.warned_at != row.due_at:
        return None, outcomes.Outcome.SUPERSEDED
    when = deletion_at(warning.warned_at).astimezone(_zone(warning.zone))
    return Message(texts.retention.sign_up_deletion_warning(when.date())), None


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
