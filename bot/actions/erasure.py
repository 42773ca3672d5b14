"""/deletedata: asked for, then confirmed or called off. Erasure is only possible while a
request the same user made is fresh, so a forged or late tap erases nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Engine

from bot.db import transaction
from bot.domain.conversations import EraseAnswers, EraseStep, FlowName
from bot.models import Conversation
from bot.store import caregivers, conversations, patients


class Decision(StrEnum):
    ERASED = "erased"
    KEPT = "kept"
    EXPIRED = "expired"  # no fresh request (or a forged answer): nothing changed


def request_erasure(engine: Engine, now: datetime, user_id: int) -> bool:
    """Whether there is anything to erase; if so the request waits for a confirmation (any
    unfinished conversation is set aside), else whatever trace there is goes at once (say,
    of a support request)."""
    with transaction(engine) as session:
        has_data = (
            patients.get(session, user_id) is not None
            or conversations.get(session, user_id) is not None
            or caregivers.has_links(session, user_id)
        )
        if has_data:
            conversations.interrupt(
                session, user_id, FlowName.ERASE, EraseStep.CONFIRM, EraseAnswers(), now
            )
        else:
            patients.erase(session, user_id)
    return has_data


def decide_erasure(
    engine: Engine,
    now: datetime,
    user_id: int,
    erase: bool | None,
    is_live: Callable[[Conversation, datetime], bool],
) -> Decision:
    """The answer to a request (None: not a valid answer): erase everything, or carry on
    with the conversation the request interrupted. `is_live` is the erase flow's own rule
    (`bot.handlers.flows`)."""
    with transaction(engine) as session:
        pending = conversations.get(session, user_id)
        live = (
            pending is not None
            and pending.flow == FlowName.ERASE
            and is_live(pending, now)
            and erase is not None
        )
        if not live or pending is None:
            return Decision.EXPIRED
        if erase:
            patients.erase(session, user_id)
            return Decision.ERASED
        conversations.resume(session, user_id, FlowName.ERASE, now)
    return Decision.KEPT
