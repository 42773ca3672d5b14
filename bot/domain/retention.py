"""How long the bot keeps data about people it no longer serves.

Two kinds of people are deleted after the retention period (`RETENTION_DAYS`, 180 by default):
- someone who started signing up and went quiet: they can still be reached, so they are told
  first, and deleted a week later if they stay quiet (any message from them starts the count
  again);
- someone who blocked the bot (a patient, or a caregiver on all their links): they cannot be
  reached, so there is no warning.

An enrolled patient is never deleted for being quiet: months without a message are normal
between doses, and their history matters to them.

Someone the bot no longer serves (not a patient, no caregiver link, no conversation, not
staff) loses what is left about them once it is older than the retention period: support
requests, finished broadcast deliveries and messages, and their language when they have not
been seen for that long. A short exchange (an erase request, a support answer) left that
long ends; a sign-up it interrupted comes back and is warned and deleted like any other.
How each table's rows end is listed in `bot.store.retention.RULES`."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime, timedelta

NOTICE = timedelta(days=7)
"""Between the warning and the deletion of an unfinished sign-up."""


class SignUpFate(enum.Enum):
    KEEP = "keep"
    WARN = "warn"
    DELETE = "delete"


def sign_up_fate(
    updated_at: datetime, warned_at: datetime | None, now: datetime, retention: timedelta
) -> SignUpFate:
    """What happens now to an unfinished sign-up last touched at `updated_at`. A warning
    given before their last message no longer counts: they came back."""
    warning_holds = warned_at is not None and updated_at <= warned_at
    if warning_holds:
        assert warned_at is not None
        return SignUpFate.DELETE if now >= deletion_at(warned_at) else SignUpFate.KEEP
    return SignUpFate.WARN if now - updated_at > retention else SignUpFate.KEEP


def deletion_at(warned_at: datetime) -> datetime:
    """When an unfinished sign-up warned at `warned_at` is deleted if it stays quiet."""
    return warned_at + NOTICE


def quiet_since(now: datetime, retention: timedelta) -> datetime:
    """Sign-ups last touched before this may need a warning or a deletion."""
    return now - retention


def blocked_long_enough(
    blocked_at: Iterable[datetime | None], now: datetime, retention: timedelta
) -> bool:
    """Whether someone is gone for good: every role they have (patient, caregiver on each
    link) has blocked the bot, the latest more than `retention` ago. One role still reachable
    (a patient who blocked as caregiver only, say) keeps them."""
    moments = list(blocked_at)
    if not moments or any(moment is None for moment in moments):
        return False
    latest = max(moment for moment in moments if moment is not None)
    return now - latest > retention
