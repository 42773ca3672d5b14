"""The bot's own texts as a test expects them in a chat: rendered in a language, and shown the
way Telegram shows them (tags applied, so gone from the text; entities read)."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

from bot.texts import language


def rendered(code: str, render: Callable[[], str]) -> str:
    """`render()` in the language `code`, as the bot writes it (HTML)."""
    with language.speaking(code):
        return render()


def german(render: Callable[[], str]) -> str:
    return rendered("de", render)


def shown(html: str) -> str:
    """A text as the chat shows it: no tags, entities read."""
    return unescape(re.sub(r"<[^>]+>", "", html))
