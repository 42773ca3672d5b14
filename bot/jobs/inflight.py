"""Sends in flight when the bot is asked to stop (SIGTERM on a redeploy).

The platform kills the process about 10 s after SIGTERM. A send already on its way gets a few
seconds to finish, so its outcome is recorded; one still waiting after that (a 429 pause in
the rate limiter, a Telegram that does not answer) is cut short, and the caller gives its row
back so the next process sends it at once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Iterable, Sequence
from typing import Any, TypeVar

log = logging.getLogger(__name__)

GRACE = 5.0
"""Seconds the sends in flight get once the bot is stopping: PTB's own read timeout (5 s)
ends a request that hangs, and the rest of shutdown fits in the 10 s budget."""
CHECK_EVERY = 0.2

T = TypeVar("T")


async def run_all(
    work: Iterable[Coroutine[Any, Any, T]],
    keep_going: Callable[[], bool],
    grace: float | None = None,
) -> list[T]:
    """Run the coroutines side by side and return their results in order. Once `keep_going`
    turns false they have `grace` seconds (`GRACE` by default); then those still running are
    cancelled (their results are missing from the list). Every task has ended when this
    returns, even when it is itself cancelled, so the caller can safely give back what was not
    sent."""
    tasks = [asyncio.ensure_future(coroutine) for coroutine in work]
    try:
        await _wait(tasks, keep_going, GRACE if grace is None else grace)
    finally:
        for task in tasks:
            task.cancel()
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    failures = [
        outcome
        for outcome in outcomes
        if isinstance(outcome, BaseException) and not isinstance(outcome, asyncio.CancelledError)
    ]
    if failures:
        raise failures[0]
    return [outcome for outcome in outcomes if not isinstance(outcome, BaseException)]


async def _wait(
    tasks: Sequence[asyncio.Future[Any]], keep_going: Callable[[], bool], grace: float
) -> None:
    loop = asyncio.get_running_loop()
    pending = set(tasks)
    deadline: float | None = None
    while pending:
        _, pending = await asyncio.wait(pending, timeout=CHECK_EVERY)
        if deadline is None and not keep_going():
            deadline = loop.time() + grace
        if pending and deadline is not None and loop.time() >= deadline:
            log.warning("stopping: %s sends still waiting are cut short", len(pending))
            return
