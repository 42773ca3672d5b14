"""Helpers shared by the benchmarks: figures, a table printer, process memory, and the fake
Bot API in a child process (so the server's work does not compete with the measured client for
the interpreter lock)."""

from __future__ import annotations

import math
import multiprocessing
import statistics
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Self

from tests.support.fakebotapi import ApiError, FakeBotApi, JSONDict

TELEGRAM_RATE = 30
"""Telegram's documented ceiling for one bot: about 30 messages per second across chats."""


def median_ms(samples: Sequence[float]) -> float:
    return statistics.median(samples) * 1000


def p95_ms(samples: Sequence[float]) -> float:
    """Nearest-rank 95th percentile, so it is always one of the measured values."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] * 1000


def max_in_window(times: Sequence[float], window: float = 1.0) -> int:
    """The most events in any half-open interval of `window` seconds."""
    ordered = sorted(times)
    best = start = 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def print_table(title: str, rows: Sequence[tuple[str, str, str]]) -> None:
    """Three columns: what, the figure, and the goal (or a note)."""
    header = ("measure", "value", "goal / note")
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(3)]
    line = "  ".join("-" * width for width in widths)
    print(f"\n{title}\n{line}")
    for row in (header, *rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    print(line)


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def memory_mb(pid: int) -> tuple[float, float]:
    """Resident set size now and at its peak (VmRSS, VmHWM), in MB, from /proc."""
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in {"VmRSS", "VmHWM"}:
            fields[name] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


class LimitedBotApi(FakeBotApi):
    """The fake Bot API, answering 429 (retry after 1 s) to a sendMessage that would be the
    31st accepted within one second, as Telegram may do when a bot exceeds its rate."""

    def __init__(self, per_second: int) -> None:
        super().__init__()
        self.per_second = per_second
        self._accepted: deque[float] = deque()

    def _raise_injected(self, method: str, params: JSONDict) -> None:
        super()._raise_injected(method, params)
        if method != "sendMessage":
            return
        now = time.monotonic()
        with self._lock:
            while self._accepted and now - self._accepted[0] >= 1.0:
                self._accepted.popleft()
            if len(self._accepted) >= self.per_second:
                raise ApiError(429, "Too Many Requests: retry after 1", retry_after=1)
            self._accepted.append(now)


def _serve(connection: Connection, per_second: int | None) -> None:
    """Child process: run the fake server and answer the parent's requests until told to stop."""
    api = LimitedBotApi(per_second) if per_second else FakeBotApi()
    with api:
        connection.send((api.base_url, api.token))
        while True:
            command, argument = connection.recv()
            if command == "users":
                for user_id in argument:
                    api.user(user_id)
                connection.send(None)
            elif command == "calls":
                connection.send([(call.time, call.status) for call in api.calls_to(argument)])
            else:
                connection.send(None)
                return


@dataclass(frozen=True)
class CallRecord:
    time: float
    status: int | None


class ServerProcess:
    """The fake Bot API in a child process; optionally enforcing `per_second` on sendMessage."""

    def __init__(self, per_second: int | None = None) -> None:
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child, per_second), name="fake-bot-api", daemon=True
        )
        self.base_url = ""
        self.token = ""

    def __enter__(self) -> Self:
        self._process.start()
        self.base_url, self.token = self._request_first()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._process.is_alive():
            self._request("stop", None)
        self._process.join(timeout=15)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()

    def _request_first(self) -> Any:
        if not self._connection.poll(30):
            raise RuntimeError("the fake Bot API did not start within 30 s")
        return self._connection.recv()

    def _request(self, command: str, argument: Any) -> Any:
        self._connection.send((command, argument))
        return self._connection.recv()

    def add_users(self, user_ids: Sequence[int]) -> None:
        """The fake server refuses unknown chats ("chat not found"), as Telegram does."""
        self._request("users", list(user_ids))

    def calls(self, method: str) -> list[CallRecord]:
        return [CallRecord(moment, status) for moment, status in self._request("calls", method)]
