"""Whether a user can be reached: blocking the bot stops every message to them (reminders,
caregiver alerts, broadcasts) until they come back, by unblocking or simply writing again;
a patient's reminders are then re-planned from now."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError
from telegram import ChatMember, Update
from telegram.ext import ContextTypes

from bot import services
from bot.db import transaction
from bot.logs import describe
from bot.store import languages, reminders, retention
from bot.texts import language

log = logging.getLogger(__name__)


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    app = services.of(context)
    blocked = change.new_chat_member.status in (ChatMember.BANNED, ChatMember.LEFT)
    with transaction(app.engine) as session:
        if blocked:
            reminders.user_blocked(session, change.from_user.id, app.clock.now())
        else:
            reminders.user_back(session, change.from_user.id, app.clock.now())


async def on_any_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs first for every update: picks the language of the answer (the user's choice, else
    their Telegram app's), and a message or tap from someone marked as having blocked the bot
    means they are back; from someone half-way through signing up, that they are not quiet
    (see `bot.domain.retention`). When the database fails here, the update still goes on in
    the language of the person's app: whatever it asks for may need no database, and safety
    advice must never wait for one."""
    user = update.effective_user
    if user is None:
        language.activate(language.DEFAULT)
        return
    language.activate(language.choose(user.language_code))
    app = services.of(context)
    now = app.clock.now()
    try:
        with transaction(app.engine) as session:
            language.activate(languages.follow(session, user.id, user.language_code, now))
            if update.my_chat_member is None:
                reminders.user_back(session, user.id, now)
                retention.touch_sign_up(session, user.id, language.current(), now)
    except SQLAlchemyError as error:
        log.warning("presence not recorded, the update goes on: %s", describe(error))
