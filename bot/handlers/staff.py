"""/stats for support staff (users in ADMIN_IDS): aggregate figures only, never a person's data."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot import services, texts
from bot.db import reading
from bot.domain.adherence import Recent
from bot.handlers.access import message_of, user_of
from bot.services import Services
from bot.store import figures

DOSES_KEY = "dose_figures"
DOSES_FRESH_FOR = timedelta(minutes=10)


@dataclass(frozen=True)
class DoseFigures:
    doses: Recent
    at: datetime


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Counts are read live; the dose figures (every patient's plan worked out, seconds for
    many patients) are computed in a thread and reused for a few minutes."""
    if not services.is_staff(context, user_of(update).id):
        await message_of(update).reply_text(texts.account.staff_only())
        return
    app = services.of(context)
    kept: DoseFigures | None = context.bot_data.get(DOSES_KEY)
    counting: Message | None = None
    if kept is None or app.clock.now() - kept.at > DOSES_FRESH_FOR:
        counting = await message_of(update).reply_text(texts.staff.stats_counting())
        kept = await asyncio.to_thread(_dose_figures, app)
        context.bot_data[DOSES_KEY] = kept
    with reading(app.engine) as session:
        found = figures.figures(session)
    text = texts.staff.stats(
        patients=found.patients,
        paused=found.paused,
        enrolling=found.enrolling,
        caregivers=found.caregivers,
        active=found.active,
        inactive=found.inactive,
        pending=found.pending,
        doses=kept.doses,
        days=figures.RECENT_DAYS,
        doses_as_of=kept.at,
    )
    if counting is not None:
        await counting.edit_text(text)
    else:
        await message_of(update).reply_text(text)


def _dose_figures(app: Services) -> DoseFigures:
    now = app.clock.now()
    with reading(app.engine) as session:
        return DoseFigures(figures.recent_doses(session, now), now)
