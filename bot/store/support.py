"""Support requests: who asked and when, so staff answers find their way back. The text of a
request goes to the staff's chats only and is not stored."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, func, select

from bot.models import SupportRequest

WINDOW = timedelta(days=1)
PER_WINDOW = 5


def open_request(session: Session, user_id: int, now: datetime) -> SupportRequest | None:
    """A new request, or None when the user already wrote `PER_WINDOW` times in a day."""
    recent = session.exec(
        select(func.count())
        .select_from(SupportRequest)
        .where(SupportRequest.user_id == user_id, col(SupportRequest.created_at) > now - WINDOW)
    ).one()
    if recent >= PER_WINDOW:
        return None
    request = SupportRequest(user_id=user_id, created_at=now)
    session.add(request)
    session.flush()
    return request


def get(session: Session, request_id: int) -> SupportRequest | None:
    return session.get(SupportRequest, request_id)


def withdraw(session: Session, request_id: int) -> None:
    """No staff member could be reached: the request never happened."""
    session.exec(delete(SupportRequest).where(col(SupportRequest.id) == request_id))


def mark_answered(session: Session, request_id: int, now: datetime) -> None:
    request = session.get(SupportRequest, request_id)
    if request is not None:
        request.answered_at = now
        session.add(request)


def reopen(session: Session, request_id: int) -> None:
    """The user wrote back: the request waits for an answer again."""
    request = session.get(SupportRequest, request_id)
    if request is not None:
        request.answered_at = None
        session.add(request)


def erase(session: Session, user_id: int) -> None:
    session.exec(delete(SupportRequest).where(col(SupportRequest.user_id) == user_id))
