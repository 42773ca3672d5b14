"""Unfinished exchanges (enrolment, settings changes, erase requests), persisted per user. The
flows and how long each stays live are in `bot.handlers.flows`; the answers' types in
`bot.domain.conversations`."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlmodel import Session, col, delete

from bot.domain.conversations import EARLIER, Answers, Exchange, parse
from bot.models import Conversation

S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=Answers)


def get(session: Session, user_id: int) -> Conversation | None:
    return session.get(Conversation, user_id)


def read(
    conversation: Conversation | None, flow: str, steps: type[S], answers: type[A]
) -> Exchange[S, A] | None:
    """The row as `flow`'s typed conversation; None when there is none, it is another flow's,
    or its step and answers are not what the flow writes (older code, damage)."""
    if conversation is None or conversation.flow != flow:
        return None
    parsed = parse(steps, answers, conversation.step, conversation.answers)
    if parsed is None:
        return None
    return Exchange(conversation.user_id, parsed[0], parsed[1], conversation.updated_at)


def save(
    session: Session, user_id: int, flow: str, step: str, answers: Answers, now: datetime
) -> Conversation:
    """Start or advance a conversation; a user has at most one at a time."""
    return _write(session, user_id, flow, step, answers.to_json(), now)


def drop(session: Session, user_id: int) -> None:
    session.exec(delete(Conversation).where(col(Conversation.user_id) == user_id))


def interrupt(
    session: Session, user_id: int, flow: str, step: str, answers: Answers, now: datetime
) -> Conversation:
    """Start a short exchange (an erase request, a support answer) over whatever the user was
    in the middle of; `resume` brings that back afterwards."""
    earlier = get(session, user_id)
    kept = None
    if earlier is not None and earlier.flow != flow:
        kept = {"flow": earlier.flow, "step": earlier.step, "answers": earlier.answers}
    elif earlier is not None and isinstance(earlier.answers, dict):
        kept = earlier.answers.get(EARLIER)
    return _write(session, user_id, flow, step, {**answers.to_json(), EARLIER: kept}, now)


def resume(session: Session, user_id: int, flow: str, now: datetime) -> None:
    """End a short exchange of `flow`, if it is still the user's: back to the conversation it
    interrupted (kept as it was stored), or to none when there was none or it is unreadable."""
    conversation = get(session, user_id)
    if conversation is None or conversation.flow != flow:
        return
    earlier = conversation.answers.get(EARLIER) if isinstance(conversation.answers, dict) else None
    if (
        isinstance(earlier, dict)
        and isinstance(earlier.get("flow"), str)
        and isinstance(earlier.get("step"), str)
        and isinstance(earlier.get("answers"), dict)
    ):
        _write(session, user_id, earlier["flow"], earlier["step"], earlier["answers"], now)
    else:
        drop(session, user_id)


def _write(
    session: Session, user_id: int, flow: str, step: str, answers: dict[str, Any], now: datetime
) -> Conversation:
    conversation = session.get(Conversation, user_id)
    if conversation is None:
        conversation = Conversation(user_id=user_id, flow=flow, step=step, updated_at=now)
    conversation.flow = flow
    conversation.step = step
    conversation.answers = dict(answers)
    conversation.updated_at = now
    session.add(conversation)
    return conversation
