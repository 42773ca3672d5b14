"""Abuse limits: a flood of messages, a message too long or not text, too many open invites."""

from __future__ import annotations

from bot.texts.language import _


def flood_pause() -> str:
    return _(
        "You're going fast — give me a few seconds, then send your last message again. If you "
        "feel unwell, don't wait for me: call your doctor, or your local emergency number in an "
        "emergency."
    )


def only_text() -> str:
    return _(
        "I can only read text messages (and a shared location when I ask for your time zone). "
        "Please type what you'd like to tell me, or send /help to see what I can do."
    )


def too_long(limit: int) -> str:
    return _(
        "That message is too long for me: please keep it under {limit} characters. Nothing was "
        "saved or changed."
    ).format(limit=limit)


def invites_at_limit(count: int, hours: int) -> str:
    return _(
        "You already have {count} invite links waiting to be opened, the most at one time. Each "
        "stays open until someone uses it, you cancel it, or {hours} hours pass. To make a new "
        "one, cancel one of them below (or with ❌ under its link), then send /invite again."
    ).format(count=count, hours=hours)


def cancel_invite(number: int, when: str) -> str:
    """A button under the limit message; `when` is the local time the link was made."""
    return _("❌ Cancel link {number}, made {when}").format(number=number, when=when)


def private_chats_only(bot: str) -> str:
    """The one answer a group gets before the bot leaves it."""
    return _(
        "I only work in private chats, so that what people tell me about their treatment stays "
        "between us. To use me, open a chat with @{bot}. I'm leaving this chat now."
    ).format(bot=bot)
