"""Unfinished exchanges (enrolment, settings changes, erase requests), persisted per user."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, delete

from bot.models import Conversation


def get(session: Session, user_id: int) -> Conversation | None:
    return session.get(Conversation, user_id)


def save(
    session: Session, user_id: int, flow: str, step: str, answers: dict[str, Any], now: datetime
) -> Conversation:
    """Start or advance a conversation; a user has at most one at a time."""
    conversation = session.get(Conversation, user_id)
    if conversation is None:
        conversation = Conversation(user_id=user_id, flow=flow, step=step, updated_at=now)
    conversation.flow = flow
    conversation.step = step
    conversation.answers = dict(answers)
    conversation.updated_at = now
    session.add(conversation)
    return conversation


def drop(session: Session, user_id: int) -> None:
    session.exec(delete(Conversation).where(col(Conversation.user_id) == user_id))


def interrupt(
    session: Session, user_id: int, flow: str, step: str, answers: dict[str, Any], now: datetime
) -> Conversation:
    """Start a short exchange (an erase request, a support answer) over whatever the user was
    in the middle of; `resume` brings that back afterwards."""
    earlier = get(session, user_id)
    kept = None
    if earlier is not None and earlier.flow != flow:
        kept = {"flow": earlier.flow, "step": earlier.step, "answers": earlier.answers}
    elif earlier is not None:
        kept = earlier.answers.get("earlier")
    return save(session, user_id, flow, step, {**answers, "earlier": kept}, now)


def resume(session: Session, conversation: Conversation, now: datetime) -> None:
    """End a short exchange: back to the interrupted conversation, if there was one."""
    earlier = conversation.answers.get("earlier")
    if earlier is None:
        drop(session, conversation.user_id)
    else:
        save(
            session, conversation.user_id, earlier["flow"], earlier["step"], earlier["answers"], now
        )
