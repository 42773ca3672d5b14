"""Time zones found from what someone typed: the choices when several fit, their buttons."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from bot.texts.common import shorten
from bot.texts.language import _


def zone_choices(text: str) -> str:
    return _(
        "🌍 “{text}” has more than one time zone. Which one is yours? You can also type the "
        "place with its country or US state (for example <code>Portland, Maine</code>) or share "
        "your location."
    ).format(text=escape(shorten(text)))


def also_elsewhere(text: str) -> str:
    return _(
        "There is a “{text}” in another time zone too. If you meant that one, change it in "
        "/settings and type the place with its country or US state (for example "
        "<code>London, Canada</code>)."
    ).format(text=escape(shorten(text)))


def offset_choices(offset: timedelta) -> str:
    return _(
        "🌍 These time zones are at UTC{offset} right now. Which one is yours? I'll follow its "
        "changes for summer time, which a bare offset would miss. You can also type your city."
    ).format(offset=signed(offset))


def signed(offset: timedelta) -> str:
    """`+1`, `+5:30`, and a minus sign (not a hyphen) west of UTC: written after UTC."""
    minutes = int(offset.total_seconds()) // 60
    hours, rest = divmod(abs(minutes), 60)
    written = "{hours}:{rest:02d}" if rest else "{hours}"
    return ("+" if minutes >= 0 else "−") + written.format(hours=hours, rest=rest)


def zone_button(zone: str, local_now: datetime) -> str:
    return _("{zone} · {now:%H:%M}").format(zone=zone, now=local_now)
