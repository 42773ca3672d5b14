"""Caregivers: invites and what each caregiver is sent. Pure rules, no storage."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

INVITE_VALID_FOR = timedelta(hours=48)
MAX_OPEN_INVITES = 3
"""Links waiting to be opened at one time: enough for a family, not a way to spray links."""
TOKEN_BYTES = 24  # 32 URL-safe characters: fits Telegram's 64-character /start payload


class Alert(StrEnum):
    """Outbox kinds sent to caregivers (the patient's own reminders are `reminders.Kind`)."""

    MISSED = "cg_missed"  # always
    CONFIRMED = "cg_confirmed"  # on by default
    CORRECTED = "cg_corrected"  # a recorded date changed; its row's dose_planned: the old date
    UNDONE = "cg_undone"  # a recorded dose was taken back
    HEADS_UP = "cg_heads_up"  # off by default
    STOPPED = "cg_stopped"  # the patient's reminders stopped reaching them (paused, blocked)
    RESUMED = "cg_resumed"


class InviteProblem(StrEnum):
    UNKNOWN = "unknown"  # forged, mistyped, or its patient erased their data
    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"
    OWN = "own"  # the patient opened their own link


@dataclass(frozen=True)
class InviteState:
    patient_id: int
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class Preferences:
    confirmations: bool = True
    heads_up: bool = False


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What is stored: a leaked database does not hand out working links."""
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(payload: str) -> bool:
    return 20 <= len(payload) <= 64 and all(c.isalnum() or c in "-_" for c in payload)


def check_invite(invite: InviteState | None, opener_id: int, now: datetime) -> InviteProblem | None:
    if invite is None:
        return InviteProblem.UNKNOWN
    if invite.revoked_at is not None:
        return InviteProblem.REVOKED
    if invite.used_at is not None:
        return InviteProblem.USED
    if now >= invite.expires_at:
        return InviteProblem.EXPIRED
    if invite.patient_id == opener_id:
        return InviteProblem.OWN
    return None


DOSE_NEWS = (Alert.CONFIRMED, Alert.CORRECTED, Alert.UNDONE)
"""What a caregiver hears about a recorded dose: one notice per change, by the same choice."""


class Told(StrEnum):
    """What a caregiver was told about a recorded dose when it changes again."""

    NOTHING = "nothing"  # no notice sent, none waiting
    WAITING = "waiting"  # a notice is still to go: composed at send time, it tells the news
    SENT = "sent"  # the last notice sent (or going out) said it is recorded: news needed


def news_of_change(told: Told, undone: bool) -> Alert | None:
    """The notice a correction (or, `undone`, an undo) needs for one caregiver; None: none.
    A notice still waiting is replaced by this one: a caregiver who never heard of the first
    date hears of the dose (as it now stands) once, and nothing at all if it was undone."""
    if told is Told.SENT:
        return Alert.UNDONE if undone else Alert.CORRECTED
    if told is Told.WAITING and not undone:
        return Alert.CONFIRMED
    return None


def wants(alert: Alert, preferences: Preferences) -> bool:
    """Missed doses and stopped reminders always reach a caregiver; the rest by choice."""
    if alert in DOSE_NEWS:
        return preferences.confirmations
    if alert is Alert.HEADS_UP:
        return preferences.heads_up
    return True
