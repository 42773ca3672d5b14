"""A typed time zone, for the sign-up and /settings alike: an IANA name, a city, a country or a
UTC offset (see `bot.places`). One zone is taken at once; several are offered as buttons."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from telegram import Update
from telegram.ext import ContextTypes

from bot import places, services, texts
from bot.handlers.access import message_of
from bot.keyboards.zones import ZoneFlow, choices_keyboard


@dataclass(frozen=True)
class Taken:
    """A zone to take, and what to add to its confirmation ("" or where else the place is)."""

    zone: str
    note: str = ""

    def confirming(self, confirmation: str) -> str:
        return "\n\n".join(part for part in (confirmation, self.note) if part)


@dataclass(frozen=True)
class Offered:
    """No zone taken: the question with the zones to pick from, or (none) why nothing fits."""

    text: str
    zones: tuple[str, ...]


async def find_typed(text: str, now: datetime) -> Taken | Offered:
    """What a typed zone gives, for the chat and the page alike. The place data is read on
    first use, in a thread so others are not kept waiting meanwhile."""
    found = await asyncio.to_thread(places.find, text, now)
    if found.zone is not None:
        elsewhere = len(found.zones) > 1
        return Taken(found.zone, texts.zones.also_elsewhere(text) if elsewhere else "")
    if not found.zones:
        return Offered(texts.enrolment.zone_unknown(text), ())
    question = (
        texts.zones.offset_choices(found.offset)
        if found.offset is not None
        else texts.zones.zone_choices(text)
    )
    return Offered(question, found.zones)


async def zone_typed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, flow: ZoneFlow, text: str
) -> Taken | None:
    """The zone `text` names; None when the person was answered instead (the choices, or why
    nothing fits)."""
    now = services.of(context).clock.now()
    found = await find_typed(text, now)
    if isinstance(found, Taken):
        return found
    markup = choices_keyboard(flow, found.zones, now) if found.zones else None
    await message_of(update).reply_text(found.text, reply_markup=markup)
    return None
