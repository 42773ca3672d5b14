"""What a person does in the chat, step by step, and how to read the bot's schedule."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from tests.fakebotapi import ChatMessage, FakeUser

DOSE_LINE = re.compile(r"Dose (\d+) · [^·]+ · (\d{4}-\d{2}-\d{2}) · (.+)")


@dataclass(frozen=True)
class Line:
    number: int
    day: date
    status: str


def schedule_of(messages: list[ChatMessage]) -> list[Line]:
    """Every dose line of the schedule message(s), in order."""
    lines = []
    for message in messages:
        for match in DOSE_LINE.finditer(message.body):
            number, day, status = match.groups()
            lines.append(Line(int(number), date.fromisoformat(day), status))
    return lines


def local_today(zone: str) -> date:
    return datetime.now(ZoneInfo(zone)).date()


def enrol(
    user: FakeUser,
    *,
    zone: str = "Europe/Berlin",
    first: str = "today",
    last: str | None = None,
    which: str | None = None,
    at: str = "09:00",
) -> list[ChatMessage]:
    """Sign up by typing every answer; returns the schedule message(s) shown at the end."""
    user.send("/start")
    user.wait_for(contains="Do you agree")
    user.send("yes")
    user.wait_for(contains="time zone")
    user.send(zone)
    user.wait_for(contains="first")
    user.send(first)
    if last is not None:
        user.wait_for(contains="most recent")
        user.send(last)
    if which is not None:
        user.wait_for(contains="Was it dose")
        user.send(which)
    user.wait_for(contains="remind you on dose days")
    user.send(at)
    done = user.wait_for(contains="You're all set")
    user.wait_for(contains="Your Kesimpta plan", after=done)
    return [m for m in user.messages() if m.seq > done.seq and "Dose " in m.body]
