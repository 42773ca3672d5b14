"""Flood control: how many messages one person may send before the bot stops reading them for
a while. A flood lasts seconds, so it is counted in memory, per process; a restart forgetting
it costs at most one more minute's worth of answers."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

WINDOW = timedelta(minutes=1)
COMMANDS_PER_MESSAGE = 2
"""Commands may come this many times as fast as other messages: someone tapping through the
menu to explore sends twenty in a minute, and each must be answered."""


class Verdict(StrEnum):
    READ = "read"  # handle as usual
    WARN = "warn"  # the first message over the limit: one calm answer, nothing else
    IGNORE = "ignore"  # the flood goes on: dropped without a word


@dataclass
class _Sender:
    recent: deque[datetime]  # arrival times of the latest messages (up to the larger limit)
    warned: bool = False


@dataclass
class FloodGate:
    """A sliding window per person: a message is read when fewer than `limit` messages from
    them arrived in the `window` before it; a command when fewer than `command_limit` (by
    default `COMMANDS_PER_MESSAGE` times `limit`). Ignored messages count too, so a steady
    flood stays ignored until it calms down, and it gets one answer however long it lasts.

    Memory stays small: each person keeps at most the larger limit's timestamps, and people
    quiet for a whole window are forgotten (they would be read anyway)."""

    limit: int
    command_limit: int = 0
    window: timedelta = WINDOW
    _senders: dict[int, _Sender] = field(default_factory=dict, init=False, repr=False)
    _pruned_at: datetime | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.limit < 1:
            raise ValueError("the flood limit must be at least one message")
        if self.command_limit == 0:
            self.command_limit = self.limit * COMMANDS_PER_MESSAGE
        if self.command_limit < self.limit:
            raise ValueError("commands may not be limited more tightly than other messages")

    def check(self, user_id: int, now: datetime, *, command: bool = False) -> Verdict:
        """Count a message (`command`: a /command) from `user_id` arriving at `now`, and say
        what to do with it."""
        self._forget_idle(now)
        sender = self._senders.get(user_id)
        if sender is None:
            sender = self._senders[user_id] = _Sender(deque(maxlen=self.command_limit))
        limit = self.command_limit if command else self.limit
        recent = sender.recent
        full = len(recent) >= limit and now - recent[-limit] < self.window
        sender.recent.append(now)
        if not full:
            sender.warned = False
            return Verdict.READ
        if sender.warned:
            return Verdict.IGNORE
        sender.warned = True
        return Verdict.WARN

    def tracked(self) -> int:
        """How many people the gate remembers (for tests and measurements)."""
        return len(self._senders)

    def _forget_idle(self, now: datetime) -> None:
        """Once per window, drop everyone whose latest message is a whole window old."""
        if self._pruned_at is not None and now - self._pruned_at < self.window:
            return
        self._pruned_at = now
        idle = [
            user_id
            for user_id, sender in self._senders.items()
            if now - sender.recent[-1] >= self.window
        ]
        for user_id in idle:
            del self._senders[user_id]
