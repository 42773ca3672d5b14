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


def wants(alert: Alert, preferences: Preferences) -> bool:
    """Missed doses and stopped reminders always reach a caregiver; the rest by choice."""
    if alert is Alert.CONFIRMED:
        return preferences.confirmations
    if alert is Alert.HEADS_UP:
        return preferences.heads_up
    return True
