"""/help, /about, /myid: open to everyone, enrolled or not."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import services
from bot.texts import en


async def help_(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    staff = services.is_staff(context, update.effective_user.id)
    await update.effective_message.reply_html(en.HELP + (en.STAFF_HELP if staff else ""))


async def about(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_html(en.ABOUT)


async def my_id(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_html(en.my_id(update.effective_user.id))
