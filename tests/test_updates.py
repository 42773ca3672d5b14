"""Which updates the bot acts on (`bot.domain.updates`), and that a group is told only once."""

from __future__ import annotations

import pytest

from bot.domain.updates import Answered, Handling, handling


@pytest.mark.parametrize(
    ("kind", "chat_type", "present", "expected"),
    [
        ("message", "private", True, Handling.ACT),
        ("callback_query", "private", True, Handling.ACT),
        ("my_chat_member", "private", False, Handling.ACT),  # blocking the bot is news
        ("edited_message", "private", True, Handling.IGNORE),
        ("business_message", "private", True, Handling.IGNORE),
        ("edited_business_message", "private", True, Handling.IGNORE),
        ("message_reaction", "private", True, Handling.IGNORE),
        ("inline_query", None, True, Handling.IGNORE),
        ("callback_query", None, True, Handling.IGNORE),
        ("message", "group", True, Handling.GROUP),
        ("message", "supergroup", True, Handling.GROUP),
        ("my_chat_member", "group", True, Handling.GROUP),
        ("my_chat_member", "supergroup", False, Handling.IGNORE),  # removed: nobody to tell
        ("edited_message", "group", True, Handling.IGNORE),
        ("callback_query", "group", True, Handling.IGNORE),
        ("channel_post", "channel", True, Handling.CHANNEL),
        ("my_chat_member", "channel", True, Handling.CHANNEL),
        ("edited_channel_post", "channel", True, Handling.IGNORE),
    ],
)
def test_what_the_bot_acts_on(
    kind: str, chat_type: str | None, present: bool, expected: Handling
) -> None:
    assert handling(kind, chat_type, bot_present=present) is expected


def test_each_group_is_answered_once_and_memory_stays_bounded() -> None:
    answered = Answered(limit=2)
    assert answered.first_time(-1) and not answered.first_time(-1)
    assert answered.first_time(-2) and answered.first_time(-3)
    assert not answered.first_time(-3) and not answered.first_time(-2)
    assert answered.first_time(-1), "the oldest was forgotten"
