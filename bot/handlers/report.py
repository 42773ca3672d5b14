"""/report: a PDF of the patient's injections for their neurologist. The patient picks a
period and whether their first name is printed (not unless they say so); the document goes
to their own chat only, is drawn in a worker thread, and is neither stored nor logged."""

from __future__ import annotations

import asyncio

from telegram import InputFile, Update
from telegram.ext import ContextTypes

from bot import services, texts
from bot.actions import report as actions
from bot.db import transaction
from bot.domain.report import Naming
from bot.handlers.access import message_of, query_of, user_of
from bot.keyboards.report import ReportNameTap, ReportTap, periods_keyboard
from bot.store import patients


async def report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The question: which period, and the name switch (off)."""
    app = services.of(context)
    with transaction(app.engine) as session:
        enrolled = patients.get(session, user_of(update).id) is not None
    if not enrolled:
        await message_of(update).reply_text(texts.common.not_enrolled())
        return
    await message_of(update).reply_text(
        texts.report.ask_period(named=False), reply_markup=periods_keyboard(Naming.WITHOUT)
    )


async def on_name(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The name switch: the same question, the period buttons now carrying the choice."""
    query = query_of(update)
    tap = ReportNameTap.parse(query.data)
    if tap is None:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    named = tap.naming is Naming.WITH
    await query.edit_message_text(
        texts.report.ask_period(named=named), reply_markup=periods_keyboard(tap.naming)
    )


async def on_period(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A period tapped: the tapping patient's own report, as a document in their chat."""
    query = query_of(update)
    tap = ReportTap.parse(query.data)
    if tap is None:
        await query.answer(texts.common.button_expired())
        return
    app = services.of(context)
    user_id = user_of(update).id
    gathered = actions.gather(app.engine, app.clock.now(), user_id, tap.period, tap.naming)
    if gathered is None:
        await query.answer(texts.common.not_enrolled(), show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(texts.report.making())
    pdf = await asyncio.to_thread(
        actions.draw, gathered, texts.report.labels(gathered.report), texts.report.chart_labels()
    )
    await context.bot.send_document(
        user_id,
        InputFile(pdf, filename=f"report-{gathered.report.end.isoformat()}.pdf"),
        caption=texts.report.caption(),
    )
    await query.edit_message_text(texts.report.sent())
