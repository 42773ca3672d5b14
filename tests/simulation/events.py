"""The simulation's event log: what people did, what the bot sent, what went wrong, each at
its simulated instant (aware UTC). The driver writes it; the oracle reads only this, never the
bot's database or its schedule code.

Patients are Telegram users too: a patient's id is their chat id. A caregiver is a separate
user. Every patient's first name is unique (``Pat0042``), so a message naming them is found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time


@dataclass(frozen=True)
class Event:
    at: datetime


# -- what people did (logged once the bot accepted it, with what it answered) -----------------


@dataclass(frozen=True)
class Enrolled(Event):
    """Sign-up finished. ``last`` is the most recent injection for someone already on
    treatment (None: starting), and ``last_number`` which dose that was (the person's truth;
    the bot may have asked)."""

    patient: int
    name: str
    zone: str
    reminder: time
    first: date
    last: date | None
    last_number: int | None


@dataclass(frozen=True)
class Taken(Event):
    """The bot recorded a dose: ``day`` is the injection's local date as the person gave it
    (today by button, reply or /taken; a past date by /taken YYYY-MM-DD). ``number`` and
    ``next_planned`` are what the bot's answer said (the oracle checks both)."""

    patient: int
    day: date
    how: str  # "button", "reply", "taken", "taken_date"
    number: int
    next_planned: date | None


@dataclass(frozen=True)
class Corrected(Event):
    """The date of the dose just recorded was corrected to ``day``."""

    patient: int
    number: int
    day: date
    next_planned: date | None


@dataclass(frozen=True)
class Undone(Event):
    """The dose just recorded was taken back: it is due again."""

    patient: int
    number: int


@dataclass(frozen=True)
class Snoozed(Event):
    """A dose reminder was snoozed: it comes back at ``until``."""

    patient: int
    number: int
    until: datetime


@dataclass(frozen=True)
class Paused(Event):
    patient: int


@dataclass(frozen=True)
class Resumed(Event):
    patient: int


@dataclass(frozen=True)
class ReminderTimeChanged(Event):
    patient: int
    reminder: time


@dataclass(frozen=True)
class ZoneChanged(Event):
    patient: int
    zone: str


@dataclass(frozen=True)
class InviteOpened(Event):
    """A would-be caregiver opened the patient's invite: the bot tells them whose it is (the
    patient's first name) and asks the patient to approve."""

    patient: int
    caregiver: int


@dataclass(frozen=True)
class CaregiverApproved(Event):
    """The patient approved the caregiver: from now on the caregiver is linked."""

    patient: int
    caregiver: int


@dataclass(frozen=True)
class CaregiverRevoked(Event):
    """The link ended (revoked by the patient, or the caregiver left)."""

    patient: int
    caregiver: int


@dataclass(frozen=True)
class Blocked(Event):
    user: int


@dataclass(frozen=True)
class Unblocked(Event):
    """The user unblocked the bot and wrote to it again (/start)."""

    user: int


@dataclass(frozen=True)
class Erased(Event):
    """/deletedata confirmed: everything about the user is gone (a patient's caregivers'
    links too)."""

    user: int


@dataclass(frozen=True)
class BroadcastStarted(Event):
    """Staff confirmed a broadcast to everyone; ``marker`` is in its text."""

    broadcast: int
    marker: str


# -- what Telegram accepted -------------------------------------------------------------------


@dataclass(frozen=True)
class Sent(Event):
    """Telegram accepted an outbox message (a reminder, an alert, a note). ``kind`` is the
    outbox kind (``dose``, ``missed``, ``cg_missed`` ...); ``patient`` whom it is about."""

    chat: int
    kind: str
    patient: int | None
    number: int | None
    planned: date | None
    due_at: datetime
    text: str


@dataclass(frozen=True)
class BroadcastDelivered(Event):
    chat: int
    broadcast: int


@dataclass(frozen=True)
class Said(Event):
    """Any other message the bot sent or edited (answers in the chat), for the privacy
    checks: no patient's name to anyone not linked to them."""

    chat: int
    text: str


@dataclass(frozen=True)
class Refused(Event):
    """Telegram refused a send to ``chat`` (403: the user blocked the bot)."""

    chat: int
    kind: str


# -- faults -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Crash(Event):
    """A process died. ``point``: "after_claim" (rows claimed, not sent), "after_accept"
    (Telegram accepted ``row``, the database never heard), "broadcast" (in the middle of
    one), "idle". ``row`` is (chat, kind, number, planned) of the message it died over."""

    process: str
    point: str
    row: tuple[int, str, int | None, date | None] | None


@dataclass(frozen=True)
class Started(Event):
    """A process (re)started and serves from now on."""

    process: str


@dataclass(frozen=True)
class OutageBegan(Event):
    """Telegram stopped answering the bot: "5xx", "timeout" or "429" (a storm)."""

    kind: str


@dataclass(frozen=True)
class OutageEnded(Event):
    kind: str


@dataclass(frozen=True)
class Finished(Event):
    """The end of the run, with what the database still held: rows claimed by no living
    process, and rows due before the end and never settled."""

    claimed: int
    overdue_unsettled: int
