"""The typed accessors handlers use for the parts of an update PTB types as optional: each
returns what is there, and names what is missing instead of failing on `None` later."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from telegram import CallbackQuery, Chat, Message, Update, User

from bot import services
from bot.handlers.access import (
    Missing,
    chat_of,
    data_of,
    message_of,
    query_of,
    text_of,
    user_of,
)

ANA = User(id=42, first_name="Ana", is_bot=False)
CHAT = Chat(id=42, type=Chat.PRIVATE)
SENT_AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def message(text: str | None = "hello") -> Message:
    return Message(message_id=7, date=SENT_AT, chat=CHAT, from_user=ANA, text=text)


def tap(data: str | None = "dose:1") -> Update:
    query = CallbackQuery(id="q1", from_user=ANA, chat_instance="c", data=data, message=message())
    return Update(update_id=2, callback_query=query)


def test_a_message_has_its_user_chat_message_and_text():
    update = Update(update_id=1, message=message())
    assert user_of(update) is ANA
    assert chat_of(update) is CHAT
    assert message_of(update) is update.message
    assert text_of(update) == "hello"


def test_a_tap_has_its_query_data_and_the_message_under_the_button():
    update = tap()
    assert query_of(update) is update.callback_query
    assert data_of(update) == "dose:1"
    assert user_of(update) is ANA
    assert message_of(update).message_id == 7


def test_what_is_missing_is_named():
    with pytest.raises(Missing, match="update 1 has no callback query"):
        query_of(Update(update_id=1, message=message()))
    with pytest.raises(Missing, match="update 1 has no text"):
        text_of(Update(update_id=1, message=message(text=None)))
    with pytest.raises(Missing, match="update 2 has no callback data"):
        data_of(tap(data=None))
    empty = Update(update_id=3)
    for accessor, what in ((user_of, "user"), (chat_of, "chat"), (message_of, "message")):
        with pytest.raises(Missing, match=f"update 3 has no {what}$"):
            accessor(empty)


def test_services_come_from_the_bot_data():
    found = object()
    context = SimpleNamespace(bot_data={services.KEY: found})
    assert services.of(context) is found
