"""Which updates the bot acts on. It serves people one to one, in private chats, and acts on
what they newly send: a message, a tap, blocking or unblocking it. Everything else must change
nothing: an edited message would run its command a second time, a business-account message
comes from a customer of someone else's business (an answer would go out through that
business's connection, with the customer's own data), and activity in a group says nothing
about a person's own chat with the bot."""

from __future__ import annotations

import enum
from collections import OrderedDict

ACTED_ON = frozenset({"message", "callback_query", "my_chat_member"})
"""Update kinds the bot acts on in a private chat."""
GROUPS = frozenset({"group", "supergroup"})


class Handling(enum.Enum):
    ACT = "act"
    IGNORE = "ignore"
    GROUP = "group"
    """A group or supergroup: say once that the bot works in private chats only, and leave."""
    CHANNEL = "channel"
    """A channel: leave without a word (a post would reach every subscriber)."""


def handling(kind: str | None, chat_type: str | None, *, bot_present: bool = True) -> Handling:
    """What to do with an update of `kind` (the field of the update that is set) from a chat of
    `chat_type` (None: no chat, e.g. an inline query). `bot_present` is False for the update
    that tells the bot it was removed from a chat: there is nobody left to answer."""
    if chat_type in GROUPS or chat_type == "channel":
        if kind not in ("message", "channel_post", "my_chat_member") or not bot_present:
            return Handling.IGNORE
        return Handling.GROUP if chat_type in GROUPS else Handling.CHANNEL
    if chat_type == "private" and kind in ACTED_ON:
        return Handling.ACT
    return Handling.IGNORE


class Answered:
    """The groups already told, so a group gets the answer once, not once per message (in
    case leaving fails, or someone adds the bot again soon). Bounded: the oldest are
    forgotten first."""

    def __init__(self, limit: int = 10_000) -> None:
        self._limit = limit
        self._chats: OrderedDict[int, None] = OrderedDict()

    def first_time(self, chat_id: int) -> bool:
        """Whether this chat is new here; remembers it either way."""
        if chat_id in self._chats:
            self._chats.move_to_end(chat_id)
            return False
        self._chats[chat_id] = None
        if len(self._chats) > self._limit:
            self._chats.popitem(last=False)
        return True
