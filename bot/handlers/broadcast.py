"""/broadcast and /broadcasts (support staff): a notice checked and previewed exactly as users
will see it, an audience, ✅ to send; the worker in `bot.jobs.broadcast` does the sending."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import services, texts
from bot.commands import text_after_command
from bot.db import transaction
from bot.domain.broadcast import Audience, FormattingError, Status, check_formatting
from bot.handlers.access import message_of, query_of, user_of
from bot.handlers.long_text import reply_in_parts
from bot.jobs.broadcast import progress_markup
from bot.keyboards.broadcast import BroadcastAction, BroadcastTap, draft_keyboard
from bot.store import broadcasts, languages
from bot.texts import language


async def compose(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = message_of(update)
    if not services.is_staff(context, user_of(update).id):
        await message.reply_text(texts.account.staff_only())
        return
    text = text_after_command(message)
    if not text:
        await message.reply_text(texts.staff.broadcast_usage())
        return
    try:
        check_formatting(text)
    except FormattingError as problem:
        await message.reply_text(texts.staff.broadcast_formatting_problem(str(problem)))
        return
    app = services.of(context)
    user = user_of(update)
    with transaction(app.engine) as session:
        draft = broadcasts.create_draft(
            session, sender_id=user.id, sender_name=user.full_name, text=text, now=app.clock.now()
        )
        languages.remember(session, user.id, language.current(), app.clock.now())
        sizes = broadcasts.audience_sizes(session)
    broadcast_id = draft.id or 0
    await message.reply_text(texts.staff.broadcast_preview_intro())
    try:
        preview = await message.reply_text(
            text,
            reply_markup=draft_keyboard(broadcast_id, Audience.EVERYONE, sizes),
        )
    except BadRequest as error:  # a formatting subtlety only Telegram itself caught
        with transaction(app.engine) as session:
            broadcasts.cancel(session, broadcast_id)
        await message.reply_text(texts.staff.broadcast_formatting_problem(error.message))
        return
    with transaction(app.engine) as session:
        stored = broadcasts.get(session, broadcast_id)
        if stored is not None:  # just written; only an erasure in between could take it
            broadcasts.set_preview(session, stored, preview.chat_id, preview.message_id)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = query_of(update)
    if not services.is_staff(context, user_of(update).id):
        await query.answer(texts.account.staff_only(), show_alert=True)
        return
    tap = BroadcastTap.parse(query.data)
    if tap is None:
        await query.answer(texts.common.button_expired())
        return
    app = services.of(context)
    now = app.clock.now()
    with transaction(app.engine) as session:
        broadcast = broadcasts.get(session, tap.broadcast_id)
        mine = broadcast is not None and broadcast.sender_id == user_of(update).id
        if broadcast is None or not mine:
            changed = False
        elif tap.action is BroadcastAction.TO and tap.audience is not None:
            changed = broadcasts.choose_audience(session, tap.broadcast_id, tap.audience)
        elif tap.action is BroadcastAction.SEND:
            changed = broadcasts.start(session, tap.broadcast_id, now) is not None
        elif tap.action is BroadcastAction.CANCEL:
            changed = broadcasts.cancel(session, tap.broadcast_id)
        elif tap.action is BroadcastAction.STOP:
            changed = broadcasts.stop(session, tap.broadcast_id, now)
        else:
            changed = True  # "show": nothing to change, just the figures
        sizes = (
            broadcasts.audience_sizes(session)
            if changed and tap.action is BroadcastAction.TO
            else {}
        )
        if broadcast is not None:
            session.refresh(broadcast)
    if broadcast is None or not mine:
        await query.answer(texts.staff.not_your_broadcast(), show_alert=True)
        return
    if not changed:
        await query.answer(texts.staff.broadcast_state(broadcast.status))
        return
    match tap.action:
        case BroadcastAction.TO:
            await query.answer()
            chosen = Audience(broadcast.audience)
            await _edit_buttons(query, draft_keyboard(broadcast.id or 0, chosen, sizes))
        case BroadcastAction.SEND:
            await query.answer(texts.staff.broadcast_started(broadcast.total))
            await _edit_buttons(query, progress_markup(broadcast))
            with transaction(app.engine) as session:
                current = broadcasts.get(session, tap.broadcast_id)
            if current is not None and current.reported_at is not None:
                await _edit_buttons(query, progress_markup(current))  # the worker was quicker
        case BroadcastAction.CANCEL:
            await query.answer(texts.staff.broadcast_cancelled())
            await _edit_buttons(query, None)
            await message_of(update).reply_text(texts.staff.broadcast_cancelled())
        case BroadcastAction.STOP:
            await query.answer(texts.staff.broadcast_stopping())
        case _:
            await query.answer(texts.staff.broadcast_figures(broadcasts.tally(broadcast)))


async def _edit_buttons(query: CallbackQuery, markup: InlineKeyboardMarkup | None) -> None:
    """Edit the preview's buttons; the same buttons again (a double tap) is no error."""
    try:
        await query.edit_message_reply_markup(markup)
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise


async def recent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/broadcasts: the audit trail of the latest notices (text, sender, audience, outcome)."""
    if not services.is_staff(context, user_of(update).id):
        await message_of(update).reply_text(texts.account.staff_only())
        return
    with transaction(services.of(context).engine) as session:
        latest = broadcasts.recent(session)
    if not latest:
        await message_of(update).reply_text(texts.staff.no_broadcasts())
        return
    lines = [texts.staff.broadcasts_header()]
    lines += [
        texts.staff.broadcast_line(
            item.id or 0,
            item.created_at,
            item.sender_name,
            item.sender_id,
            Audience(item.audience),
            Status(item.status),
            broadcasts.tally(item),
            item.text,
        )
        for item in latest
    ]
    await reply_in_parts(message_of(update), "\n\n".join(lines))
