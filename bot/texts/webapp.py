"""The patient's page's own words (`GET <base>api/texts`), in the page's language. A first,
minimal set; the page's author owns this module."""

from __future__ import annotations

from bot.texts.language import _, speaking


def page_words(language: str) -> dict[str, str]:
    """Every word the page shows itself, by key, in `language`."""
    with speaking(language):
        return {
            "signed_out": _(
                "This page opens from the bot's chat in Telegram. Please open it from there."
            ),
        }
