"""What a person does in the chat, step by step, and how to read the bot's schedule."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tests.support.fakebotapi import ChatMessage, FakeUser

DOSE_LINE = re.compile(r"Dose (\d+) · [^·]+ · (?:[A-Z][a-z]{2} )?(\d{4}-\d{2}-\d{2}) · (.+)")
"""A dose line of /schedule in English: its one YYYY-MM-DD date, after the weekday."""


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


def say(user: FakeUser, text: str, expect: str) -> ChatMessage:
    """Send a message and wait for the bot's answer containing `expect`."""
    user.send(text)
    return user.wait_for(contains=expect)


def begin(user: FakeUser, zone: str | None = None, consent: str = "yes") -> ChatMessage:
    """/start and agree; with a zone, answer that too. Returns the pending question."""
    say(user, "/start", "Do you agree")
    question = say(user, consent, "time zone")
    return question if zone is None else say(user, zone, "first")


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
    begin(user, zone)
    if last is not None:
        say(user, first, "most recent")
        first = last
    if which is not None:
        say(user, first, "Was it dose")
        first = which
    say(user, first, "remind you on dose days")
    done = say(user, at, "You're all set")
    user.wait_for(contains="Your Kesimpta plan", after=done)
    return [m for m in user.messages() if m.seq > done.seq and "Dose " in m.body]


CHECK_IN = "How did your Kesimpta injection (dose 1) go?"


def checked_in(user: FakeUser, start_at: Callable[[str], Any]) -> tuple[ChatMessage, Any]:
    """Signed up in UTC with dose 1 recorded on 2 March, then the bot started the next
    morning: its check-in question, and the running bot."""
    start_at("2026-03-02 07:00:00")
    enrol(user, zone="UTC", first="today", at="09:00")
    say(user, "/taken", "Dose 1 recorded")
    bot = start_at("2026-03-03 09:01:00")
    return user.wait_for(contains=CHECK_IN, timeout=30), bot


def pen_out(user: FakeUser, yes: str = "✅") -> ChatMessage:
    """/pen, then ✅ Yes to "did a pen come out of the fridge just now?": the note, as the
    question's message edited."""
    question = say(user, "/pen", "🧊")
    assert question.buttons[0].startswith(yes), question.buttons
    user.tap(question, question.buttons[0])
    return user.wait_for_edit(question)
