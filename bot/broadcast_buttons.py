"""The buttons under a broadcast preview and what their callback data says: the action and the
broadcast's number. A tap is checked against who taps (the staff member who wrote it) and the
broadcast's state, so forged data grants nothing."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.domain.broadcast import Audience, Tally
from bot.domain.numbers import ROW_ID_LARGEST, parse_number

PREFIX = "bc"
ACTIONS = frozenset({"to", "send", "cancel", "stop", "show"})


@dataclass(frozen=True)
class BroadcastTap:
    action: str
    broadcast_id: int
    audience: Audience | None = None


def data(action: str, broadcast_id: int, audience: Audience | None = None) -> str:
    return f"{PREFIX}:{action}:{broadcast_id}" + (f":{audience.value}" if audience else "")


def parse(raw: str) -> BroadcastTap | None:
    parts = raw.split(":")
    if len(parts) not in (3, 4) or parts[0] != PREFIX or parts[1] not in ACTIONS:
        return None
    broadcast_id = parse_number(parts[2], ROW_ID_LARGEST)
    if broadcast_id is None or (parts[1] == "to") != (len(parts) == 4):
        return None
    audience = None
    if len(parts) == 4:
        try:
            audience = Audience(parts[3])
        except ValueError:
            return None
    return BroadcastTap(parts[1], broadcast_id, audience)


def draft(broadcast_id: int, chosen: Audience, sizes: dict[Audience, int]) -> InlineKeyboardMarkup:
    """Audience choice (the chosen one marked), then ✅ send and cancel."""
    choices = [
        InlineKeyboardButton(
            texts.staff.audience_button(audience, sizes[audience], audience is chosen),
            callback_data=data("to", broadcast_id, audience),
        )
        for audience in Audience
    ]
    return InlineKeyboardMarkup(
        [
            choices,
            [
                InlineKeyboardButton(
                    texts.staff.send_broadcast_button(sizes[chosen]),
                    callback_data=data("send", broadcast_id),
                )
            ],
            [
                InlineKeyboardButton(
                    texts.staff.cancel_broadcast_button(),
                    callback_data=data("cancel", broadcast_id),
                )
            ],
        ]
    )


def progress(broadcast_id: int, tally: Tally, *, sending: bool) -> InlineKeyboardMarkup:
    """While sending: sent so far of the total, and a stop button; afterwards: the outcome."""
    rows = [
        [
            InlineKeyboardButton(
                texts.staff.progress_button(tally, sending),
                callback_data=data("show", broadcast_id),
            )
        ]
    ]
    if sending:
        rows.append(
            [
                InlineKeyboardButton(
                    texts.staff.stop_broadcast_button(), callback_data=data("stop", broadcast_id)
                )
            ]
        )
    return InlineKeyboardMarkup(rows)
