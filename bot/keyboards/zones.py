"""The time zones offered for what someone typed (a country, a city in several zones, a UTC
offset): `zone:<flow>:<IANA name>`, the sign-up (`s`) or /settings (`c`). Every IANA name fits
in Telegram's 64 bytes; a name that is not a zone is refused like any forged data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot import texts
from bot.domain.timing import find_zone
from bot.keyboards.callback import SEPARATOR, CallbackData, button


class ZoneFlow(StrEnum):
    SIGN_UP = "s"
    SETTINGS = "c"


@dataclass(frozen=True)
class ZoneTap(CallbackData, prefix="zone"):
    flow: ZoneFlow
    zone: str

    def __post_init__(self) -> None:
        if find_zone(self.zone) != self.zone:
            raise ValueError(f"no time zone {self.zone!r}")

    @classmethod
    def pattern_for(cls, flow: ZoneFlow) -> str:
        """The taps of one flow, each registered with its own handler."""
        return f"^{re.escape(cls.prefix + SEPARATOR + flow.value + SEPARATOR)}"


def choices_keyboard(flow: ZoneFlow, zones: tuple[str, ...], now: datetime) -> InlineKeyboardMarkup:
    """One zone a row, with its local time now, so the right one is easy to recognise."""
    return InlineKeyboardMarkup(
        [
            [
                button(
                    texts.zones.zone_button(zone, now.astimezone(ZoneInfo(zone))),
                    ZoneTap(flow, zone),
                )
            ]
            for zone in zones
        ]
    )
