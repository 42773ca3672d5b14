"""Which reminders a dose needs, and the UTC instant of each.

Every reminder becomes a row in an outbox; this module only decides kinds and instants, so
the rules about lateness, staleness and clock changes can be tested without a bot or a clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from types import MappingProxyType

from bot.domain.adherence import MISSED_AFTER
from bot.domain.timing import local_date, local_instant


class Kind(StrEnum):
    """What a reminder is for; each one is sent at most once per dose (OVERDUE once a day)."""

    HEADS_UP = "heads_up"
    TAKE_OUT = "take_out"
    DOSE = "dose"
    FOLLOW_UP = "follow_up"
    EVENING = "evening"
    MISSED = "missed"
    OVERDUE = "overdue"
    SNOOZED = "snoozed"


PRIORITY: Mapping[Kind, int] = MappingProxyType(
    {
        Kind.DOSE: 0,
        Kind.OVERDUE: 0,
        Kind.SNOOZED: 0,
        Kind.MISSED: 1,
        Kind.HEADS_UP: 2,
        Kind.TAKE_OUT: 2,
        Kind.FOLLOW_UP: 2,
        Kind.EVENING: 2,
    }
)
"""Lower goes first when many are due at once: a dose reminder must not wait behind notes."""

BROADCAST_PRIORITY = 3
"""Broadcasts wait for every reminder and alert."""

TAKE_OUT_BEFORE = timedelta(minutes=30)
"""The pen should reach room temperature before the injection."""

FOLLOW_UP_AFTER = timedelta(hours=2)
EVENING_AT = time(20, 0)
EVENING_AFTER = FOLLOW_UP_AFTER + timedelta(hours=1)
"""The evening note only makes sense at least an hour after the follow-up."""

LATE_AFTER = timedelta(minutes=10)
"""Sent later than this after its time, a dose reminder says that it is late."""

HEADS_UP_KEPT_FOR = timedelta(hours=12)
FOLLOW_UP_KEPT_FOR = timedelta(hours=2)
EVENING_KEPT_FOR = timedelta(hours=3)
OVERDUE_KEPT_FOR = timedelta(hours=20)
"""Found unsent this long after its time (after downtime), a note is dropped; an overdue
reminder too, since the next day's one follows soon."""

_NOTES = frozenset({Kind.HEADS_UP, Kind.TAKE_OUT, Kind.FOLLOW_UP, Kind.EVENING})
_SAYS_LATE = frozenset({Kind.DOSE, Kind.SNOOZED, Kind.OVERDUE})
_CHAINS = frozenset({Kind.MISSED, Kind.OVERDUE})


@dataclass(frozen=True)
class Due:
    """One reminder to write to the outbox; ``due_at`` is aware UTC."""

    kind: Kind
    due_at: datetime


class Snooze(StrEnum):
    """The choices offered when the patient asks to be reminded again."""

    ONE_HOUR = "1h"
    THREE_HOURS = "3h"
    TOMORROW = "tomorrow"


def _require_aware(name: str, moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got {moment!r}")


def next_daily(at: time, zone: str, now: datetime) -> datetime:
    """The first local ``at`` strictly after ``now``, for the daily overdue reminder.

    Goes through local dates (not now + 24 h), so it keeps the wall time across DST.
    """
    _require_aware("now", now)
    day = local_date(now, zone)
    while True:
        candidate = local_instant(day, at, zone)
        if candidate > now:
            return candidate
        day += timedelta(days=1)


def overdue_reminder_at(at: time, zone: str, now: datetime) -> datetime:
    """When the first reminder of a dose already missed (its reminder time more than a day
    ago, never reminded) goes out: at the patient's reminder time today if that is still
    ahead, else now. Someone who joins (or resumes) at noon with 18:00 chosen is reminded at
    18:00, not by surprise at noon: the sign-up's plan has already said the dose is late.
    A dose still within its day after its reminder time goes at once, as before."""
    _require_aware("now", now)
    today_at = local_instant(local_date(now, zone), at, zone)
    return today_at if today_at > now else now


def reminders_for_dose(
    planned: date,
    at: time,
    zone: str,
    now: datetime,
    *,
    already_sent: frozenset[Kind] = frozenset(),
    reminded_at: datetime | None = None,
    nagged_at: datetime | None = None,
) -> list[Due]:
    """The reminders still to write for the patient's next untaken dose, by due time.

    Called at enrolment, after a confirmation, a settings change or a resume: whatever was
    delivered for this dose (``already_sent``) is never repeated. A dose reminder whose time
    passed unsent goes out at once (a dose already missed: at today's reminder time if still
    ahead, `overdue_reminder_at`) and the follow-up and missed alert count from then,
    so a long-overdue dose never causes a burst; notes whose time has already passed are
    dropped.
    MISSED is never earlier than ``now``. Once MISSED was sent only the next daily OVERDUE
    follows (OVERDUE repeats, so having sent one does not stop the next). ``reminded_at``: when
    the dose reminder actually went out; the follow-up and the missed alert count from then,
    so a reminder time changed later that day does not put off the missed alert.
    ``nagged_at``: when the missed alert or the latest overdue reminder went out; a day that
    has had neither still gets its overdue reminder, at once if its time has passed (a reminder
    time moved earlier, a resume), rather than none until tomorrow; a day that has had one gets
    no second (a reminder time moved later that day).
    """
    _require_aware("now", now)
    now = now.astimezone(UTC)
    if Kind.MISSED in already_sent:
        following = next_daily(at, zone, now)
        today = local_date(now, zone)
        if nagged_at is not None and local_date(nagged_at, zone) < today < local_date(
            following, zone
        ):
            return [Due(Kind.OVERDUE, now)]
        if nagged_at is not None and local_date(nagged_at, zone) >= local_date(following, zone):
            following = next_daily(at, zone, following)
        return [Due(Kind.OVERDUE, following)]

    reminder = local_instant(planned, at, zone)
    if Kind.DOSE in already_sent:
        effective = reminded_at or reminder
    elif reminder >= now:
        effective = reminder
    elif now - reminder < MISSED_AFTER:
        effective = now
    else:
        effective = overdue_reminder_at(at, zone, now)
    evening = local_instant(planned, EVENING_AT, zone)
    candidates = [
        Due(Kind.HEADS_UP, local_instant(planned - timedelta(days=1), at, zone)),
        Due(Kind.TAKE_OUT, reminder - TAKE_OUT_BEFORE),
        Due(Kind.DOSE, effective),
        Due(Kind.FOLLOW_UP, effective + FOLLOW_UP_AFTER),
        Due(Kind.MISSED, max(effective + MISSED_AFTER, now)),
    ]
    if evening >= effective + EVENING_AFTER:
        candidates.append(Due(Kind.EVENING, evening))
    kept = [
        due
        for due in candidates
        if due.kind not in already_sent and not (due.kind in _NOTES and due.due_at < now)
    ]
    return sorted(kept, key=lambda due: due.due_at)


def is_stale(
    kind: Kind,
    due_at: datetime,
    now: datetime,
    reminder_at: datetime,
    zone: str | None = None,
) -> bool:
    """Whether a reminder found unsent at ``now`` (after downtime) should be dropped.

    ``reminder_at`` is the dose's reminder instant. Notes lose their point once the moment
    they prepare for has passed; the dose reminder and the missed alert always matter. A daily
    overdue reminder belongs to its local day (``zone``): one delayed past midnight would make
    two on the next day, whose own follows.
    """
    _require_aware("due_at", due_at)
    _require_aware("now", now)
    _require_aware("reminder_at", reminder_at)
    match kind:
        case Kind.HEADS_UP:
            return now >= reminder_at - TAKE_OUT_BEFORE or now >= due_at + HEADS_UP_KEPT_FOR
        case Kind.TAKE_OUT:
            return now >= reminder_at
        case Kind.FOLLOW_UP:
            return now >= due_at + FOLLOW_UP_KEPT_FOR
        case Kind.EVENING:
            return now >= due_at + EVENING_KEPT_FOR
        case Kind.OVERDUE:
            next_day = zone is not None and local_date(now, zone) != local_date(due_at, zone)
            return next_day or now >= due_at + OVERDUE_KEPT_FOR
        case Kind.DOSE | Kind.MISSED | Kind.SNOOZED:
            return False


def after_the_reminder(
    kind: Kind,
    due_at: datetime,
    now: datetime,
    *,
    reminder_sent_at: datetime | None,
    reminder_pending: bool,
) -> datetime | None:
    """When a follow-up or evening note may go out: at ``due_at`` or later, never sooner than
    its usual gap after the dose reminder actually reached the patient; None: not at all.

    After downtime the late dose reminder and a "just checking" would otherwise arrive
    together. While the dose reminder is still to go (``reminder_pending``), the gap counts
    from ``now`` at the earliest; a note whose reminder never arrived is dropped. The evening
    note keeps its time or is dropped: moved, it would only repeat the follow-up. Other kinds
    keep ``due_at``.
    """
    _require_aware("due_at", due_at)
    _require_aware("now", now)
    if kind not in (Kind.FOLLOW_UP, Kind.EVENING):
        return due_at
    gap = FOLLOW_UP_AFTER if kind is Kind.FOLLOW_UP else EVENING_AFTER
    if reminder_sent_at is not None:
        earliest = reminder_sent_at + gap
    elif reminder_pending:
        earliest = now + gap
    else:
        return None
    if kind is Kind.EVENING:
        return due_at if due_at >= earliest else None
    return max(due_at, earliest)


def is_late(kind: Kind, due_at: datetime, now: datetime) -> bool:
    """Whether a dose reminder goes out so late that its message should say so."""
    _require_aware("due_at", due_at)
    _require_aware("now", now)
    return kind in _SAYS_LATE and now - due_at > LATE_AFTER


def snooze_until(choice: Snooze, now: datetime, zone: str, at: time) -> datetime:
    """When a snoozed reminder comes back; "tomorrow" is the patient's own reminder time `at`
    on the next local day (an earlier hour would be a surprise they did not choose)."""
    _require_aware("now", now)
    now = now.astimezone(UTC)
    match choice:
        case Snooze.ONE_HOUR:
            return now + timedelta(hours=1)
        case Snooze.THREE_HOURS:
            return now + timedelta(hours=3)
        case Snooze.TOMORROW:
            return local_instant(local_date(now, zone) + timedelta(days=1), at, zone)


MOVED_BY_SNOOZE = frozenset({Kind.FOLLOW_UP, Kind.MISSED, Kind.OVERDUE})
"""The dose's pending reminders that a snooze moves (the evening note is dropped: it would
only repeat the follow-up)."""


def after_snooze(
    until: datetime, pending: Mapping[Kind, datetime], at: time, zone: str
) -> list[Due]:
    """Where the dose's other pending reminders (`pending`: kind → due) go when its reminder
    is snoozed to `until`, so none of them comes before the snoozed reminder had its time.

    The missed alert keeps its time (24 h after the planned day's reminder) unless that falls
    within the follow-up gap after `until`: then it comes at the gap's end instead, after the
    snoozed reminder, never before it. A pending follow-up moves to its gap after `until`, and
    is dropped when the missed alert would come as soon (one message, not two). A daily
    overdue reminder due within the gap moves to the next day's reminder time.
    """
    _require_aware("until", until)
    gap_end = until.astimezone(UTC) + FOLLOW_UP_AFTER
    moved: list[Due] = []
    missed = pending.get(Kind.MISSED)
    if missed is not None:
        missed = max(missed, gap_end)
        moved.append(Due(Kind.MISSED, missed))
    if Kind.FOLLOW_UP in pending and (missed is None or gap_end < missed):
        moved.append(Due(Kind.FOLLOW_UP, gap_end))
    overdue = pending.get(Kind.OVERDUE)
    if overdue is not None:
        later = overdue if overdue >= gap_end else next_daily(at, zone, gap_end)
        moved.append(Due(Kind.OVERDUE, later))
    return sorted(moved, key=lambda due: due.due_at)


def keep_snooze(
    dues: list[Due], until: datetime, sent: bool, now: datetime, at: time, zone: str
) -> list[Due]:
    """A re-plan (a setting changed, a dose taken back) while the dose's snooze still counts
    (`until` plus the follow-up gap is ahead): the snoozed reminder comes back at `until` if
    it has not gone out yet, and the notes after it keep their gap (`after_snooze`), instead
    of a plan as if it had never been snoozed (a missed alert at once, say)."""
    _require_aware("until", until)
    _require_aware("now", now)
    if until.astimezone(UTC) + FOLLOW_UP_AFTER <= now:
        return dues
    moved = after_snooze(
        until, {due.kind: due.due_at for due in dues if due.kind in MOVED_BY_SNOOZE}, at, zone
    )
    kept = [due for due in dues if due.kind not in MOVED_BY_SNOOZE and due.kind is not Kind.EVENING]
    again = [] if sent else [Due(Kind.SNOOZED, max(until.astimezone(UTC), now))]
    return sorted([*kept, *moved, *again], key=lambda due: due.due_at)


def chains_after(kind: Kind) -> bool:
    """Whether sending (or dropping as stale) this kind writes the next OVERDUE reminder."""
    return kind in _CHAINS
