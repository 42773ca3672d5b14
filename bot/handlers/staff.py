"""Support staff commands (users in ADMIN_IDS): aggregate figures only, never a person's data."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import services
from bot.db import transaction
from bot.store import patients
from bot.texts import en


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    app = services.of(context)
    if update.effective_user.id not in app.settings.admin_ids:
        await update.effective_message.reply_html(en.STAFF_ONLY)
        return
    with transaction(app.engine) as session:
        figures = patients.figures(session)
    await update.effective_message.reply_html(
        en.stats(
            figures.patients,
            figures.paused,
            figures.enrolling,
            figures.doses_recorded,
            figures.reminders_pending,
        )
    )
