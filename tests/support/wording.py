"""The bot's own texts as a test expects them in a chat: rendered in a language, and shown the
way Telegram shows them (tags applied, so gone from the text; entities read)."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

import pytest

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


GERMAN_TWIN = pytest.mark.parametrize("backend", ["sqlite"])
"""For a German twin of a test that runs on both backends: what it adds is the wording, which no
database changes, so it runs once (on SQLite) and keeps the suite within its time."""
