"""Choosing the bot's language in /settings."""

from __future__ import annotations

from bot.texts.language import LANGUAGES, _, current


def language_changed() -> str:
    return _("🌐 From now on I'll write to you in English.")


def language_overview(chosen: bool) -> str:
    name = LANGUAGES[current()]
    if chosen:
        return _("🌐 <b>Language</b>: {name}, as you chose.").format(name=name)
    return _(
        "🌐 <b>Language</b>: {name}, the one your Telegram app uses. Pick another below to keep it."
    ).format(name=name)


def language_button(code: str) -> str:
    """Each language under its own name, so anyone can find theirs."""
    return f"{'✅' if code == current() else '🌐'} {LANGUAGES[code]}"
