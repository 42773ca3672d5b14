"""The simulation's oracle: reads the event log (``events.py``) and says what the bot got wrong.

Written apart from the bot on purpose: it imports nothing from ``bot``. The dose plan is
re-derived here from the label's rules as the contract reads them (``shared/interface.md``),
so a shared mistake in the bot's schedule code cannot hide itself. Only the log is trusted:
what people did, what Telegram accepted, when the processes and Telegram were up."""

from __future__ import annotations

import calendar
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from tests.simulation.events import (
    Blocked,
    BroadcastDelivered,
    BroadcastStarted,
    CaregiverApproved,
    CaregiverRevoked,
    Corrected,
    Crash,
    Enrolled,
    Erased,
    Event,
    Finished,
    InviteOpened,
    OutageBegan,
    OutageEnded,
    Paused,
    ReminderTimeChanged,
    Resumed,
    Said,
    Sent,
    Snoozed,
    Started,
    Taken,
    Unblocked,
    Undone,
    ZoneChanged,
)

Span = tuple[datetime, datetime]
SentKey = tuple[object, ...]

# How late a message may come once it is due and the bot is able to send it.
LIMIT = timedelta(minutes=2)
# A crashed process's claimed rows wait for their lease before another process takes them.
LEASE = timedelta(minutes=5)
# Slack for "not before": the sweep may round to the minute.
SLACK = timedelta(minutes=1)
# The erasure's own confirmation, and a revocation's notice, come in the same handler.
GRACE = timedelta(seconds=1)
# A would-be caregiver sees the patient's name once they opened the invite (InviteOpened); a
# log without those events allows the hour before approval.
PENDING = timedelta(hours=1)
# After an outage, a message that failed meanwhile is tried again within the bot's longest
# backoff (15 minutes apart at most): the contract asks for it to come, not at once.
RETRY_CAP = timedelta(minutes=15)
DAY = timedelta(days=1)
# People who blocked the bot are deleted after RETENTION_DAYS (the simulation keeps the default).
RETENTION = timedelta(days=180)

# Outbox kinds that are about one dose, whose ``planned`` must be the plan's date.
DOSE_KINDS = frozenset(
    {
        "heads_up",
        "take_out",
        "dose",
        "snoozed",
        "follow_up",
        "evening",
        "missed",
        "overdue",
        "cg_missed",
        "cg_confirmed",
        "cg_heads_up",
        "cg_stopped",
        "cg_resumed",
    }
)
# Kinds sent once per dose; any other kind may legitimately repeat for a dose (snoozed twice,
# confirmed again after an undo, paused twice), so it is told apart by its due instant too.
ONCE_PER_DOSE = frozenset(
    {"heads_up", "take_out", "dose", "follow_up", "evening", "missed", "cg_missed", "cg_heads_up"}
)


# -- the dose plan ----------------------------------------------------------------------------


def add_months(anchor: date, months: int) -> date:
    """The anchor's day of the month, ``months`` later, clamped to a shorter month's end."""
    year, month0 = divmod(anchor.month - 1 + months, 12)
    year += anchor.year
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(anchor.day, last))


def plan(
    first: date,
    taken: Mapping[int, date],
    upto: int,
    *,
    last: date | None = None,
    last_number: int | None = None,
) -> dict[int, date]:
    """Planned date of each dose up to ``upto``, from the label's rules.

    ``taken`` maps a dose number to its actual date; a dose not in it counts as taken on its
    planned date (what the plan assumes for the future). For someone who joined mid-treatment
    (``last``/``last_number``), the plan starts at that dose, which is its own date; doses
    before it have no date here. Loading doses follow the previous dose's actual date; monthly
    doses count calendar months from the anchor: dose 4, or the latest later dose taken on
    another day than planned (never month-on-month, which drifts after a short month)."""
    if last is None or last_number is None:
        base, base_day = 1, first
    else:
        base, base_day = last_number, last
    planned = {base: base_day}
    anchor_number, anchor_day = base, taken.get(base, base_day)
    for number in range(base + 1, upto + 1):
        previous = taken.get(number - 1, planned[number - 1])
        if number <= 3:
            planned[number] = previous + timedelta(days=7)
        elif number == 4:
            planned[number] = previous + timedelta(days=14)
        else:
            planned[number] = add_months(anchor_day, number - anchor_number)
        actual = taken.get(number, planned[number])
        if number == 4 or (number > 4 and actual != planned[number]):
            anchor_number, anchor_day = number, actual
    return {number: day for number, day in planned.items() if number <= upto}


def reminder_instant(day: date, reminder: time, zone: str) -> datetime:
    """The local reminder time on ``day`` as a UTC instant. A time that does not exist (spring
    forward) moves forward the way zoneinfo reads fold=0; an ambiguous one is the first."""
    return datetime.combine(day, reminder, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def local_date(instant: datetime, zone: str) -> date:
    return instant.astimezone(ZoneInfo(zone)).date()


# -- the report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    who: int | None
    rule: str
    message: str
    at: datetime


@dataclass
class Report:
    """What the oracle found, with the figures the simulation's report prints."""

    violations: list[Violation]
    window: list[tuple[Sent | BroadcastDelivered, Crash]]
    by_kind: Counter[str]
    dose_reminders: int
    worst_lateness: timedelta
    outages: int
    longest_outage: timedelta
    crashes: int
    broadcasts_delivered: int
    events: tuple[Event, ...] = field(repr=False)

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def lost(self) -> int:
        return sum(1 for violation in self.violations if violation.rule == "lost")

    def trail(self, patient: int) -> list[Event]:
        """Everything about one patient, to replay or read a failure: their actions, what went
        to their chat, alerts about them to anyone, crashes over their messages."""
        return [event for event in self.events if _concerns(event, patient)]

    def format(self) -> str:
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(self.by_kind.items()))
        lines = [
            f"oracle: {'OK' if self.ok else f'{len(self.violations)} violations'}",
            f"messages by kind: {kinds or 'none'}",
            f"broadcast deliveries: {self.broadcasts_delivered}",
            f"dose reminders sent: {self.dose_reminders}",
            f"duplicates in the crash window: {len(self.window)} (others: "
            f"{sum(1 for v in self.violations if v.rule == 'duplicate')})",
            f"lost: {self.lost}",
            f"worst lateness while able: {self.worst_lateness}",
            f"outages survived: {self.outages} (longest {self.longest_outage})",
            f"crashes survived: {self.crashes}",
        ]
        if self.violations:
            lines.append(f"violations (first {min(20, len(self.violations))}):")
            lines.extend(
                f"  [{v.rule}] {v.who} at {v.at.isoformat()}: {v.message}"
                for v in self.violations[:20]
            )
        return "\n".join(lines)


def _concerns(event: Event, patient: int) -> bool:
    if isinstance(event, Crash):
        return event.row is not None and event.row[0] == patient
    return any(getattr(event, name, None) == patient for name in ("patient", "user", "chat"))


# -- spans of time ----------------------------------------------------------------------------


def _intersect(a: Sequence[Span], b: Sequence[Span]) -> list[Span]:
    out: list[Span] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, stop = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < stop:
            out.append((start, stop))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def _subtract(a: Sequence[Span], b: Sequence[Span]) -> list[Span]:
    out: list[Span] = []
    for start, stop in a:
        cursor = start
        for cut_start, cut_stop in b:
            if cut_stop <= cursor or cut_start >= stop:
                continue
            if cut_start > cursor:
                out.append((cursor, cut_start))
            cursor = max(cursor, cut_stop)
        if cursor < stop:
            out.append((cursor, stop))
    return out


def _merge(spans: Iterable[Span]) -> list[Span]:
    out: list[Span] = []
    for start, stop in sorted(spans):
        if start >= stop:
            continue
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], stop))
        else:
            out.append((start, stop))
    return out


def _clip(spans: Sequence[Span], start: datetime, stop: datetime) -> list[Span]:
    return _intersect(spans, [(start, stop)]) if start < stop else []


def _first_long(spans: Sequence[Span]) -> Span | None:
    """The first stretch long enough that the message should have gone out within it."""
    return next((span for span in spans if span[1] - span[0] > LIMIT), None)


def _able_spans(events: Sequence[Event], end: datetime) -> tuple[list[Span], list[Span]]:
    """When the bot could send (some process up, Telegram answering), minus the lease a
    process that died holding claimed rows leaves behind; and Telegram's outages. A log
    without any ``Started`` counts as one process up throughout."""
    up: set[str] = set()
    outages: dict[str, datetime] = {}
    outage_spans: list[Span] = []
    leases: list[Span] = []
    able: list[Span] = []
    any_started = any(isinstance(event, Started) for event in events)
    begin = events[0].at if events else end
    since: datetime | None = None

    def able_now() -> bool:
        return (bool(up) or not any_started) and not outages

    if able_now():
        since = begin
    for event in events:
        before = able_now()
        if isinstance(event, Started):
            up.add(event.process)
        elif isinstance(event, Crash):
            up.discard(event.process)
            if event.point in ("after_claim", "after_accept"):
                # the rest of the dead process's batch stays claimed until its lease runs out
                leases.append((event.at, event.at + LEASE))
        elif isinstance(event, OutageBegan):
            outages.setdefault(event.kind, event.at)
        elif isinstance(event, OutageEnded) and event.kind in outages:
            outage_spans.append((outages.pop(event.kind), event.at))
            leases.append((event.at, event.at + RETRY_CAP))
        else:
            continue
        after = able_now()
        if before and not after and since is not None:
            able.append((since, event.at))
            since = None
        elif after and not before:
            since = event.at
    if since is not None:
        able.append((since, end))
    outage_spans.extend((start, end) for start in outages.values())
    return _subtract(_merge(able), _merge(leases)), outage_spans


# -- people as the log tells them -------------------------------------------------------------


@dataclass
class _Patient:
    id: int
    epoch: int
    name: str
    zone: str
    reminder: time
    first: date
    last: date | None
    last_number: int | None
    actual: dict[int, date] = field(default_factory=dict)
    paused: bool = False
    enrolled: bool = True

    def recorded(self) -> int:
        return max([*self.actual, self.last_number or 0])

    def next_number(self) -> int:
        return self.recorded() + 1

    def planned(self, number: int) -> date | None:
        return plan(
            self.first, self.actual, number, last=self.last, last_number=self.last_number
        ).get(number)


@dataclass(frozen=True)
class _Snap:
    """A patient's state from ``at`` until the next snapshot: what the dose reminders hang on."""

    at: datetime
    epoch: int
    active: bool
    zone: str
    reminder: time
    next_number: int
    next_planned: date | None


DoseId = tuple[int, int, int]  # patient, epoch (one per sign-up), dose number


class _Oracle:
    """One chronological pass keeps each person's state and checks what can be checked at
    once (dates, answers, privacy, stale notes); what needs the whole run (lost, late, missed,
    overdue, broadcasts, duplicates) is judged afterwards from the spans the pass recorded."""

    def __init__(self, events: Sequence[Event], end: datetime) -> None:
        self.events = sorted(events, key=lambda event: event.at)
        self.end = end
        self.violations: list[Violation] = []
        self.window: list[tuple[Sent | BroadcastDelivered, Crash]] = []
        self.by_kind: Counter[str] = Counter()
        self.patients: dict[int, _Patient] = {}
        self.snaps: dict[int, list[_Snap]] = defaultdict(list)
        self.override: dict[DoseId, date] = {}
        self.approved: dict[int, dict[int, datetime]] = defaultdict(dict)
        self.links: dict[tuple[int, int], list[Span]] = defaultdict(list)
        self.invites: dict[tuple[int, int], list[datetime]] = defaultdict(list)
        self.blocked: dict[int, datetime] = {}
        self.blocked_spans: dict[int, list[Span]] = defaultdict(list)
        self.erased: dict[int, datetime] = {}
        # When a user left the audience (blocked, erased, unlinked): a broadcast may miss them.
        self.gone: dict[int, list[datetime]] = defaultdict(list)
        self.sends: dict[SentKey, list[Sent]] = defaultdict(list)
        self.dose_sent: dict[DoseId, list[datetime]] = defaultdict(list)
        self.missed_sent: dict[DoseId, list[datetime]] = defaultdict(list)
        self.cg_missed_sent: dict[tuple[DoseId, int], list[datetime]] = defaultdict(list)
        self.overdue_sent: dict[DoseId, list[tuple[datetime, date]]] = defaultdict(list)
        self.snoozes: dict[DoseId, list[tuple[datetime, datetime]]] = defaultdict(list)
        """(when the patient snoozed, until when) per dose."""
        self.snoozed_sent: dict[DoseId, list[datetime]] = defaultdict(list)
        self.broadcasts: dict[int, tuple[BroadcastStarted, frozenset[int]]] = {}
        self.deliveries: dict[tuple[int, int], list[BroadcastDelivered]] = defaultdict(list)
        self.crashes: list[Crash] = []
        self.named: list[tuple[datetime, int, int, bool]] = []  # at, chat, patient, is Said
        self.finished = False
        self.caregivers: dict[int, set[int]] = defaultdict(set)
        self.snap_times: dict[int, list[datetime]] = {}
        self.able: list[Span] = []
        self.able_stops: list[datetime] = []
        self.worst = timedelta(0)
        self.names_single: dict[str, int] = {}
        self.names_multi: dict[str, int] = {}
        for event in self.events:
            if isinstance(event, Enrolled):
                names = self.names_single if re.fullmatch(r"\w+", event.name) else self.names_multi
                names[event.name] = event.patient

    def flag(self, who: int | None, rule: str, message: str, at: datetime) -> None:
        self.violations.append(Violation(who, rule, message, at))

    # -- the chronological pass ---------------------------------------------------------------

    def run(self) -> Report:
        for event in self.events:
            self.dispatch(event)
        if not self.finished:
            self.flag(None, "finished", "the log has no Finished event", self.end)
        for patient, open_links in self.approved.items():
            for caregiver, since in open_links.items():
                self.links[(patient, caregiver)].append((since, self.end))
        for patient, caregiver in self.links:
            self.caregivers[patient].add(caregiver)
        self.snap_times = {user: [snap.at for snap in snaps] for user, snaps in self.snaps.items()}
        self.able, outage_spans = _able_spans(self.events, self.end)
        self.able_stops = [stop for _, stop in self.able]
        self.check_duplicates()
        self.check_doses()
        self.check_broadcasts()
        self.check_names()
        longest = max((stop - start for start, stop in outage_spans), default=timedelta(0))
        return Report(
            violations=sorted(self.violations, key=lambda v: v.at),
            window=self.window,
            by_kind=self.by_kind,
            dose_reminders=self.by_kind["dose"],
            worst_lateness=self.worst,
            outages=sum(1 for event in self.events if isinstance(event, OutageEnded)),
            longest_outage=longest,
            crashes=len(self.crashes),
            broadcasts_delivered=sum(len(d) for d in self.deliveries.values()),
            events=tuple(self.events),
        )

    def dispatch(self, event: Event) -> None:
        match event:
            case Enrolled():
                self.on_enrolled(event)
            case Taken():
                self.on_taken(event)
            case Corrected():
                self.on_corrected(event)
            case Undone():
                self.on_undone(event)
            case Snoozed():
                self.on_snoozed(event)
            case Paused():
                self.on_paused(event)
            case Resumed():
                self.on_resumed(event)
            case ReminderTimeChanged():
                self.on_reminder_time(event)
            case ZoneChanged():
                self.on_zone(event)
            case CaregiverApproved():
                self.on_approved(event)
            case CaregiverRevoked():
                self.unlink(event.patient, event.caregiver, event.at)
            case InviteOpened():
                self.invites[(event.patient, event.caregiver)].append(event.at)
            case Blocked():
                self.on_blocked(event)
            case Unblocked():
                self.on_unblocked(event)
            case Erased():
                self.on_erased(event)
            case BroadcastStarted():
                self.on_broadcast(event)
            case Sent():
                self.on_sent(event)
            case BroadcastDelivered():
                self.on_delivered(event)
            case Said():
                self.on_said(event)
            case Crash():
                self.crashes.append(event)
            case Finished():
                self.on_finished(event)

    def snapshot(self, user: int, at: datetime) -> None:
        patient = self.patients.get(user)
        if patient is None:
            return
        number = patient.next_number()
        self.snaps[user].append(
            _Snap(
                at=at,
                epoch=patient.epoch,
                active=patient.enrolled and not patient.paused and user not in self.blocked,
                zone=patient.zone,
                reminder=patient.reminder,
                next_number=number,
                next_planned=patient.planned(number),
            )
        )

    def patient(self, user: int, at: datetime, what: str) -> _Patient | None:
        patient = self.patients.get(user)
        if patient is None or not patient.enrolled:
            self.flag(user, "answer", f"{what} for someone not enrolled", at)
            return None
        return patient

    def on_enrolled(self, event: Enrolled) -> None:
        before = self.patients.get(event.patient)
        patient = _Patient(
            id=event.patient,
            epoch=before.epoch + 1 if before else 0,
            name=event.name,
            zone=event.zone,
            reminder=event.reminder,
            first=event.first,
            last=event.last,
            last_number=event.last_number,
        )
        self.patients[event.patient] = patient
        self.erased.pop(event.patient, None)
        self.snapshot(event.patient, event.at)
        number = patient.next_number()
        planned = patient.planned(number)
        if planned is not None:
            due = reminder_instant(planned, patient.reminder, patient.zone)
            if event.at > due + DAY:
                # Joined with a dose long overdue: reminded on the sign-up's own day.
                dose = (event.patient, patient.epoch, number)
                self.override[dose] = local_date(event.at, patient.zone)

    def on_taken(self, event: Taken) -> None:
        patient = self.patient(event.patient, event.at, "a dose recorded")
        if patient is None:
            return
        number = patient.next_number()
        if event.number != number:
            self.flag(
                event.patient,
                "answer",
                f"recorded as dose {event.number}, the next dose is {number}",
                event.at,
            )
        patient.actual[number] = event.day
        self.check_next(patient, number, event.next_planned, event.at)
        self.snapshot(event.patient, event.at)

    def check_next(self, patient: _Patient, number: int, said: date | None, at: datetime) -> None:
        expected = patient.planned(number + 1)
        if said is not None and said != expected:
            self.flag(
                patient.id,
                "answer",
                f"after dose {number} the answer gave {said} for dose {number + 1}, "
                f"the plan says {expected}",
                at,
            )

    def on_corrected(self, event: Corrected) -> None:
        patient = self.patient(event.patient, event.at, "a date corrected")
        if patient is None:
            return
        if event.number not in patient.actual:
            self.flag(
                event.patient, "answer", f"dose {event.number} corrected unrecorded", event.at
            )
        patient.actual[event.number] = event.day
        self.check_next(patient, event.number, event.next_planned, event.at)
        self.snapshot(event.patient, event.at)

    def on_undone(self, event: Undone) -> None:
        patient = self.patient(event.patient, event.at, "a dose undone")
        if patient is None:
            return
        if patient.actual.pop(event.number, None) is None:
            self.flag(event.patient, "answer", f"dose {event.number} undone unrecorded", event.at)
        self.snapshot(event.patient, event.at)

    def on_snoozed(self, event: Snoozed) -> None:
        patient = self.patients.get(event.patient)
        if patient is not None:
            dose = (event.patient, patient.epoch, event.number)
            self.snoozes[dose].append((event.at, event.until))

    def on_paused(self, event: Paused) -> None:
        if (patient := self.patient(event.patient, event.at, "paused")) is not None:
            patient.paused = True
            self.snapshot(event.patient, event.at)

    def on_resumed(self, event: Resumed) -> None:
        if (patient := self.patient(event.patient, event.at, "resumed")) is not None:
            patient.paused = False
            self.snapshot(event.patient, event.at)

    def on_reminder_time(self, event: ReminderTimeChanged) -> None:
        if (patient := self.patient(event.patient, event.at, "reminder time set")) is not None:
            patient.reminder = event.reminder
            self.snapshot(event.patient, event.at)

    def on_zone(self, event: ZoneChanged) -> None:
        if (patient := self.patient(event.patient, event.at, "zone set")) is not None:
            patient.zone = event.zone
            self.snapshot(event.patient, event.at)

    def on_approved(self, event: CaregiverApproved) -> None:
        self.approved[event.patient].setdefault(event.caregiver, event.at)
        self.erased.pop(event.caregiver, None)

    def unlink(self, patient: int, caregiver: int, at: datetime) -> None:
        since = self.approved[patient].pop(caregiver, None)
        if since is not None:
            self.links[(patient, caregiver)].append((since, at))
            self.gone[caregiver].append(at)

    def on_blocked(self, event: Blocked) -> None:
        self.blocked.setdefault(event.user, event.at)
        self.gone[event.user].append(event.at)
        self.snapshot(event.user, event.at)

    def on_unblocked(self, event: Unblocked) -> None:
        since = self.blocked.pop(event.user, None)
        if since is not None:
            self.blocked_spans[event.user].append((since, event.at))
        self.erased.pop(event.user, None)
        self.snapshot(event.user, event.at)

    def on_erased(self, event: Erased) -> None:
        self.erased[event.user] = event.at
        self.gone[event.user].append(event.at)
        for caregiver in list(self.approved[event.user]):
            self.unlink(event.user, caregiver, event.at)
        for patient, caregivers in self.approved.items():
            if event.user in caregivers:
                self.unlink(patient, event.user, event.at)
        patient_state = self.patients.get(event.user)
        if patient_state is not None:
            patient_state.enrolled = False
            self.snapshot(event.user, event.at)

    def active_users(self, at: datetime, kept: timedelta | None = None) -> set[int]:
        """Enrolled patients and approved caregivers who neither blocked the bot nor left. A
        patient blocked for the retention period (docs/privacy.md) is deleted, links and all,
        so their caregivers follow no one through them (from a day before, the daily job's
        slack)."""
        patients = {user for user, patient in self.patients.items() if patient.enrolled}
        kept = RETENTION - DAY if kept is None else kept
        caregivers = {
            c
            for patient, cs in self.approved.items()
            if at - self.blocked.get(patient, at) < kept
            for c in cs
        }
        return {
            user
            for user in patients | caregivers
            if user not in self.blocked and user not in self.erased
        }

    def on_broadcast(self, event: BroadcastStarted) -> None:
        self.broadcasts[event.broadcast] = (event, frozenset(self.active_users(event.at)))

    def reachable(self, chat: int, at: datetime, what: str, *, said: bool = False) -> None:
        """Rule 6: nothing to someone who blocked the bot or erased their data."""
        if chat in self.blocked:
            self.flag(chat, "privacy", f"{what} to a user who blocked the bot", at)
        erased = self.erased.get(chat)
        if erased is not None and not (said and at <= erased + GRACE):
            self.flag(chat, "privacy", f"{what} to a user who erased their data", at)

    def find_names(self, text: str, chat: int, at: datetime, said: bool) -> None:
        found = {self.names_single[t] for t in re.findall(r"\w+", text) if t in self.names_single}
        found |= {patient for name, patient in self.names_multi.items() if name in text}
        for patient in found:
            if patient != chat:
                self.named.append((at, chat, patient, said))

    def on_said(self, event: Said) -> None:
        self.reachable(event.chat, event.at, "a message", said=True)
        self.find_names(event.text, event.chat, event.at, True)

    def on_delivered(self, event: BroadcastDelivered) -> None:
        self.reachable(event.chat, event.at, f"broadcast {event.broadcast}")
        self.deliveries[(event.broadcast, event.chat)].append(event)
        start = self.broadcasts.get(event.broadcast)
        if start is None:
            self.flag(
                event.chat, "broadcast", f"broadcast {event.broadcast} never started", event.at
            )
        elif event.chat not in start[1] and event.chat not in self.active_users(
            event.at, kept=RETENTION + DAY
        ):
            self.flag(
                event.chat, "broadcast", f"broadcast {event.broadcast} to a non-recipient", event.at
            )

    def on_finished(self, event: Finished) -> None:
        self.finished = True
        if event.claimed:
            self.flag(None, "finished", f"{event.claimed} rows still claimed", event.at)
        if event.overdue_unsettled:
            self.flag(
                None, "finished", f"{event.overdue_unsettled} rows due and never settled", event.at
            )

    def on_sent(self, event: Sent) -> None:
        self.by_kind[event.kind] += 1
        what = f"{event.kind} message"
        self.reachable(event.chat, event.at, what)
        self.find_names(event.text, event.chat, event.at, False)
        about = event.patient
        if about is not None and event.chat != about and event.chat not in self.approved[about]:
            self.flag(about, "privacy", f"{what} about {about} to unlinked {event.chat}", event.at)
        patient = self.patients.get(about) if about is not None else None
        overdue_day: date | None = None
        if patient is not None and event.kind == "overdue":
            overdue_day = local_date(event.at, patient.zone)
        self.sends[self.key(event, overdue_day)].append(event)
        if patient is None or event.number is None or event.kind not in DOSE_KINDS:
            return
        dose: DoseId = (patient.id, patient.epoch, event.number)
        self.check_planned(patient, event)
        self.check_stale(patient, event, dose)
        if event.kind == "dose" and event.chat == patient.id:
            self.dose_sent[dose].append(event.at)
        elif event.kind == "missed" and event.chat == patient.id:
            self.missed_sent[dose].append(event.at)
        elif event.kind == "cg_missed":
            self.cg_missed_sent[(dose, event.chat)].append(event.at)
        elif event.kind == "overdue" and overdue_day is not None:
            self.overdue_sent[dose].append((event.at, overdue_day))
        elif event.kind == "snoozed":
            self.snoozed_sent[dose].append(event.at)

    @staticmethod
    def key(event: Sent, overdue_day: date | None) -> SentKey:
        base = (event.chat, event.kind, event.patient, event.number, event.planned)
        if event.kind == "overdue":
            return (*base, overdue_day)
        if event.kind in ONCE_PER_DOSE and event.number is not None:
            return base
        return (*base, event.due_at)

    def check_planned(self, patient: _Patient, event: Sent) -> None:
        """Rule 1: the date a message gives is the plan's, as it stands when it goes out (the
        old date for a correction's or an undo's notice, which this does not check)."""
        assert event.number is not None
        if event.planned is None:
            return
        expected = patient.planned(event.number)
        if expected != event.planned:
            self.flag(
                patient.id,
                "plan",
                f"{event.kind} for dose {event.number} gave {event.planned}, "
                f"the plan says {expected}",
                event.at,
            )

    def check_stale(self, patient: _Patient, event: Sent, dose: DoseId) -> None:
        """Rule 4: no note that has lost its point by the time it goes out."""
        assert event.number is not None
        recorded = event.number in patient.actual or event.number <= (patient.last_number or 0)
        stale = ""
        if recorded and event.kind in {"heads_up", "take_out", "dose", "missed", "overdue"}:
            stale = "for a dose already recorded"
        elif event.kind in {"heads_up", "take_out"} and event.planned is not None:
            due = reminder_instant(event.planned, patient.reminder, patient.zone)
            if event.kind == "heads_up" and event.at >= due - timedelta(minutes=30):
                stale = "less than 30 minutes before the reminder"
            elif event.kind == "take_out" and event.at >= due:
                stale = "at or after the reminder"
        elif event.kind == "follow_up" and event.chat == patient.id:
            reminded = [at for at in self.dose_sent.get(dose, []) if at <= event.at]
            if not reminded:
                stale = "without a dose reminder"
            elif event.at < reminded[-1] + timedelta(hours=2) - SLACK:
                stale = "less than 2 hours after the reminder"
        if stale:
            self.flag(
                patient.id, "stale", f"{event.kind} for dose {event.number} {stale}", event.at
            )

    # -- after the pass -----------------------------------------------------------------------

    def check_duplicates(self) -> None:
        """Rule 2: once each, except one repeat per crash between Telegram's accepting a
        message and the commit (the documented window)."""
        used: set[int] = set()
        for key, sends in self.sends.items():
            for before, again in pairwise(sends):
                row = (again.chat, again.kind, again.number, again.planned)
                crash = self.window_crash("after_accept", row, before.at, again.at, used)
                if crash is not None:
                    self.window.append((again, crash))
                else:
                    self.flag(
                        again.patient if again.patient is not None else again.chat,
                        "duplicate",
                        f"{again.kind} sent again to {again.chat} {key[3:]}",
                        again.at,
                    )
        for (broadcast, chat), deliveries in self.deliveries.items():
            for earlier, repeat in pairwise(deliveries):
                crash = self.window_crash("broadcast", None, earlier.at, repeat.at, used)
                if crash is not None:
                    self.window.append((repeat, crash))
                else:
                    self.flag(
                        chat, "duplicate", f"broadcast {broadcast} delivered again", repeat.at
                    )

    def window_crash(
        self,
        point: str,
        row: tuple[int, str, int | None, date | None] | None,
        start: datetime,
        stop: datetime,
        used: set[int],
    ) -> Crash | None:
        """A crash not yet used to explain a repeat, at ``point`` over ``row``, in between."""
        for crash in self.crashes:
            if (
                id(crash) not in used
                and crash.point == point
                and (row is None or crash.row == row)
                and start <= crash.at <= stop
            ):
                used.add(id(crash))
                return crash
        return None

    def segments(self, user: int) -> list[tuple[datetime, datetime, _Snap]]:
        snaps = self.snaps.get(user, [])
        stops = [snap.at for snap in snaps[1:]] + [self.end]
        return [(snap.at, stop, snap) for snap, stop in zip(snaps, stops, strict=True)]

    def snap_at(self, user: int, at: datetime) -> _Snap | None:
        snaps = self.snaps.get(user, [])
        index = bisect_right(self.snap_times.get(user, []), at) - 1
        return snaps[index] if index >= 0 else None

    def check_doses(self) -> None:
        reminded: dict[int, set[DoseId]] = defaultdict(set)
        for dose in self.dose_sent:
            reminded[dose[0]].add(dose)
        for user in self.snaps:
            segments = self.segments(user)
            doses = {(user, snap.epoch, snap.next_number) for _, _, snap in segments if snap.active}
            doses |= reminded[user]
            for dose in sorted(doses):
                self.check_dose(dose, segments)

    def check_dose(self, dose: DoseId, segments: list[tuple[datetime, datetime, _Snap]]) -> None:
        """Rules 3 and 5 for one dose: reminded in time, then missed, then daily overdue."""
        user, epoch, number = dose
        waiting = [
            (start, stop, snap)
            for start, stop, snap in segments
            if snap.epoch == epoch and snap.active and snap.next_number == number
        ]
        due: list[Span] = []
        for start, stop, snap in waiting:
            day = self.override.get(dose, snap.next_planned)
            if day is None:
                continue
            reminder = reminder_instant(day, snap.reminder, snap.zone)
            begin = max(start, reminder)
            if start - reminder > DAY:
                # (re)activated long after its day (sign-up, resume, unblock): the first
                # reminder of a dose already missed waits for the patient's own time today
                today = reminder_instant(local_date(start, snap.zone), snap.reminder, snap.zone)
                begin = max(begin, today)
            if begin < stop:
                due.append((begin, stop))
        due = _merge(due)
        sent = self.dose_sent.get(dose, [])
        first_sent = sent[0] if sent else None
        if first_sent is not None and (not due or first_sent < due[0][0] - SLACK):
            self.flag(user, "early", f"dose {number} reminded before it was due", first_sent)
        self.judge(user, f"dose {number} reminder", due, first_sent, lateness=True)
        if not due:
            return
        became_due = due[0][0]
        missed_from = became_due + DAY
        missed_by = max(became_due, first_sent or became_due) + DAY
        missed = self.missed_sent.get(dose, [])
        missed_at = missed[0] if missed else None
        for snoozed_at, until in self.snoozes.get(dose, []):
            if missed_at is not None and snoozed_at >= missed_at:
                continue  # snoozed after the missed alert: it moves only what is still to come
            missed_from = max(missed_from, until + timedelta(hours=2))
            missed_by = max(missed_by, until + timedelta(hours=2))
        for at in self.snoozed_sent.get(dose, []):
            if missed_at is None or at < missed_at:
                missed_by = max(missed_by, at + timedelta(hours=2))
        missed_due = self.missed_due(dose, segments, became_due, missed_by)
        if missed_at is not None and missed_at < missed_from - SLACK:
            self.flag(user, "missed", f"dose {number} reported missed too early", missed_at)
        self.judge(user, f"dose {number} missed alert", missed_due, missed_at, rule="missed")
        for caregiver, links in self.links_of(user).items():
            approved = [span for span in links if span[0] <= missed_from < span[1]]
            cg_due = _subtract(_intersect(missed_due, approved), self.blocked_of(caregiver))
            alerts = self.cg_missed_sent.get((dose, caregiver), [])
            if alerts and alerts[0] < missed_from - SLACK:
                self.flag(user, "missed", f"dose {number} missed to {caregiver} early", alerts[0])
            self.judge(
                user,
                f"dose {number} missed alert to caregiver {caregiver}",
                cg_due,
                alerts[0] if alerts else None,
                rule="missed",
            )
        if missed_at is not None:
            self.check_overdue(dose, missed_at)

    def missed_due(
        self,
        dose: DoseId,
        segments: list[tuple[datetime, datetime, _Snap]],
        became_due: datetime,
        missed_by: datetime,
    ) -> list[Span]:
        """When a missed alert is owed: only if the dose stayed unrecorded from the moment it
        became due until ``missed_by`` and the patient is active then; owed while they stay
        active (a pause or a block at that moment lets the bot choose)."""
        _, epoch, number = dose
        mine = [(start, stop, snap) for start, stop, snap in segments if snap.epoch == epoch]
        unrecorded = _merge((a, b) for a, b, snap in mine if snap.next_number == number)
        active = _merge((a, b) for a, b, snap in mine if snap.next_number == number and snap.active)
        stretch = next((span for span in unrecorded if span[0] <= became_due < span[1]), None)
        now = next((span for span in active if span[0] <= missed_by < span[1]), None)
        if stretch is None or now is None or stretch[1] <= missed_by:
            return []
        return [(missed_by, min(now[1], stretch[1]))]

    def able_within(self, spans: Sequence[Span]) -> list[Span]:
        """``spans`` cut to when the bot was able (bisect: the able list can be long)."""
        out: list[Span] = []
        for start, stop in spans:
            index = bisect_right(self.able_stops, start)
            while index < len(self.able) and self.able[index][0] < stop:
                a, b = self.able[index]
                if max(a, start) < min(b, stop):
                    out.append((max(a, start), min(b, stop)))
                index += 1
        return out

    def links_of(self, patient: int) -> dict[int, list[Span]]:
        """After the pass: each caregiver's approved spans (an open link runs to the end)."""
        return {c: self.links[(patient, c)] for c in sorted(self.caregivers.get(patient, ()))}

    def blocked_of(self, user: int) -> list[Span]:
        spans = list(self.blocked_spans.get(user, []))
        if user in self.blocked:
            spans.append((self.blocked[user], self.end))
        if user in self.erased:
            spans.append((self.erased[user], self.end))
        return _merge(spans)

    def judge(
        self,
        who: int,
        what: str,
        due: list[Span],
        sent_at: datetime | None,
        *,
        rule: str = "late",
        lateness: bool = False,
    ) -> None:
        """Sent within LIMIT of every stretch in which it was due and the bot able? The
        stretches count only until it went out."""
        if sent_at is not None and due:
            due = _clip(due, due[0][0], sent_at)
        able = self.able_within(due)
        if lateness and sent_at is not None and able and able[-1][1] == sent_at:
            self.worst = max(self.worst, max(stop - start for start, stop in able))
        long = _first_long(able)
        if long is None:
            return
        if sent_at is None:
            self.flag(
                who, "lost" if rule == "late" else rule, f"{what} never sent", long[0] + LIMIT
            )
        else:
            self.flag(
                who, rule, f"{what} came {sent_at - long[0]} after it was due and able", sent_at
            )

    def check_overdue(self, dose: DoseId, missed_at: datetime) -> None:
        """Rule 5, daily part: one overdue note each later local day at the reminder time while
        the dose is unrecorded and the bot able; days around travel or downtime may lack one."""
        user, epoch, number = dose
        notes = self.overdue_sent.get(dose, [])
        for at, _ in notes:
            if at < missed_at:
                self.flag(user, "overdue", f"dose {number} overdue before the missed alert", at)
        days = {day for _, day in notes}
        snap = self.snap_at(user, missed_at)
        if snap is not None:  # a snoozed reminder coming back is that day's reminder too
            days |= {local_date(at, snap.zone) for at in self.snoozed_sent.get(dose, [])}
        if snap is None:
            return
        day = local_date(missed_at, snap.zone) + DAY
        snaps = self.snaps[user]
        changes = [
            now.at
            for before, now in pairwise(snaps)
            if now.at > missed_at and (now.zone, now.reminder) != (before.zone, before.reminder)
        ]
        while True:
            guess = reminder_instant(day, snap.reminder, snap.zone)
            current = self.snap_at(user, guess)
            if current is None or guess > self.end:
                return
            at = reminder_instant(day, current.reminder, current.zone)
            if at + LIMIT > self.end:
                return
            state = self.snap_at(user, at)
            if state is None or state.epoch != epoch or state.next_number != number:
                return
            # A move or a new time between the day's two readings (its time as planned then,
            # `guess`, and as it is now, `at`) leaves that day unsettled too.
            settled = not any(
                min(at, guess) - DAY <= change <= max(at, guess) + LIMIT for change in changes
            )
            steady = settled and state.active
            if (
                steady
                and self.able_within([(at, at + LIMIT)]) == [(at, at + LIMIT)]
                and (day not in days)
            ):
                self.flag(user, "overdue", f"dose {number}: no overdue note on {day}", at + LIMIT)
            snap = state
            day += DAY

    def check_broadcasts(self) -> None:
        """Rule 7: each broadcast to each active user at its start, unless they left during."""
        for broadcast, (start, audience) in self.broadcasts.items():
            deliveries = [
                at
                for (number, _), delivered in self.deliveries.items()
                if number == broadcast
                for at in (d.at for d in delivered)
            ]
            until = max([start.at, *deliveries]) + DAY
            for user in sorted(audience):
                if self.deliveries.get((broadcast, user)):
                    continue
                if any(start.at <= at <= until for at in self.gone.get(user, [])):
                    continue
                self.flag(user, "broadcast", f"broadcast {broadcast} never delivered", start.at)

    def check_names(self) -> None:
        """Rule 6: a patient's name only to them and the people linked to them (a would-be
        caregiver from an hour before approval; the notice of the end of a link at once)."""
        for at, chat, patient, said in self.named:
            spans = [*self.links.get((patient, chat), []), *self.links.get((chat, patient), [])]
            grace = GRACE if said else timedelta(0)
            if any(start - PENDING <= at <= stop + grace for start, stop in spans):
                continue
            if said and any(opened <= at for opened in self.invites.get((patient, chat), [])):
                continue
            self.flag(patient, "privacy", f"name of {patient} shown to {chat}", at)


def check(events: Sequence[Event], *, end: datetime) -> Report:
    """Judge a simulated run from its event log alone; ``end`` is when the simulation
    stopped (what was still due then is not counted as lost)."""
    return _Oracle(events, end).run()
