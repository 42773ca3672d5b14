"""/broadcast and /broadcasts (support staff): a notice checked and previewed exactly as users
will see it, its text in each further language, an audience, ✅ to send now or a time to send
it later; the worker in `bot.jobs.broadcast` does the sending (and starts scheduled ones)."""

from __future__ import annotations

import asyncio
from contextlib import suppress
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session
from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot import services, texts
from bot.commands import text_after_command
from bot.db import transaction
from bot.domain.answers import is_cancel
from bot.domain.broadcast import (
    Audience,
    FormattingError,
    MomentProblem,
    Status,
    check_formatting,
    missing_versions,
    read_moment,
)
from bot.domain.conversations import BroadcastAnswers, BroadcastStep, Exchange, FlowName
from bot.handlers.access import message_of, query_of, user_of
from bot.handlers.long_text import reply_in_parts
from bot.jobs.broadcast import progress_markup
from bot.keyboards.broadcast import (
    BroadcastAction,
    BroadcastTap,
    BroadcastVersionTap,
    draft_keyboard,
    scheduled_keyboard,
)
from bot.models import Broadcast
from bot.services import Services
from bot.store import broadcasts, conversations, languages, patients
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
        missing = missing_versions(
            broadcasts.speakers(session, Audience.EVERYONE), language.DEFAULT, {}
        )
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
    if missing:
        await message.reply_text(texts.staff.missing_versions_warning(missing, language.DEFAULT))


def _start(app: Services, broadcast_id: int, staff_id: int, now: datetime) -> bool:
    """The ✅ of one's own draft: the recipients are fixed in one INSERT … SELECT, a row each
    (seconds for a million), so it runs off the event loop and the bot keeps answering."""
    with transaction(app.engine) as session:
        broadcast = broadcasts.get(session, broadcast_id)
        if broadcast is None or broadcast.sender_id != staff_id:
            return False
        return broadcasts.start(session, broadcast_id, now) is not None


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
    started = (
        await asyncio.to_thread(_start, app, tap.broadcast_id, user_of(update).id, now)
        if tap.action is BroadcastAction.SEND
        else False
    )
    with transaction(app.engine) as session:
        broadcast = broadcasts.get(session, tap.broadcast_id)
        mine = broadcast is not None and broadcast.sender_id == user_of(update).id
        if broadcast is None or not mine:
            changed = False
        elif tap.action is BroadcastAction.TO and tap.audience is not None:
            changed = broadcasts.choose_audience(session, tap.broadcast_id, tap.audience)
        elif tap.action is BroadcastAction.SEND:
            changed = started
        elif tap.action is BroadcastAction.CANCEL:
            changed = broadcasts.cancel(session, tap.broadcast_id)
        elif tap.action is BroadcastAction.STOP:
            changed = broadcasts.stop(session, tap.broadcast_id, now)
        elif tap.action is BroadcastAction.LATER:
            changed = broadcast.status == Status.DRAFT
            if changed:
                conversations.interrupt(
                    session,
                    user_of(update).id,
                    FlowName.BROADCAST,
                    BroadcastStep.START,
                    BroadcastAnswers(tap.broadcast_id),
                    now,
                )
        else:
            changed = True  # "show": nothing to change, just the figures
        picking = changed and tap.action is BroadcastAction.TO
        sizes = broadcasts.audience_sizes(session) if picking else {}
        versions = broadcasts.versions(session, tap.broadcast_id) if picking else {}
        missing = (
            missing_versions(
                broadcasts.speakers(session, tap.audience or Audience.EVERYONE),
                language.DEFAULT,
                versions,
            )
            if picking
            else {}
        )
        zone = zone_of(session, user_of(update).id)
        if broadcast is not None:
            session.refresh(broadcast)
    if broadcast is None or not mine:
        await query.answer(texts.staff.not_your_broadcast(), show_alert=True)
        return
    if not changed:
        started = broadcast.status in (Status.SENDING, Status.DONE, Status.STOPPED)
        if tap.action is BroadcastAction.CANCEL and started:
            await query.answer(texts.staff.already_started(), show_alert=True)
        else:
            await query.answer(texts.staff.broadcast_state(broadcast.status))
        return
    match tap.action:
        case BroadcastAction.TO:
            warning = texts.staff.missing_versions_warning(missing, language.DEFAULT)
            await query.answer(warning.split("\n")[0] if missing else None)
            chosen = Audience(broadcast.audience)
            await _edit_buttons(query, draft_keyboard(broadcast.id or 0, chosen, sizes, versions))
        case BroadcastAction.SEND:
            await query.answer(texts.staff.broadcast_started(broadcast.total))
            await _edit_buttons(query, progress_markup(broadcast))
            with transaction(app.engine) as session:
                current = broadcasts.get(session, tap.broadcast_id)
            if current is not None and current.reported_at is not None:
                await _edit_buttons(query, progress_markup(current))  # the worker was quicker
        case BroadcastAction.CANCEL:
            await query.answer(texts.staff.broadcast_cancelled())
            tapped = query.message
            if tapped is not None and tapped.message_id == broadcast.preview_message_id:
                await _edit_buttons(query, None)
            else:  # from the list in /broadcasts: the preview's buttons go too
                await _set_preview_buttons(context.bot, broadcast, None)
            await message_of(update).reply_text(texts.staff.broadcast_cancelled())
        case BroadcastAction.LATER:
            await query.answer()
            await message_of(update).reply_text(
                texts.staff.ask_start_time(broadcast.id or 0, zone, _local(now, zone))
            )
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


async def _set_preview_buttons(
    bot: Bot, broadcast: Broadcast, markup: InlineKeyboardMarkup | None
) -> None:
    """Best effort: the preview's buttons follow what happened elsewhere (a cancel from the
    list, a new version's preview taking them over)."""
    if broadcast.preview_chat_id is not None and broadcast.preview_message_id is not None:
        await _set_buttons(bot, broadcast.preview_chat_id, broadcast.preview_message_id, markup)


def zone_of(session: Session, user_id: int) -> str | None:
    """A staff member's time zone: theirs as a patient when they use the bot as one; None
    otherwise, and their times are then in UTC (said so with each time)."""
    patient = patients.get(session, user_id)
    return patient.time_zone if patient is not None else None


def _local(moment: datetime, zone: str | None) -> datetime:
    return moment.astimezone(ZoneInfo(zone or "UTC"))


async def on_version(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "Add German version": the next message is the draft's text in that language."""
    query = query_of(update)
    user = user_of(update)
    if not services.is_staff(context, user.id):
        await query.answer(texts.account.staff_only(), show_alert=True)
        return
    tap = BroadcastVersionTap.parse(query.data)
    if tap is None:
        await query.answer(texts.common.button_expired())
        return
    app = services.of(context)
    with transaction(app.engine) as session:
        broadcast = broadcasts.get(session, tap.broadcast_id)
        mine = broadcast is not None and broadcast.sender_id == user.id
        draft = mine and broadcast is not None and broadcast.status == Status.DRAFT
        if draft:
            conversations.interrupt(
                session,
                user.id,
                FlowName.BROADCAST,
                BroadcastStep.VERSION,
                BroadcastAnswers(tap.broadcast_id, tap.language),
                app.clock.now(),
            )
    if broadcast is None or not mine:
        await query.answer(texts.staff.not_your_broadcast(), show_alert=True)
        return
    if not draft:
        await query.answer(texts.staff.broadcast_state(broadcast.status))
        return
    await query.answer()
    await message_of(update).reply_text(texts.staff.ask_version(tap.broadcast_id, tap.language))


async def answer(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    exchange: Exchange[BroadcastStep, BroadcastAnswers],
    text: str,
) -> None:
    """The message after "Add … version" or "Send later": the text, or the start time."""
    message = message_of(update)
    whole = (message.text or text).strip()
    app = services.of(context)
    user = user_of(update)
    number = exchange.answers.broadcast
    with transaction(app.engine) as session:
        broadcast = broadcasts.get(session, number)
        usable = (
            broadcast is not None
            and broadcast.sender_id == user.id
            and broadcast.status == Status.DRAFT
            and services.is_staff(context, user.id)
        )
        if is_cancel(whole) or not usable:
            conversations.resume(session, user.id, FlowName.BROADCAST, app.clock.now())
    if is_cancel(whole):
        await message.reply_text(texts.staff.nothing_changed())
    elif broadcast is None or not usable:
        await message.reply_text(texts.staff.not_a_draft_any_more())
    elif exchange.step is BroadcastStep.VERSION and exchange.answers.language is not None:
        await _version(update, context, broadcast, exchange.answers.language, whole)
    else:
        await _start_time(update, context, broadcast, whole)


async def _version(
    update: Update, context: ContextTypes.DEFAULT_TYPE, broadcast: Broadcast, code: str, text: str
) -> None:
    """Check the version like the notice itself, preview it exactly as its readers will see it
    (carrying the buttons from now on), then keep it."""
    message = message_of(update)
    try:
        check_formatting(text)
    except FormattingError as problem:
        await message.reply_text(texts.staff.broadcast_formatting_problem(str(problem)))
        return  # still waiting for the text
    app = services.of(context)
    number = broadcast.id or 0
    with transaction(app.engine) as session:
        sizes = broadcasts.audience_sizes(session)
        versions = {*broadcasts.versions(session, number), code}
    await message.reply_text(texts.staff.version_preview_intro(code))
    try:
        preview = await message.reply_text(
            text,
            reply_markup=draft_keyboard(number, Audience(broadcast.audience), sizes, versions),
        )
    except BadRequest as error:  # a formatting subtlety only Telegram itself caught
        await message.reply_text(texts.staff.broadcast_formatting_problem(error.message))
        return
    with transaction(app.engine) as session:
        kept = broadcasts.set_version(session, number, code, text)
        stored = broadcasts.get(session, number)
        if kept and stored is not None:
            broadcasts.set_preview(session, stored, preview.chat_id, preview.message_id)
        conversations.resume(session, user_of(update).id, FlowName.BROADCAST, app.clock.now())
    if not kept:  # started or cancelled meanwhile
        await _set_buttons(context.bot, preview.chat_id, preview.message_id, None)
        await message.reply_text(texts.staff.not_a_draft_any_more())
        return
    await _set_preview_buttons(context.bot, broadcast, None)  # the old preview's buttons


async def _set_buttons(
    bot: Bot, chat_id: int, message_id: int, markup: InlineKeyboardMarkup | None
) -> None:
    """Best effort: a message gone, or already showing these buttons, needs nothing more."""
    with suppress(TelegramError):
        await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=markup)


async def _start_time(
    update: Update, context: ContextTypes.DEFAULT_TYPE, broadcast: Broadcast, text: str
) -> None:
    message = message_of(update)
    app = services.of(context)
    now = app.clock.now()
    number = broadcast.id or 0
    with transaction(app.engine) as session:
        zone = zone_of(session, user_of(update).id)
    moment = read_moment(text, now, zone or "UTC", dots_day_first=language.current() == "de")
    match moment:
        case MomentProblem.PAST:
            await message.reply_text(texts.staff.start_time_past(_local(now, zone)))
            return
        case MomentProblem.TOO_FAR:
            await message.reply_text(texts.staff.start_time_too_far())
            return
        case MomentProblem.UNREADABLE:
            await message.reply_text(texts.staff.start_time_unreadable())
            return
    with transaction(app.engine) as session:
        scheduled = broadcasts.schedule(session, number, moment)
        conversations.resume(session, user_of(update).id, FlowName.BROADCAST, now)
    if not scheduled:
        await message.reply_text(texts.staff.not_a_draft_any_more())
        return
    await message.reply_text(texts.staff.broadcast_scheduled(number, _local(moment, zone), zone))
    await _set_preview_buttons(context.bot, broadcast, scheduled_keyboard([number]))


async def recent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/broadcasts: the scheduled notices with their times (and a cancel button each), then
    the audit trail of the latest ones (text, sender, audience, outcome)."""
    if not services.is_staff(context, user_of(update).id):
        await message_of(update).reply_text(texts.account.staff_only())
        return
    with transaction(services.of(context).engine) as session:
        latest = broadcasts.recent(session)
        waiting = [
            (item, sorted({language.DEFAULT, *broadcasts.versions(session, item.id or 0)}))
            for item in broadcasts.upcoming(session)
        ]
        zone = zone_of(session, user_of(update).id)
    if waiting:
        lines = [texts.staff.upcoming_header()]
        lines += [
            texts.staff.upcoming_line(
                item.id or 0,
                _local(item.scheduled_for or item.created_at, zone),
                zone,
                item.sender_name,
                Audience(item.audience),
                codes,
                item.text,
            )
            for item, codes in waiting
        ]
        await message_of(update).reply_text(
            "\n\n".join(lines),
            reply_markup=scheduled_keyboard([item.id or 0 for item, _ in waiting]),
        )
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
