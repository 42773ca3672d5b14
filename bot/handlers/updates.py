"""The first check on every update (group -4, before the flood guard, presence and the staff
menu): only what `bot.domain.updates` says the bot acts on goes further. Groups get one short
answer and the bot leaves; nothing from a group, channel, edit or business account reaches
the database."""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import texts
from bot.domain.updates import Answered, Handling, handling
from bot.texts import language

KEY = "answered_groups"
PRESENT = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.RESTRICTED, ChatMember.OWNER)
log = logging.getLogger(__name__)


async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    kind = next((kind for kind in Update.ALL_TYPES if getattr(update, kind, None)), None)
    chat = update.effective_chat
    member = update.my_chat_member
    present = member is None or member.new_chat_member.status in PRESENT
    verdict = handling(kind, chat.type if chat else None, bot_present=present)
    if verdict is Handling.ACT:
        return
    if chat is not None and verdict in (Handling.GROUP, Handling.CHANNEL):
        await _leave(update, context, chat.id, answer=verdict is Handling.GROUP)
    raise ApplicationHandlerStop


async def _leave(
    update: Update, context: ContextTypes.DEFAULT_TYPE, chat_id: int, *, answer: bool
) -> None:
    """Answer (a group) and leave, the first time this chat is seen or whenever the bot is
    added again; the messages queued before it left cost no call at all."""
    answered: Answered = context.bot_data.setdefault(KEY, Answered())
    first = answered.first_time(chat_id)
    if not first and update.my_chat_member is None:
        return
    user = update.effective_user
    try:
        if answer and first:
            with language.speaking(language.choose(user.language_code if user else None)):
                text = texts.limits.private_chats_only(context.bot.username)
            await context.bot.send_message(chat_id, text)
        await context.bot.leave_chat(chat_id)
        log.info("left a %s", "group" if answer else "channel")
    except TelegramError as error:  # removed meanwhile, or no right to post: nothing to add
        log.info("could not answer in or leave a group: %s", type(error).__name__)
