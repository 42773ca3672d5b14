"""Each person's command menu follows their role: after every update (group 1, not blocking)
the role is looked up, and the chat's menu is set again when it differs from the one this
process last set. So signing up, being approved as a caregiver, leaving or erasing one's data
changes the menu at once or with the next message."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import commands, services
from bot.db import reading
from bot.domain.roles import Role
from bot.store import caregivers, languages, patients

KEY = "menu_roles"
log = logging.getLogger(__name__)


def role_of(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> Role:
    """What `user_id` is to the bot now."""
    app = services.of(context)
    with reading(app.engine) as session:
        return Role(
            patient=patients.get(session, user_id) is not None,
            caregiver=bool(caregivers.followed(session, user_id)),
            staff=services.is_staff(context, user_id),
        )


async def refresh(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or chat.type != ChatType.PRIVATE:
        return
    await set_for(context, user.id)


async def set_for(context: ContextTypes.DEFAULT_TYPE, user_id: int, *, force: bool = False) -> None:
    """Set `user_id`'s menu if their role changed since this process last set it (`force`:
    anyway, e.g. for a newly chosen language). A newcomer keeps the menu every private chat
    has, until they are something more."""
    known: dict[int, Role] = context.bot_data.setdefault(KEY, {})
    role = role_of(context, user_id)
    if not force and known.get(user_id, Role()) == role:
        return
    app = services.of(context)
    with reading(app.engine) as session:
        chosen = languages.of_many(session, [user_id], chosen_only=True).get(user_id)
    try:
        if await commands.register_chat(context.bot, user_id, role, chosen):
            known[user_id] = role
    except TelegramError as error:  # a menu is a convenience: the next update tries again
        log.info("a chat's menu was not set: %s", type(error).__name__)
