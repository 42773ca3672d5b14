"""Writing to the support team and its answers."""

from __future__ import annotations

from html import escape

from bot.texts.language import N_, _

# --- support -----------------------------------------------------------------------------

SUPPORT_USAGE = N_(
    "To write to the support team, put your message after the command, for example:\n"
    "<code>/support I changed phones and stopped getting reminders.</code>\n\n"
    "They'll answer here, in this chat. Please don't include health details they don't need; "
    "for medical questions, ask your doctor or pharmacist."
)
SUPPORT_SENT = N_("📨 Sent to the support team. Their answer will arrive here, in this chat.")
SUPPORT_UNREACHABLE = N_(
    "Sorry, I couldn't reach the support team just now. Please try again later."
)
SUPPORT_TOO_OFTEN = N_(
    "You've written to the support team several times in the last day; they'll answer as soon "
    "as they can. Please wait for their reply before writing again."
)
ANSWER_BUTTON = N_("↩️ Answer")
CANCEL_ANSWER_BUTTON = N_("✖️ Don't answer")
ANSWER_DROPPED = N_("Okay, no answer sent.")
SUPPORT_REQUEST_GONE = N_(
    "That person has since deleted their data or the request no longer exists; nothing was sent."
)
ANSWER_BLOCKED = N_("Not delivered: that person has blocked the bot.")
ANSWER_NOT_NOW = N_("Telegram didn't take the answer just now; please send it again in a moment.")


def support_too_long(limit: int) -> str:
    return _("That's a bit long for one request: please keep it under {limit} characters.").format(
        limit=limit
    )


def support_request(number: int, text: str) -> str:
    return _(
        "💬 <b>Support request #{number}</b>\n\n{text}\n\n"
        "<i>Answer with the button, or reply to this message. The answer goes out from the bot, "
        "without your name.</i>"
    ).format(number=number, text=escape(text))


def answer_prompt(number: int) -> str:
    return _(
        "Write your answer to request #{number}. It goes to them from the bot, without your name."
    ).format(number=number)


def support_answer(text: str) -> str:
    return _(
        "💬 <b>Answer from the support team</b>\n\n{text}\n\n"
        "<i>To write again: /support followed by your message.</i>"
    ).format(text=escape(text))


def answer_delivered(number: int) -> str:
    return _("✅ Your answer to request #{number} was delivered.").format(number=number)
