"""What every handler and job needs, built once at start and kept in `application.bot_data`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Engine

from bot.clock import Clock
from bot.config import Settings

KEY = "services"


@dataclass
class Heartbeat:
    """What this process knows of its own sweeping (in memory, each process its own): when it
    last worked through the outbox (`/healthz` reports its age, so a sweep that stopped running
    shows); whether messages may be waiting out a back-off after a passing fault (true at
    start: a process before this one may have left some), the count of faults it met, and when
    it last ended the back-offs."""

    swept_at: datetime | None = None
    backing_off: bool = True
    faults: int = 0
    backoff_ended_at: datetime | None = None


@dataclass(frozen=True)
class Services:
    settings: Settings
    engine: Engine
    clock: Clock
    heartbeat: Heartbeat = field(default_factory=Heartbeat)


class HasBotData(Protocol):
    """A handler's or job's context, or the application itself."""

    @property
    def bot_data(self) -> Mapping[Any, Any]: ...


def of(context: HasBotData) -> Services:
    """The services of the running application, from a handler's or job's context."""
    found: Services = context.bot_data[KEY]
    return found


def is_staff(context: HasBotData, user_id: int | None) -> bool:
    """Whether this user is support staff (ADMIN_IDS), checked on every staff command and tap."""
    return user_id is not None and user_id in of(context).settings.admin_ids
