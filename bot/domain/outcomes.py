"""What became of an outbox message: one vocabulary for Telegram's answer to a send
(`bot.delivery`) and the outcome the outbox records (`bot.store.outbox`). A `StrEnum`, so the
values stored in `outbox.outcome` are the plain strings they always were."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    """Rate limited or a passing fault: tried again later (the row is given back, never closed
    with this)."""
    BLOCKED = "blocked"
    """The user blocked the bot: nothing more until they come back."""
    FAILED = "failed"
    """Telegram refused it for good (e.g. chat not found), or it could not be composed."""
    STALE = "stale"
    """Its moment passed during downtime."""
    SUPERSEDED = "superseded"
    """The plan changed (dose recorded, re-timed)."""
    CANCELLED = "cancelled"
    """No longer to be sent (paused, left, erased)."""
