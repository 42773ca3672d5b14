"""Writing to the support team and its answers."""

from __future__ import annotations

from html import escape

from bot.texts.language import _

# --- support -----------------------------------------------------------------------------


def support_ask() -> str:
    return _(
        "✍️ What would you like to ask the support team? Write it in your next message (or after "
        "the command, like <code>/support I changed phones</code>).\n\n"
        "They'll answer here, in this chat. Please don't include health details they don't need; "
        "for medical questions, ask your doctor or pharmacist."
    )


def support_sent() -> str:
    return _("📨 Sent to the support team. Their answer will arrive here, in this chat.")


def support_unreachable() -> str:
    return _("Sorry, I couldn't reach the support team just now. Please try again later.")


def support_too_often() -> str:
    return _(
        "You've written to the support team several times in the last day; they'll answer as soon "
        "as they can. Please wait for their reply before writing again."
    )


def answer_button() -> str:
    return _("↩️ Answer")


def cancel_answer_button() -> str:
    return _("✖️ Don't answer")


def answer_dropped() -> str:
    return _("Okay, no answer sent.")


def support_request_gone() -> str:
    return _(
        "That person has since deleted their data or the request no longer exists; nothing was "
        "sent."
    )


def answer_blocked() -> str:
    return _("Not delivered: that person has blocked the bot.")


def answer_not_now() -> str:
    return _("Telegram didn't take the answer just now; please send it again in a moment.")


def support_too_long(limit: int) -> str:
    return _("That's a bit long for one request: please keep it under {limit} characters.").format(
        limit=limit
    )


def support_request(number: int, text: str, first_name: str | None = None) -> str:
    """As staff see it; `first_name` only where SUPPORT_SHOWS_FIRST_NAME is on."""
    if first_name:
        heading = _("💬 <b>Support request #{number}</b> from {name}").format(
            number=number, name=escape(first_name)
        )
    else:
        heading = _("💬 <b>Support request #{number}</b>").format(number=number)
    return _for_staff(heading, text)


def support_follow_up(number: int, text: str, first_name: str | None = None) -> str:
    """The user wrote back after an answer: the same request, for staff."""
    if first_name:
        heading = _("💬 <b>Follow-up to support request #{number}</b> from {name}").format(
            number=number, name=escape(first_name)
        )
    else:
        heading = _("💬 <b>Follow-up to support request #{number}</b>").format(number=number)
    return _for_staff(heading, text)


def _for_staff(heading: str, text: str) -> str:
    return (
        heading
        + "\n\n"
        + escape(text)
        + "\n\n"
        + _(
            "<i>Answer with the button, or reply to this message. The answer goes out from the "
            "bot, without your name.</i>"
        )
    )


def answer_prompt(number: int) -> str:
    return _(
        "Write your answer to request #{number}. It goes to them from the bot, without your name."
    ).format(number=number)


def support_answer(text: str) -> str:
    return _(
        "💬 <b>Answer from the support team</b>\n\n{text}\n\n"
        "<i>To write back, reply to this message or tap ↩️ Reply.</i>"
    ).format(text=escape(text))


def answer_delivered(number: int) -> str:
    return _("✅ Your answer to request #{number} was delivered.").format(number=number)


def reply_button() -> str:
    return _("↩️ Reply")


def follow_up_ask() -> str:
    return _("✍️ Write your message to the support team; it goes with your earlier request.")


def follow_up_sent() -> str:
    return _("📨 Sent to the support team with your earlier request. Their answer will come here.")


def follow_up_waiting() -> str:
    return _(
        "The support team hasn't answered your last message yet; they will, here in this chat. "
        "To add something new, write /support followed by your message."
    )


def follow_up_gone() -> str:
    return _(
        "That request is closed, so nothing was sent. To write to the support team again, use "
        "/support."
    )
