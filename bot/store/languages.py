"""Which language each person gets: their choice in /settings, otherwise their Telegram app's."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, select

from bot.models import LanguageChoice
from bot.texts.language import DEFAULT, choose

SEEN_EVERY = timedelta(days=1)
"""How often a stored language's `updated_at` follows someone's activity: it also tells the
retention run that a person the bot keeps nothing else about still uses it (at most one
write a day per person)."""


def follow(session: Session, user_id: int, telegram_code: str | None, now: datetime) -> str:
    """The language for this update. A stored choice wins; otherwise Telegram's language code,
    which is kept up to date for people already stored (so later reminders follow it). Nothing
    is stored for anyone else. A stored row is marked as seen (`SEEN_EVERY`)."""
    row = session.get(LanguageChoice, user_id)
    if row is None:
        return choose(telegram_code)
    if now - row.updated_at >= SEEN_EVERY:
        row.updated_at = now
        session.add(row)
    if row.chosen or telegram_code is None:
        return row.code
    code = choose(telegram_code)
    if code != row.code:
        row.code, row.updated_at = code, now
        session.add(row)
    return code


def remember(
    session: Session, user_id: int, code: str, now: datetime, *, chosen: bool = False
) -> None:
    """Store the language of someone the bot now keeps (a new patient or caregiver), or an
    explicit choice. A language taken from Telegram never overrides a choice."""
    row = session.get(LanguageChoice, user_id)
    if row is None:
        session.add(LanguageChoice(user_id=user_id, code=code, chosen=chosen, updated_at=now))
    elif chosen or not row.chosen:
        row.code, row.chosen, row.updated_at = code, chosen or row.chosen, now
        session.add(row)


def of(session: Session, user_id: int) -> str:
    row = session.get(LanguageChoice, user_id)
    return row.code if row is not None else DEFAULT


def of_many(
    session: Session, user_ids: Iterable[int], *, chosen_only: bool = False
) -> dict[int, str]:
    """Each stored person's language, for a batch of messages (people not stored are missing:
    they get the default). `chosen_only`: only languages picked in /settings, for menus."""
    ids = set(user_ids)
    if not ids:
        return {}
    query = select(LanguageChoice).where(col(LanguageChoice.user_id).in_(ids))
    if chosen_only:
        query = query.where(col(LanguageChoice.chosen).is_(True))
    return {row.user_id: row.code for row in session.exec(query)}


def erase(session: Session, user_id: int) -> None:
    session.exec(delete(LanguageChoice).where(col(LanguageChoice.user_id) == user_id))
