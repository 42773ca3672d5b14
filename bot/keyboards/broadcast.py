"""The buttons under a broadcast preview: the action and the broadcast's number. A tap is
checked against who taps (the staff member who wrote it) and the broadcast's state, so forged
data grants nothing."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from telegram import InlineKeyboardMarkup

from bot import texts
from bot.domain.broadcast import Audience, Tally
from bot.keyboards.callback import CallbackData, RowId, button
from bot.texts.language import DEFAULT, LANGUAGES


class BroadcastAction(StrEnum):
    TO = "to"
    SEND = "send"
    CANCEL = "cancel"
    STOP = "stop"
    SHOW = "show"
    LATER = "later"


@dataclass(frozen=True)
class BroadcastTap(CallbackData, prefix="bc"):
    """`bc:<action>:<broadcast>`, and `bc:to:<broadcast>:<audience>` to pick the audience."""

    action: BroadcastAction
    broadcast_id: RowId
    audience: Audience | None = None

    def __post_init__(self) -> None:
        if (self.action is BroadcastAction.TO) != (self.audience is not None):
            raise ValueError("an audience is what `to` picks, and only `to`")


@dataclass(frozen=True)
class BroadcastVersionTap(CallbackData, prefix="bv"):
    """`bv:<broadcast>:<language>`: write (or replace) a draft's text in another language."""

    broadcast_id: RowId
    language: str

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES or self.language == DEFAULT:
            raise ValueError("a version is in another language the bot speaks")


def draft_keyboard(
    broadcast_id: int,
    chosen: Audience,
    sizes: dict[Audience, int],
    versions: Collection[str] = (),
) -> InlineKeyboardMarkup:
    """Audience choice (the chosen one marked), ✅ send, a version in each other language and
    sending later, then cancel."""
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
                *(
                    button(
                        texts.staff.add_version_button(code, code in versions),
                        BroadcastVersionTap(broadcast_id, code),
                    )
                    for code in LANGUAGES
                    if code != DEFAULT
                ),
                button(
                    texts.staff.schedule_button(),
                    BroadcastTap(BroadcastAction.LATER, broadcast_id),
                ),
            ],
            [
                button(
                    texts.staff.cancel_broadcast_button(),
                    BroadcastTap(BroadcastAction.CANCEL, broadcast_id),
                )
            ],
        ]
    )


def scheduled_keyboard(broadcast_ids: Collection[int]) -> InlineKeyboardMarkup:
    """A cancel button for each broadcast waiting for its time."""
    return InlineKeyboardMarkup(
        [
            [
                button(
                    texts.staff.cancel_scheduled_button(number),
                    BroadcastTap(BroadcastAction.CANCEL, number),
                )
            ]
            for number in broadcast_ids
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
