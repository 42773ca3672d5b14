"""The buttons under a broadcast preview: the action and the broadcast's number. A tap is
checked against who taps (the staff member who wrote it) and the broadcast's state, so forged
data grants nothing."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from telegram import InlineKeyboardMarkup

from bot import texts
from bot.domain.broadcast import Audience, Tally
from bot.keyboards.callback import CallbackData, RowId, button


class BroadcastAction(StrEnum):
    TO = "to"
    SEND = "send"
    CANCEL = "cancel"
    STOP = "stop"
    SHOW = "show"


@dataclass(frozen=True)
class BroadcastTap(CallbackData, prefix="bc"):
    """`bc:<action>:<broadcast>`, and `bc:to:<broadcast>:<audience>` to pick the audience."""

    action: BroadcastAction
    broadcast_id: RowId
    audience: Audience | None = None

    def __post_init__(self) -> None:
        if (self.action is BroadcastAction.TO) != (self.audience is not None):
            raise ValueError("an audience is what `to` picks, and only `to`")


def draft_keyboard(
    broadcast_id: int, chosen: Audience, sizes: dict[Audience, int]
) -> InlineKeyboardMarkup:
    """Audience choice (the chosen one marked), then ✅ send and cancel."""
    choices = [
        button(
            texts.staff.audience_button(audience, sizes[audience], audience is chosen),
            BroadcastTap(BroadcastAction.TO, broadcast_id, audience),
        )
        for audience in Audience
    ]
    return InlineKeyboardMarkup(
        [
            choices,
            [
                button(
                    texts.staff.send_broadcast_button(sizes[chosen]),
                    BroadcastTap(BroadcastAction.SEND, broadcast_id),
                )
            ],
            [
                button(
                    texts.staff.cancel_broadcast_button(),
                    BroadcastTap(BroadcastAction.CANCEL, broadcast_id),
                )
            ],
        ]
    )


def progress_keyboard(broadcast_id: int, tally: Tally, *, sending: bool) -> InlineKeyboardMarkup:
    """While sending: sent so far of the total, and a stop button; afterwards: the outcome."""
    rows = [
        [
            button(
                texts.staff.progress_button(tally, sending),
                BroadcastTap(BroadcastAction.SHOW, broadcast_id),
            )
        ]
    ]
    if sending:
        rows.append(
            [
                button(
                    texts.staff.stop_broadcast_button(),
                    BroadcastTap(BroadcastAction.STOP, broadcast_id),
                )
            ]
        )
    return InlineKeyboardMarkup(rows)
