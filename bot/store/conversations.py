"""Unfinished exchanges (enrolment, settings changes, erase requests), persisted per user."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, delete

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
    session.exec(delete(Conversation).where(Conversation.user_id == user_id))
