"""/help, /about, /myid and the information pages (/sideeffects, /precautions, /howto,
/storage, /missed, /faq): open to everyone, enrolled or not. Each page offers buttons to
related topics."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from bot import texts
from bot.handlers import menus
from bot.handlers.access import message_of, query_of, user_of
from bot.keyboards.info import InfoTap, related
from bot.texts import information, safety

TOPICS = ("sideeffects", "precautions", "howto", "storage", "missed", "faq")
"""The pages with a command of their own; "help_now" is reached by its button."""


async def help_(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await message_of(update).reply_text(_help_text(update, context))


async def help_typed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "help" typed in words: it may be about how someone feels, so the safety line too."""
    await message_of(update).reply_text(safety.with_safety_line(_help_text(update, context)))


def _help_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The commands of this person's role (`bot.domain.roles`), as their menu has them."""
    role = menus.role_of(context, user_of(update).id)
    return texts.account.help(patient=role.patient, caregiver=role.caregiver, staff=role.staff)


async def about(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await message_of(update).reply_text(texts.account.about())


async def my_id(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await message_of(update).reply_text(texts.account.my_id(user_of(update).id))


def page(topic: str) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]:
    """The handler of one information command."""

    async def show(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await message_of(update).reply_text(information.page(topic), reply_markup=related(topic))

    return show


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A related-topic button: that page, as a new message (the one read stays in place)."""
    query = query_of(update)
    tap = InfoTap.parse(query.data)
    if tap is None:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    await message_of(update).reply_text(
        information.page(tap.topic), reply_markup=related(tap.topic)
    )
