"""/stats for support staff (users in ADMIN_IDS): aggregate figures only, never a person's data."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import services, texts
from bot.db import reading
from bot.domain.dose_statuses import RECENT_DAYS
from bot.handlers.access import message_of, user_of
from bot.store import figures


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every figure read live: the dose figures are one count over the stored dose statuses
    (milliseconds at 100,000 patients), so nothing is kept between calls."""
    if not services.is_staff(context, user_of(update).id):
        await message_of(update).reply_text(texts.account.staff_only())
        return
    app = services.of(context)
    with reading(app.engine) as session:
        found = figures.figures(session)
        doses = figures.recent_doses(session, app.clock.now())
    await message_of(update).reply_text(
        texts.staff.stats(
            patients=found.patients,
            paused=found.paused,
            enrolling=found.enrolling,
            caregivers=found.caregivers,
            active=found.active,
            inactive=found.inactive,
            pending=found.pending,
            doses=doses,
            days=RECENT_DAYS,
        )
    )
