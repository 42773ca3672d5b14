"""When a handler or job raises: the log gets one line (the error's type and code path, a
hashed user, never the update's content), the user gets a polite answer, and the support staff
get a redacted report, at most once per kind of error per hour so that a bug hit by every user
doesn't flood them. Errors of the polling loop itself (network faults, a second poller) are
only logged: staff can do nothing about them; nor is a 403 on the answer in a private chat an
error: its person blocked the bot meanwhile, and is marked so."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram import Update
from telegram.constants import ChatType
from telegram.error import Forbidden, TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import delivery, services, texts
from bot.db import transaction
from bot.domain.outcomes import Outcome
from bot.logs import code_path, describe, is_own, short, user_ref
from bot.services import Services
from bot.store import languages, reminders
from bot.texts import language, safety

log = logging.getLogger(__name__)
THROTTLE = "error_reports"
REPORT_EVERY = timedelta(hours=1)


class ReportThrottle:
    """At most one report per kind of error per `every`, counted from the app clock; the
    occurrences held back meanwhile are counted for the next report. Kept in memory: after a
    restart a kind may be reported once more, which does no harm."""

    def __init__(self, every: timedelta = REPORT_EVERY) -> None:
        self.every = every
        self._reported: dict[Hashable, datetime] = {}
        self._held: dict[Hashable, int] = {}

    def admit(self, kind: Hashable, now: datetime) -> int | None:
        """None: hold this occurrence back. Otherwise report it, saying how many occurrences
        were held back since the last report of this kind."""
        last = self._reported.get(kind)
        if last is not None and now - last < self.every:
            self._held[kind] = self._held.get(kind, 0) + 1
            return None
        self._reported[kind] = now
        return self._held.pop(kind, 0)


@dataclass(frozen=True)
class Failure:
    """What is known about one error, without anything the user sent."""

    error: str
    handler: str
    trace: str
    kind: tuple[str, str]


def failure_of(error: BaseException, update: object, context: ContextTypes.DEFAULT_TYPE) -> Failure:
    """The error's kind is its type and the line of the bot's own code it came out of (the
    last frame at all if none is the bot's); the first of the bot's frames is the handler."""
    frames = traceback.extract_tb(error.__traceback__)
    own = [frame for frame in frames if is_own(frame.filename)]
    origin = (own or frames)[-1] if frames else None
    where = f"{short(origin.filename)}:{origin.lineno}" if origin is not None else "?"
    trigger = trigger_of(update, context)
    handler = f"{trigger} → {own[0].name}" if own else trigger
    kind = (f"{type(error).__module__}.{type(error).__qualname__}", where)
    return Failure(describe(error), handler, code_path(error.__traceback__), kind)


def trigger_of(update: object, context: ContextTypes.DEFAULT_TYPE) -> str:
    """What set the failing code off, in the bot's own words: a command or button pattern the
    bot registered (never what the user typed or a button's data), a job, or the update's kind."""
    if context.job is not None:
        return f"job {context.job.name}"
    if not isinstance(update, Update):
        return "background task"
    query = update.callback_query
    if query is not None:
        for handler in _handlers(context):
            if isinstance(handler, CallbackQueryHandler) and handler.pattern is not None:
                pattern = getattr(handler.pattern, "pattern", None)
                if isinstance(pattern, str) and handler.check_update(update):
                    return f"button {pattern}"
        return "button"
    message = update.message
    if message is not None and message.text and message.text.startswith("/"):
        command = message.text.split(maxsplit=1)[0][1:].split("@")[0].lower()
        known = {
            name
            for handler in _handlers(context)
            if isinstance(handler, CommandHandler)
            for name in handler.commands
        }
        if command in known:
            return f"/{command}"
    return next((kind for kind in Update.ALL_TYPES if getattr(update, kind, None)), "update")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    if error is None:
        return
    if not isinstance(update, Update) and context.job is None and isinstance(error, TelegramError):
        log.warning("polling: %s", describe(error))
        return
    app = services.of(context)
    user = update.effective_user if isinstance(update, Update) else None
    ref = user_ref(user.id) if user is not None else None
    if isinstance(error, Forbidden) and user is not None and _in_private_chat(update):
        await blocked_meanwhile(app, user.id, ref)
        return
    failure = failure_of(error, update, context)
    log.error(
        "handler failed in %s user=%s",
        failure.handler,
        ref or "-",
        exc_info=(type(error), error, error.__traceback__),
    )
    if isinstance(update, Update):
        await apologise(update, context)
    try:
        await report(context, app, failure, ref)
    except Exception as report_error:
        log.warning("error report not sent: %s", describe(report_error))


def _in_private_chat(update: object) -> bool:
    chat = update.effective_chat if isinstance(update, Update) else None
    return chat is not None and chat.type == ChatType.PRIVATE


async def blocked_meanwhile(app: Services, user_id: int, ref: str | None) -> None:
    """The person blocked the bot between their update and its answer (a 403 on the reply):
    nothing went wrong on the bot's side, so no apology (it could not arrive) and no report;
    they are marked blocked as a failed reminder would mark them."""
    log.info("user=%s blocked the bot before the answer arrived", ref)
    try:
        with transaction(app.engine) as session:
            reminders.user_blocked(session, user_id, app.clock.now())
    except Exception as db_error:
        log.warning("could not note the block: %s", describe(db_error))


async def apologise(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The polite answer: on the button that was tapped if it can still be answered, else as a
    message in the private chat. It never raises: a second failure is only logged."""
    try:
        query = update.callback_query
        if query is not None:
            try:
                await query.answer(texts.account.something_went_wrong(), show_alert=True)
                return
            except TelegramError:  # already answered by the handler: say it in the chat
                pass
        chat = update.effective_chat
        if chat is not None and chat.type == ChatType.PRIVATE:
            apology = safety.with_safety_line(texts.account.something_went_wrong())
            await context.bot.send_message(chat.id, apology)
    except Exception as reply_error:
        log.warning("could not tell the user about the failure: %s", describe(reply_error))


async def report(
    context: ContextTypes.DEFAULT_TYPE, app: Services, failure: Failure, ref: str | None
) -> None:
    """Each staff member gets the report in their language, unless this kind of error was
    reported less than an hour ago (by the app clock)."""
    staff = sorted(app.settings.admin_ids)
    if not staff:
        return
    now = app.clock.now()
    throttle: ReportThrottle = context.bot_data.setdefault(THROTTLE, ReportThrottle())
    held = throttle.admit(failure.kind, now)
    if held is None:
        log.info("error report held back: %s reported less than an hour ago", failure.kind[0])
        return
    try:
        with transaction(app.engine) as session:
            speaks = languages.of_many(session, staff)
    except Exception as db_error:  # the database may be what failed: report in English
        log.warning("staff languages unknown: %s", describe(db_error))
        speaks = {}
    reached = 0
    for staff_id in staff:
        with language.speaking(speaks.get(staff_id, language.DEFAULT)):
            text = texts.errors.error_report(
                error=failure.error,
                handler=failure.handler,
                at=now,
                user=ref,
                trace=failure.trace,
                suppressed=held,
            )
        result = await delivery.send(context.bot, staff_id, text)
        reached += result.result is Outcome.SENT
    log.info("error report sent to %s of %s staff (%s held back before)", reached, len(staff), held)


def _handlers(context: ContextTypes.DEFAULT_TYPE) -> list[object]:
    return [handler for group in context.application.handlers.values() for handler in group]
