"""Run the real bot (``python -m bot``) as a subprocess against a ``FakeBotApi``.

The bot is started exactly as in production, configured only through environment variables,
so end-to-end tests exercise the real startup, polling, persistence and shutdown paths.
Optionally the process runs under libfaketime (preloaded directly, so SIGTERM reaches Python).

conftest.py can wrap the generator helpers at the bottom as fixtures::

    @pytest.fixture
    def fake_api():
        yield from harness.fake_api_session()
"""

from __future__ import annotations

import glob
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Self, TypeVar

from tests.support.database import database_url
from tests.support.fakebotapi import FakeBotApi

T = TypeVar("T")

REPO_ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0

_FAKETIME_CANDIDATES = (
    "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
    "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
)


def libfaketime_path() -> str | None:
    """Path of libfaketime.so.1 if installed (tests needing fake time skip otherwise)."""
    for candidate in (
        *_FAKETIME_CANDIDATES,
        *sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1")),
    ):
        if os.path.exists(candidate):
            return candidate
    return None


def faketime_env(spec: str) -> dict[str, str]:
    """Environment that makes a child process see ``spec`` (e.g. "@2026-03-29 01:30:00")."""
    library = libfaketime_path()
    if library is None:
        raise RuntimeError("libfaketime is not installed")
    return {
        "LD_PRELOAD": library,
        "FAKETIME": spec,
        "FAKETIME_DONT_RESET": "1",
        "FAKETIME_NO_CACHE": "1",
    }


class BotProcess:
    """The bot as a child process wired to a fake Bot API, with captured stdout/stderr."""

    def __init__(
        self,
        api: FakeBotApi,
        workdir: Path,
        env: Mapping[str, str] | None = None,
        *,
        argv: Sequence[str] | None = None,
        faketime: str | None = None,
        ready_timeout: float = READY_TIMEOUT,
        ready_method: str = "getUpdates",
    ) -> None:
        """``ready_method``: the call that shows the bot is up (a sender never polls, so
        "getMe")."""
        self.api = api
        self.workdir = Path(workdir)
        self.argv = list(argv) if argv is not None else [sys.executable, "-m", "bot"]
        self.extra_env = dict(env or {})
        self.faketime = faketime
        self.ready_timeout = ready_timeout
        self.ready_method = ready_method
        self.stdout_path = self.workdir / "bot.stdout.log"
        self.stderr_path = self.workdir / "bot.stderr.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def environment(self) -> dict[str, str]:
        """The child's environment: ours, the bot's settings, then the caller's overrides."""
        env = dict(os.environ)
        env.update(
            {
                "TELEGRAM_BOT_TOKEN": self.api.token,
                "TELEGRAM_API_BASE_URL": self.api.base_url,
                # the test's backend (tests/support/database.py), unless the caller names a database
                "DATABASE_URL": self.extra_env.get("DATABASE_URL") or database_url(self.workdir),
                "PTB_TIMEDELTA": "1",
                "ADMIN_IDS": "",
                "PYTHONUNBUFFERED": "1",
            }
        )
        if self.faketime is not None:
            env.update(faketime_env(self.faketime))
        env.update(self.extra_env)
        return env

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def start(self) -> Self:
        """Spawn the bot and wait until it long-polls the fake server (its first getUpdates,
        or whichever ``ready_method`` was given)."""
        if self.running:
            raise RuntimeError("bot process already running")
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.starts += 1
        header = f"----- start #{self.starts} -----\n".encode()
        after_index = self.api.call_index()
        # The child keeps its own descriptors, so the parent's copies can be closed right away.
        with open(self.stdout_path, "ab") as stdout, open(self.stderr_path, "ab") as stderr:
            stdout.write(header)
            stderr.write(header)
            stdout.flush()
            stderr.flush()
            self.process = subprocess.Popen(
                self.argv,
                cwd=REPO_ROOT,
                env=self.environment(),
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
            )
        try:
            self.api.wait_for_call(
                self.ready_method,
                self.ready_timeout,
                after_index=after_index,
                alive=lambda: self.running,
            )
        except AssertionError as exc:
            returncode = self.process.poll()
            self.stop()
            state = "still running" if returncode is None else f"exited with {returncode}"
            raise AssertionError(
                f"bot not ready (no {self.ready_method} within {self.ready_timeout} s; "
                f"process {state})"
                f"\n{self.logs()}"
            ) from exc
        return self

    def stop(self, timeout: float = STOP_TIMEOUT) -> int | None:
        """SIGTERM, wait up to ``timeout`` s, then SIGKILL; returns the exit code."""
        process, self.process = self.process, None
        returncode = None
        if process is not None:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            returncode = process.returncode
        return returncode

    def kill(self) -> int | None:
        """SIGKILL without a graceful shutdown (simulates a crash)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        return self.stop()

    def restart(self) -> Self:
        self.stop()
        return self.start()

    def wait_for_log(self, pattern: re.Pattern[str], what: str, timeout: float = 30.0) -> None:
        """Wait until the running process (this start) has logged a line matching `pattern`,
        e.g. a job that APScheduler reports as executed."""

        def logged() -> bool:
            assert self.running, f"the bot exited\n{self.logs()}"
            current = self.stderr_path.read_text(errors="replace").rsplit("----- start #", 1)[-1]
            return pattern.search(current) is not None

        eventually(logged, what, timeout)

    def logs(self) -> str:
        """Captured stdout and stderr (all starts), with the bot token redacted."""
        sections = []
        for name, path in (("stdout", self.stdout_path), ("stderr", self.stderr_path)):
            text = path.read_text(errors="replace") if path.exists() else ""
            sections.append(f"===== bot {name} =====\n{text}")
        return "\n".join(sections).replace(self.api.token, "<TOKEN>")

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def eventually(check: Callable[[], T | None], what: str, timeout: float = 30.0) -> T:
    """Poll `check` until it returns something other than None or False."""
    deadline = time.monotonic() + timeout
    while (value := check()) is None or value is False:
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)
    return value


def fake_api_session(token: str | None = None) -> Iterator[FakeBotApi]:
    """Generator body for a fixture yielding a running FakeBotApi."""
    api = FakeBotApi(token) if token else FakeBotApi()
    with api:
        yield api


def bot_process_session(
    api: FakeBotApi,
    workdir: Path,
    env: Mapping[str, str] | None = None,
    *,
    argv: Sequence[str] | None = None,
    faketime: str | None = None,
) -> Iterator[BotProcess]:
    """Generator body for a fixture yielding a started BotProcess, stopped afterwards."""
    bot = BotProcess(api, workdir, env, argv=argv, faketime=faketime)
    with bot:
        yield bot
