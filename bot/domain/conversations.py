"""What an unfinished exchange (a conversation) remembers between two messages: its flow's
name, the step it waits at and the answers so far, typed. Answers are stored as JSON; reading
them is strict, so a row that older code wrote differently, or that is damaged, reads as
nothing at all rather than as half an answer that fails later."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import Generic, Self, TypeVar

from bot.domain.appointments import AppointmentKind

EARLIER = "earlier"
"""The key under which the store keeps the conversation a short exchange interrupted; it is
the store's, not part of any flow's answers."""


class FlowName(StrEnum):
    """The `flow` column: these values are on the wire (stored rows), never rename one."""

    ENROLMENT = "enrolment"
    SETTINGS = "settings"
    CORRECTION = "correct"
    SUPPORT = "support"
    ERASE = "erase"
    DIARY = "diary"
    ASK_SUPPORT = "ask_support"
    PENS = "pens"
    BROADCAST = "broadcast"
    APPOINTMENT = "appointment"


class EnrolmentStep(StrEnum):
    ZONE = "zone"
    FIRST = "first"
    LAST = "last"
    WHICH = "which"
    TIME = "time"


class SettingsStep(StrEnum):
    TIME = "time"
    ZONE = "zone"


class CorrectionStep(StrEnum):
    DAY = "day"


class SupportStep(StrEnum):
    ANSWER = "answer"


class EraseStep(StrEnum):
    CONFIRM = "confirm"


class DiaryStep(StrEnum):
    NOTE = "note"


class AskSupportStep(StrEnum):
    WRITE = "write"


class PensStep(StrEnum):
    COUNT = "count"
    DELIVERY = "delivery"


class BroadcastStep(StrEnum):
    VERSION = "version"
    START = "start"


class AppointmentStep(StrEnum):
    KIND = "kind"
    NOTE = "note"
    DAY = "day"
    TIME = "time"
    EVERY = "every"
    CONFIRM = "confirm"


class Unreadable(ValueError):
    """Stored answers that are not what the flow writes."""


T = TypeVar("T")


def known(value: T | None) -> T:
    """An answer the step guarantees (checked when the row was read)."""
    if value is None:
        raise Unreadable("an answer this step needs is missing")
    return value


class Answers:
    """A flow's answers so far. The base has none: a flow that remembers nothing but its step."""

    def to_json(self) -> dict[str, object]:
        return {}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        _only(data, ())
        return cls()

    def fits(self, step: str) -> bool:
        """Whether these answers are all that `step` needs."""
        return True


@dataclass(frozen=True)
class EnrolmentAnswers(Answers):
    """Sign-up: each step adds one answer; `candidates` only when the dates leave the last dose
    undecided (then `dose` comes from the choice)."""

    zone: str | None = None
    first: date | None = None
    last: date | None = None
    dose: int | None = None
    candidates: tuple[int, ...] = ()

    def to_json(self) -> dict[str, object]:
        found: dict[str, object] = {}
        if self.zone is not None:
            found["zone"] = self.zone
        if self.first is not None:
            found["first"] = self.first.isoformat()
        if self.last is not None:
            found["last"] = self.last.isoformat()
        if self.dose is not None:
            found["dose"] = self.dose
        if self.candidates:
            found["candidates"] = list(self.candidates)
        return found

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        _only(data, ("zone", "first", "last", "dose", "candidates"))
        return cls(
            zone=_text(data, "zone"),
            first=_day(data, "first"),
            last=_day(data, "last"),
            dose=_number(data, "dose"),
            candidates=_numbers(data, "candidates"),
        )

    def fits(self, step: str) -> bool:
        needed = {
            EnrolmentStep.ZONE: (),
            EnrolmentStep.FIRST: (self.zone,),
            EnrolmentStep.LAST: (self.zone, self.first),
            EnrolmentStep.WHICH: (self.zone, self.first, self.last, self.candidates or None),
            EnrolmentStep.TIME: (self.zone, self.first),
        }
        return all(value is not None for value in needed[EnrolmentStep(step)])


@dataclass(frozen=True)
class SettingsAnswers(Answers):
    """A settings prompt: the step (which setting) is all it needs."""


@dataclass(frozen=True)
class CorrectionAnswers(Answers):
    """Correcting a recorded dose's date: which dose."""

    number: int

    def to_json(self) -> dict[str, object]:
        return {"number": self.number}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        _only(data, ("number",))
        return cls(number=known(_number(data, "number")))


@dataclass(frozen=True)
class SupportAnswers(Answers):
    """A staff member's next message answers this support request."""

    request: int

    def to_json(self) -> dict[str, object]:
        return {"request": self.request}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        _only(data, ("request",))
        return cls(request=known(_number(data, "request")))


@dataclass(frozen=True)
class EraseAnswers(Answers):
    """An erase request waiting for its ✅: nothing to remember."""


@dataclass(frozen=True)
class DiaryAnswers(Answers):
    """/log asked "what did you notice?": the next message is the note."""


@dataclass(frozen=True)
class AskSupportAnswers(Answers):
    """/support (or ↩️ Reply under an answer) asked for the message: the next one goes to the
    staff, as a new request or as a follow-up of request `follow_up`."""

    follow_up: int | None = None

    def to_json(self) -> dict[str, object]:
        return {} if self.follow_up is None else {"follow_up": self.follow_up}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        _only(data, ("follow_up",))
        return cls(follow_up=_number(data, "follow_up"))


@dataclass(frozen=True)
class PensAnswers(Answers):
    """/pens asked for a number (the count at home, or the pens a delivery brought): the
    step says which."""


@dataclass(frozen=True)
class BroadcastAnswers(Answers):
    """A staff member's next message is the text of draft `broadcast` in `language`
    (VERSION) or the time it should start (START)."""

    broadcast: int
    language: str | None = None

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {"broadcast": self.broadcast}
        if self.language is not None:
            data["language"] = self.language
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        _only(data, ("broadcast", "language"))
        return cls(broadcast=known(_number(data, "broadcast")), language=_text(data, "language"))

    def fits(self, step: str) -> bool:
        return (self.language is not None) == (step == BroadcastStep.VERSION)


@dataclass(frozen=True)
class AppointmentAnswers(Answers):
    """Adding an appointment (or changing one: `editing`, its id, with its other answers
    filled in): kind (`kind`, a stored `AppointmentKind` value), an "other" one's note, day,
    local time, and a repeating test's interval in months as the patient typed it."""

    editing: int | None = None
    kind: str | None = None
    note: str | None = None
    day: date | None = None
    at: time | None = None
    every: int | None = None

    def to_json(self) -> dict[str, object]:
        found: dict[str, object] = {}
        for key in ("editing", "kind", "note", "every"):
            value = getattr(self, key)
            if value is not None:
                found[key] = value
        if self.day is not None:
            found["day"] = self.day.isoformat()
        if self.at is not None:
            found["at"] = self.at.strftime("%H:%M")
        return found

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        _only(data, ("editing", "kind", "note", "day", "at", "every"))
        kind = _text(data, "kind")
        if kind is not None and kind not in set(AppointmentKind):
            raise Unreadable("kind is not a kind of appointment")
        return cls(
            editing=_number(data, "editing"),
            kind=kind,
            note=_text(data, "note"),
            day=_day(data, "day"),
            at=_clock(data, "at"),
            every=_number(data, "every"),
        )

    def fits(self, step: str) -> bool:
        needed = {
            AppointmentStep.KIND: (),
            AppointmentStep.NOTE: (self.kind,),
            AppointmentStep.DAY: (self.kind,),
            AppointmentStep.TIME: (self.kind, self.day),
            AppointmentStep.EVERY: (self.kind, self.day, self.at),
            AppointmentStep.CONFIRM: (self.kind, self.day, self.at),
        }
        return all(value is not None for value in needed[AppointmentStep(step)])


S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=Answers)


@dataclass(frozen=True)
class Exchange(Generic[S, A]):
    """A stored conversation, read: whose, where it stands, what it has been told."""

    user_id: int
    step: S
    answers: A
    updated_at: datetime


def parse(steps: type[S], answers: type[A], step: str, data: object) -> tuple[S, A] | None:
    """The step and answers of a stored row, or None when they are not what the flow writes."""
    if not isinstance(data, dict):
        return None
    try:
        typed = steps(step)
        parsed = answers.from_json({key: value for key, value in data.items() if key != EARLIER})
    except ValueError:  # an unknown step, or Unreadable answers
        return None
    return (typed, parsed) if parsed.fits(typed) else None


def _only(data: Mapping[str, object], allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise Unreadable(f"unexpected answers {sorted(unknown)}")


def _text(data: Mapping[str, object], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise Unreadable(f"{key} is not text")
    return value


def _day(data: Mapping[str, object], key: str) -> date | None:
    value = _text(data, key)
    try:
        return date.fromisoformat(value) if value is not None else None
    except ValueError as error:
        raise Unreadable(f"{key} is not a date") from error


def _clock(data: Mapping[str, object], key: str) -> time | None:
    value = _text(data, key)
    try:
        return time.fromisoformat(value) if value is not None else None
    except ValueError as error:
        raise Unreadable(f"{key} is not a time") from error


def _number(data: Mapping[str, object], key: str) -> int | None:
    value = data.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise Unreadable(f"{key} is not a whole number")
    return value


def _numbers(data: Mapping[str, object], key: str) -> tuple[int, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(
        isinstance(item, int) and not isinstance(item, bool) for item in value
    ):
        raise Unreadable(f"{key} is not a list of whole numbers")
    return tuple(value)
