"""The parts of an update a handler relies on, typed without the `None` PTB allows.

python-telegram-bot types `update.effective_user`, `effective_message`, `callback_query` and
the like as optional, since an update of some other kind lacks them. Each handler is registered
only for updates that have what it reads (a command has a message and a user, a button's
handler a callback query), so here their absence is a bug: it raises `Missing`, naming what
was missing, instead of an `AttributeError` on `None` further down."""

from __future__ import annotations

from telegram import CallbackQuery, Chat, Message, Update, User


class Missing(LookupError):
    """The update lacks what its handler was registered for."""

    def __init__(self, update: Update, what: str) -> None:
        super().__init__(f"update {update.update_id} has no {what}")


def user_of(update: Update) -> User:
    """Who sent the update."""
    if (user := update.effective_user) is None:
        raise Missing(update, "user")
    return user


def chat_of(update: Update) -> Chat:
    """The chat the update came from (a private chat: its id is the user's)."""
    if (chat := update.effective_chat) is None:
        raise Missing(update, "chat")
    return chat


def message_of(update: Update) -> Message:
    """The message: the one sent, or the one under the button that was tapped."""
    if (message := update.effective_message) is None:
        raise Missing(update, "message")
    return message


def text_of(update: Update) -> str:
    """The text of the message (handlers for text messages only)."""
    if (text := message_of(update).text) is None:
        raise Missing(update, "text")
    return text


def query_of(update: Update) -> CallbackQuery:
    """The tap on an inline button."""
    if (query := update.callback_query) is None:
        raise Missing(update, "callback query")
    return query


def data_of(update: Update) -> str:
    """The callback data of the button tapped."""
    if (data := query_of(update).data) is None:
        raise Missing(update, "callback data")
    return data
