"""/stats for support staff (users in ADMIN_IDS): aggregate figures only, never a person's data."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import ContextTypes

from bot import services
from bot.db import transaction
from bot.services import Services
from bot.store import figures
from bot.texts import en


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not services.is_staff(context, update.effective_user.id):
        await update.effective_message.reply_html(en.STAFF_ONLY)
        return
    app = services.of(context)
    # every patient's plan is computed for the dose figures: off the event loop, so reminders
    # and other users are not held up while it runs
    found = await asyncio.to_thread(_figures, app)
    await update.effective_message.reply_html(
        en.stats(
            patients=found.patients,
            paused=found.paused,
            enrolling=found.enrolling,
            caregivers=found.caregivers,
            active=found.active,
            inactive=found.inactive,
            on_time=found.doses.on_time,
            early=found.doses.early,
            late=found.doses.late,
            missed=found.doses.missed,
            pending=found.pending,
            days=figures.RECENT_DAYS,
        )
    )


def _figures(app: Services) -> figures.Figures:
    with transaction(app.engine) as session:
        return figures.figures(session, app.clock.now())
