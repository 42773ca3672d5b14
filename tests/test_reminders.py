from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.adherence import MISSED_AFTER as ADHERENCE_MISSED_AFTER
from bot.domain.reminders import (
    BROADCAST_PRIORITY,
    EVENING_AT,
    FOLLOW_UP_AFTER,
    LATE_AFTER,
    MISSED_AFTER,
    PRIORITY,
    TAKE_OUT_BEFORE,
    Due,
    Kind,
    Snooze,
    after_snooze,
    after_the_reminder,
    chains_after,
    is_late,
    is_stale,
    next_daily,
    overdue_reminder_at,
    reminders_for_dose,
    snooze_until,
)
from bot.domain.timing import local_instant
from tests.support.dst import change_days

SECOND = timedelta(seconds=1)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def by_kind(dues: list[Due]) -> dict[Kind, datetime]:
    return {due.kind: due.due_at for due in dues}


def local(instant: datetime, zone: str) -> datetime:
    return instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


# --- constants ---------------------------------------------------------------------------


def test_constants() -> None:
    assert timedelta(minutes=30) == TAKE_OUT_BEFORE
    assert timedelta(hours=2) == FOLLOW_UP_AFTER
    assert time(20, 0) == EVENING_AT
    assert timedelta(hours=24) == MISSED_AFTER
    assert MISSED_AFTER is ADHERENCE_MISSED_AFTER
    assert timedelta(minutes=10) == LATE_AFTER


def test_priorities() -> None:
    assert set(PRIORITY) == set(Kind)
    assert {kind for kind, rank in PRIORITY.items() if rank == 0} == {
        Kind.DOSE,
        Kind.OVERDUE,
        Kind.SNOOZED,
    }
    assert PRIORITY[Kind.MISSED] == 1
    for kind in (Kind.HEADS_UP, Kind.TAKE_OUT, Kind.FOLLOW_UP, Kind.EVENING):
        assert PRIORITY[kind] == 2
    assert BROADCAST_PRIORITY == 3
    assert max(PRIORITY.values()) < BROADCAST_PRIORITY
    with pytest.raises(TypeError):
        PRIORITY[Kind.DOSE] = 5  # type: ignore[index]


def test_kind_and_snooze_values() -> None:
    assert [kind.value for kind in Kind] == [
        "heads_up",
        "take_out",
        "dose",
        "follow_up",
        "evening",
        "missed",
        "overdue",
        "snoozed",
    ]
    assert [choice.value for choice in Snooze] == ["1h", "3h", "tomorrow"]


def test_chains_after() -> None:
    assert {kind for kind in Kind if chains_after(kind)} == {Kind.MISSED, Kind.OVERDUE}


def test_due_is_frozen() -> None:
    due = Due(Kind.DOSE, utc(2026, 1, 15, 8))
    with pytest.raises(AttributeError):
        due.kind = Kind.MISSED  # type: ignore[misc]


# --- reminders_for_dose: each kind at its instant ---------------------------------------


@pytest.mark.parametrize(
    ("zone", "planned", "at", "expected"),
    [
        (
            "Europe/Berlin",
            date(2026, 1, 15),
            time(9),
            {
                Kind.HEADS_UP: utc(2026, 1, 14, 8),
                Kind.TAKE_OUT: utc(2026, 1, 15, 7, 30),
                Kind.DOSE: utc(2026, 1, 15, 8),
                Kind.FOLLOW_UP: utc(2026, 1, 15, 10),
                Kind.EVENING: utc(2026, 1, 15, 19),
                Kind.MISSED: utc(2026, 1, 16, 8),
            },
        ),
        # Spring forward on the dose day: the heads-up is still 08:00 CET, the rest CEST.
        (
            "Europe/Berlin",
            date(2026, 3, 29),
            time(8),
            {
                Kind.HEADS_UP: utc(2026, 3, 28, 7),
                Kind.TAKE_OUT: utc(2026, 3, 29, 5, 30),
                Kind.DOSE: utc(2026, 3, 29, 6),
                Kind.FOLLOW_UP: utc(2026, 3, 29, 8),
                Kind.EVENING: utc(2026, 3, 29, 18),
                Kind.MISSED: utc(2026, 3, 30, 6),
            },
        ),
        # The day after spring forward: the heads-up falls on the change day, 08:00 CEST.
        (
            "Europe/Berlin",
            date(2026, 3, 30),
            time(8),
            {
                Kind.HEADS_UP: utc(2026, 3, 29, 6),
                Kind.TAKE_OUT: utc(2026, 3, 30, 5, 30),
                Kind.DOSE: utc(2026, 3, 30, 6),
                Kind.FOLLOW_UP: utc(2026, 3, 30, 8),
                Kind.EVENING: utc(2026, 3, 30, 18),
                Kind.MISSED: utc(2026, 3, 31, 6),
            },
        ),
        # Fall back on the dose day: heads-up in CEST, the dose in CET.
        (
            "Europe/Berlin",
            date(2026, 10, 25),
            time(8),
            {
                Kind.HEADS_UP: utc(2026, 10, 24, 6),
                Kind.TAKE_OUT: utc(2026, 10, 25, 6, 30),
                Kind.DOSE: utc(2026, 10, 25, 7),
                Kind.FOLLOW_UP: utc(2026, 10, 25, 9),
                Kind.EVENING: utc(2026, 10, 25, 19),
                Kind.MISSED: utc(2026, 10, 26, 7),
            },
        ),
        (
            "Europe/Berlin",
            date(2026, 10, 26),
            time(8),
            {
                Kind.HEADS_UP: utc(2026, 10, 25, 7),
                Kind.TAKE_OUT: utc(2026, 10, 26, 6, 30),
                Kind.DOSE: utc(2026, 10, 26, 7),
                Kind.FOLLOW_UP: utc(2026, 10, 26, 9),
                Kind.EVENING: utc(2026, 10, 26, 19),
                Kind.MISSED: utc(2026, 10, 27, 7),
            },
        ),
        (
            "America/New_York",
            date(2026, 3, 8),
            time(9),
            {
                Kind.HEADS_UP: utc(2026, 3, 7, 14),
                Kind.TAKE_OUT: utc(2026, 3, 8, 12, 30),
                Kind.DOSE: utc(2026, 3, 8, 13),
                Kind.FOLLOW_UP: utc(2026, 3, 8, 15),
                Kind.EVENING: utc(2026, 3, 9, 0),
                Kind.MISSED: utc(2026, 3, 9, 13),
            },
        ),
        (
            "America/New_York",
            date(2026, 3, 9),
            time(9),
            {
                Kind.HEADS_UP: utc(2026, 3, 8, 13),
                Kind.TAKE_OUT: utc(2026, 3, 9, 12, 30),
                Kind.DOSE: utc(2026, 3, 9, 13),
                Kind.FOLLOW_UP: utc(2026, 3, 9, 15),
                Kind.EVENING: utc(2026, 3, 10, 0),
                Kind.MISSED: utc(2026, 3, 10, 13),
            },
        ),
        (
            "America/New_York",
            date(2026, 11, 1),
            time(9),
            {
                Kind.HEADS_UP: utc(2026, 10, 31, 13),
                Kind.TAKE_OUT: utc(2026, 11, 1, 13, 30),
                Kind.DOSE: utc(2026, 11, 1, 14),
                Kind.FOLLOW_UP: utc(2026, 11, 1, 16),
                Kind.EVENING: utc(2026, 11, 2, 1),
                Kind.MISSED: utc(2026, 11, 2, 14),
            },
        ),
        # Lord Howe moves by 30 minutes: +10:30 -> +11 on 4 October.
        (
            "Australia/Lord_Howe",
            date(2026, 10, 4),
            time(8),
            {
                Kind.HEADS_UP: utc(2026, 10, 2, 21, 30),
                Kind.TAKE_OUT: utc(2026, 10, 3, 20, 30),
                Kind.DOSE: utc(2026, 10, 3, 21),
                Kind.FOLLOW_UP: utc(2026, 10, 3, 23),
                Kind.EVENING: utc(2026, 10, 4, 9),
                Kind.MISSED: utc(2026, 10, 4, 21),
            },
        ),
        (
            "Australia/Lord_Howe",
            date(2026, 10, 5),
            time(8),
            {
                Kind.HEADS_UP: utc(2026, 10, 3, 21),
                Kind.TAKE_OUT: utc(2026, 10, 4, 20, 30),
                Kind.DOSE: utc(2026, 10, 4, 21),
                Kind.FOLLOW_UP: utc(2026, 10, 4, 23),
                Kind.EVENING: utc(2026, 10, 5, 9),
                Kind.MISSED: utc(2026, 10, 5, 21),
            },
        ),
        # ... and +11 -> +10:30 on 5 April.
        (
            "Australia/Lord_Howe",
            date(2026, 4, 5),
            time(8),
            {
                Kind.HEADS_UP: utc(2026, 4, 3, 21),
                Kind.TAKE_OUT: utc(2026, 4, 4, 21),
                Kind.DOSE: utc(2026, 4, 4, 21, 30),
                Kind.FOLLOW_UP: utc(2026, 4, 4, 23, 30),
                Kind.EVENING: utc(2026, 4, 5, 9, 30),
                Kind.MISSED: utc(2026, 4, 5, 21, 30),
            },
        ),
    ],
)
def test_each_kind_at_its_instant(
    zone: str, planned: date, at: time, expected: dict[Kind, datetime]
) -> None:
    now = local_instant(planned, at, zone) - timedelta(days=3)
    dues = reminders_for_dose(planned, at, zone, now)
    assert by_kind(dues) == expected
    assert [due.kind for due in dues] == list(expected)
    assert all(due.due_at.tzinfo is UTC for due in dues)
    reminders = by_kind(dues)
    heads_up = local(reminders[Kind.HEADS_UP], zone)
    assert (heads_up.date(), heads_up.time()) == (planned - timedelta(days=1), at)
    dose = local(reminders[Kind.DOSE], zone)
    assert (dose.date(), dose.time()) == (planned, at)
    evening = local(reminders[Kind.EVENING], zone)
    assert (evening.date(), evening.time()) == (planned, EVENING_AT)


@pytest.mark.parametrize(
    ("zone", "planned", "at", "take_out", "dose", "dose_local"),
    [
        # 02:30 does not exist in Berlin on 29 March: the reminder is 03:30 CEST.
        (
            "Europe/Berlin",
            date(2026, 3, 29),
            time(2, 30),
            utc(2026, 3, 29, 1),
            utc(2026, 3, 29, 1, 30),
            time(3, 30),
        ),
        (
            "America/New_York",
            date(2026, 3, 8),
            time(2, 30),
            utc(2026, 3, 8, 7),
            utc(2026, 3, 8, 7, 30),
            time(3, 30),
        ),
        # 02:15 does not exist on Lord Howe on 4 October: 02:45 (+11); take-out is 01:45 (+10:30).
        (
            "Australia/Lord_Howe",
            date(2026, 10, 4),
            time(2, 15),
            utc(2026, 10, 3, 15, 15),
            utc(2026, 10, 3, 15, 45),
            time(2, 45),
        ),
    ],
)
def test_take_out_before_a_reminder_in_the_spring_forward_gap(
    zone: str, planned: date, at: time, take_out: datetime, dose: datetime, dose_local: time
) -> None:
    now = utc(2026, 1, 1)
    reminders = by_kind(reminders_for_dose(planned, at, zone, now))
    assert reminders[Kind.TAKE_OUT] == take_out
    assert reminders[Kind.DOSE] == dose
    assert reminders[Kind.DOSE] - reminders[Kind.TAKE_OUT] == TAKE_OUT_BEFORE
    assert local(reminders[Kind.DOSE], zone).time() == dose_local
    heads_up = local(reminders[Kind.HEADS_UP], zone)
    assert (heads_up.date(), heads_up.time()) == (planned - timedelta(days=1), at)


@pytest.mark.parametrize(
    ("at", "has_evening"),
    [
        (time(8), True),
        (time(16, 59), True),
        (time(17), True),
        (time(17, 1), False),
        (time(18), False),
        (time(21), False),
    ],
)
@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe"])
def test_evening_only_an_hour_after_the_follow_up(zone: str, at: time, has_evening: bool) -> None:
    planned = date(2026, 6, 10)
    dues = reminders_for_dose(planned, at, zone, utc(2026, 6, 1))
    assert (Kind.EVENING in by_kind(dues)) is has_evening
    assert Kind.FOLLOW_UP in by_kind(dues)


def test_evening_absent_for_an_1800_reminder_on_a_change_day() -> None:
    dues = reminders_for_dose(date(2026, 3, 29), time(18), "Europe/Berlin", utc(2026, 3, 1))
    assert [due.kind for due in dues] == [
        Kind.HEADS_UP,
        Kind.TAKE_OUT,
        Kind.DOSE,
        Kind.FOLLOW_UP,
        Kind.MISSED,
    ]


def test_same_local_plan_in_two_zones_gives_different_instants() -> None:
    planned, at, now = date(2026, 6, 10), time(9), utc(2026, 6, 1)
    berlin = by_kind(reminders_for_dose(planned, at, "Europe/Berlin", now))
    new_york = by_kind(reminders_for_dose(planned, at, "America/New_York", now))
    assert berlin[Kind.DOSE] == utc(2026, 6, 10, 7)
    assert new_york[Kind.DOSE] == utc(2026, 6, 10, 13)
    for kind in berlin:
        assert new_york[kind] - berlin[kind] == timedelta(hours=6)


def test_zone_change_after_the_heads_up_keeps_it_unrepeated() -> None:
    planned, at = date(2026, 6, 10), time(9)
    now = utc(2026, 6, 9, 12)
    dues = reminders_for_dose(
        planned, at, "America/New_York", now, already_sent=frozenset({Kind.HEADS_UP})
    )
    assert by_kind(dues) == {
        Kind.TAKE_OUT: utc(2026, 6, 10, 12, 30),
        Kind.DOSE: utc(2026, 6, 10, 13),
        Kind.FOLLOW_UP: utc(2026, 6, 10, 15),
        Kind.EVENING: utc(2026, 6, 11, 0),
        Kind.MISSED: utc(2026, 6, 11, 13),
    }


@pytest.mark.parametrize(
    "sent",
    [
        frozenset({Kind.HEADS_UP}),
        frozenset({Kind.HEADS_UP, Kind.TAKE_OUT}),
        frozenset({Kind.EVENING}),
        frozenset({Kind.FOLLOW_UP, Kind.EVENING}),
        frozenset({Kind.HEADS_UP, Kind.TAKE_OUT, Kind.DOSE}),
        frozenset({Kind.HEADS_UP, Kind.TAKE_OUT, Kind.DOSE, Kind.FOLLOW_UP, Kind.EVENING}),
        frozenset({Kind.SNOOZED}),
    ],
)
def test_already_sent_kinds_are_not_returned(sent: frozenset[Kind]) -> None:
    planned, at, zone = date(2026, 6, 10), time(9), "Europe/Berlin"
    now = utc(2026, 6, 1)
    everything = by_kind(reminders_for_dose(planned, at, zone, now))
    dues = by_kind(reminders_for_dose(planned, at, zone, now, already_sent=sent))
    assert dues == {kind: at_ for kind, at_ in everything.items() if kind not in sent}


def test_a_future_dose_after_a_settings_change_keeps_its_reminder_time() -> None:
    sent = frozenset({Kind.HEADS_UP, Kind.TAKE_OUT, Kind.DOSE})
    now = utc(2026, 6, 10, 6)
    dues = reminders_for_dose(date(2026, 6, 10), time(11), "Europe/Berlin", now, already_sent=sent)
    assert by_kind(dues) == {
        Kind.FOLLOW_UP: utc(2026, 6, 10, 11),
        Kind.EVENING: utc(2026, 6, 10, 18),
        Kind.MISSED: utc(2026, 6, 11, 9),
    }


# --- reminders_for_dose: late generation -------------------------------------------------


def test_reminder_time_already_past_sends_the_dose_reminder_at_once() -> None:
    now = datetime(2026, 1, 15, 10, 17, 23, tzinfo=UTC)
    dues = reminders_for_dose(date(2026, 1, 15), time(9), "Europe/Berlin", now)
    assert dues == [
        Due(Kind.DOSE, now),
        Due(Kind.FOLLOW_UP, now + timedelta(hours=2)),
        Due(Kind.EVENING, utc(2026, 1, 15, 19)),
        Due(Kind.MISSED, now + timedelta(hours=24)),
    ]


def test_reminder_time_past_late_in_the_day_drops_the_evening_note() -> None:
    now = utc(2026, 1, 15, 17, 30)
    dues = reminders_for_dose(date(2026, 1, 15), time(9), "Europe/Berlin", now)
    assert dues == [
        Due(Kind.DOSE, now),
        Due(Kind.FOLLOW_UP, now + timedelta(hours=2)),
        Due(Kind.MISSED, now + timedelta(hours=24)),
    ]


def test_enrolling_with_a_dose_overdue_for_days_gives_no_burst() -> None:
    now = utc(2026, 1, 15, 15, 17)  # 10:17 in New York, after the 09:00 reminder time
    dues = reminders_for_dose(date(2026, 1, 5), time(9), "America/New_York", now)
    assert dues == [
        Due(Kind.DOSE, now),
        Due(Kind.FOLLOW_UP, now + timedelta(hours=2)),
        Due(Kind.MISSED, now + timedelta(hours=24)),
    ]


def test_a_dose_overdue_for_days_waits_for_the_chosen_time_today() -> None:
    """The tester joined at 12:00 with 18:00 chosen and dose 11 five days late: reminded at
    18:00, not by surprise at 12:00."""
    now = utc(2026, 3, 7, 11)  # 12:00 in Berlin
    dues = reminders_for_dose(date(2026, 3, 2), time(18), "Europe/Berlin", now)
    six = utc(2026, 3, 7, 17)
    assert dues == [
        Due(Kind.DOSE, six),
        Due(Kind.FOLLOW_UP, six + timedelta(hours=2)),
        Due(Kind.MISSED, six + timedelta(hours=24)),
    ]


def test_a_dose_late_by_hours_is_still_reminded_at_once() -> None:
    now = utc(2026, 3, 2, 23, 30)  # 00:30 on the 3rd in Berlin, the 2nd's 23:00 just gone
    dues = by_kind(reminders_for_dose(date(2026, 3, 2), time(23), "Europe/Berlin", now))
    assert dues[Kind.DOSE] == now


def test_reminder_exactly_now_is_on_time() -> None:
    now = utc(2026, 1, 15, 8)
    dues = by_kind(reminders_for_dose(date(2026, 1, 15), time(9), "Europe/Berlin", now))
    assert dues[Kind.DOSE] == now
    assert Kind.TAKE_OUT not in dues
    assert dues[Kind.MISSED] == utc(2026, 1, 16, 8)


def test_non_utc_now_gives_utc_instants() -> None:
    now = datetime(2026, 1, 15, 11, 17, tzinfo=ZoneInfo("Europe/Berlin"))
    dues = reminders_for_dose(date(2026, 1, 15), time(9), "Europe/Berlin", now)
    assert dues[0] == Due(Kind.DOSE, utc(2026, 1, 15, 10, 17))
    assert all(due.due_at.tzinfo is UTC for due in dues)


def test_dose_sent_counts_from_the_reminder_and_drops_past_notes() -> None:
    sent = frozenset({Kind.HEADS_UP, Kind.TAKE_OUT, Kind.DOSE})
    planned, at, zone = date(2026, 1, 15), time(9), "Europe/Berlin"
    one_hour_on = reminders_for_dose(planned, at, zone, utc(2026, 1, 15, 9), already_sent=sent)
    assert one_hour_on == [
        Due(Kind.FOLLOW_UP, utc(2026, 1, 15, 10)),
        Due(Kind.EVENING, utc(2026, 1, 15, 19)),
        Due(Kind.MISSED, utc(2026, 1, 16, 8)),
    ]
    three_hours_on = reminders_for_dose(planned, at, zone, utc(2026, 1, 15, 11), already_sent=sent)
    assert three_hours_on == [
        Due(Kind.EVENING, utc(2026, 1, 15, 19)),
        Due(Kind.MISSED, utc(2026, 1, 16, 8)),
    ]


def test_missed_time_past_with_the_dose_sent_goes_out_at_once() -> None:
    sent = frozenset({Kind.DOSE, Kind.FOLLOW_UP})
    now = utc(2026, 1, 20, 12)
    dues = reminders_for_dose(date(2026, 1, 15), time(9), "Europe/Berlin", now, already_sent=sent)
    assert dues == [Due(Kind.MISSED, now)]


# --- reminders_for_dose: after the missed alert -----------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (utc(2026, 1, 20, 7, 59), utc(2026, 1, 20, 8)),
        (utc(2026, 1, 20, 8), utc(2026, 1, 21, 8)),
        (utc(2026, 1, 20, 8, 1), utc(2026, 1, 21, 8)),
        (utc(2026, 1, 20, 23, 30), utc(2026, 1, 21, 8)),
    ],
)
def test_missed_sent_gives_only_the_next_overdue(now: datetime, expected: datetime) -> None:
    for sent in (
        frozenset({Kind.MISSED}),
        frozenset({Kind.DOSE, Kind.FOLLOW_UP, Kind.MISSED}),
        frozenset({Kind.DOSE, Kind.MISSED, Kind.OVERDUE}),
    ):
        dues = reminders_for_dose(
            date(2026, 1, 15), time(9), "Europe/Berlin", now, already_sent=sent
        )
        assert dues == [Due(Kind.OVERDUE, expected)]


def test_missed_sent_overdue_follows_the_new_zone() -> None:
    now = utc(2026, 1, 20, 12)
    sent = frozenset({Kind.MISSED})
    dues = reminders_for_dose(
        date(2026, 1, 15), time(9), "America/New_York", now, already_sent=sent
    )
    assert dues == [Due(Kind.OVERDUE, utc(2026, 1, 20, 14))]


def test_reminders_refuse_naive_now() -> None:
    with pytest.raises(ValueError):
        reminders_for_dose(date(2026, 1, 15), time(9), "Europe/Berlin", datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        reminders_for_dose(
            date(2026, 1, 15),
            time(9),
            "Europe/Berlin",
            datetime(2026, 1, 1),
            already_sent=frozenset({Kind.MISSED}),
        )


# --- next_daily ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "at", "now", "expected"),
    [
        # Berlin 08:00 the day before spring forward has passed: the next is 08:00 CEST.
        ("Europe/Berlin", time(8), utc(2026, 3, 28, 7, 30), utc(2026, 3, 29, 6)),
        ("Europe/Berlin", time(8), utc(2026, 3, 29, 5, 59), utc(2026, 3, 29, 6)),
        ("Europe/Berlin", time(8), utc(2026, 3, 29, 6), utc(2026, 3, 30, 6)),
        # Exactly at the time is not strictly after: tomorrow, now in CET.
        ("Europe/Berlin", time(8), utc(2026, 10, 24, 6), utc(2026, 10, 25, 7)),
        # 02:30 on the fall-back day means the first one; during the second, it is tomorrow.
        ("Europe/Berlin", time(2, 30), utc(2026, 10, 25, 0, 45), utc(2026, 10, 26, 1, 30)),
        ("Europe/Berlin", time(2, 30), utc(2026, 10, 25, 0, 15), utc(2026, 10, 25, 0, 30)),
        # A time in the spring-forward gap comes just after the gap.
        ("America/New_York", time(2, 30), utc(2026, 3, 8, 5), utc(2026, 3, 8, 7, 30)),
        ("America/New_York", time(9), utc(2026, 10, 31, 14), utc(2026, 11, 1, 14)),
        ("Australia/Lord_Howe", time(8), utc(2026, 10, 3, 20), utc(2026, 10, 3, 21)),
        ("Australia/Lord_Howe", time(8), utc(2026, 10, 3, 22), utc(2026, 10, 4, 21)),
        ("Australia/Lord_Howe", time(8), utc(2026, 4, 4, 20), utc(2026, 4, 4, 21, 30)),
    ],
)
def test_next_daily(zone: str, at: time, now: datetime, expected: datetime) -> None:
    result = next_daily(at, zone, now)
    assert result == expected
    assert result.tzinfo is UTC
    assert result > now


def test_next_daily_refuses_naive_now() -> None:
    with pytest.raises(ValueError):
        next_daily(time(8), "Europe/Berlin", datetime(2026, 1, 1))


# --- is_stale and is_late -----------------------------------------------------------------

REMINDER = utc(2026, 1, 15, 8)


@pytest.mark.parametrize(
    ("kind", "due_at", "threshold"),
    [
        # The heads-up is normally dropped 12 h after its time...
        (Kind.HEADS_UP, REMINDER - timedelta(hours=24), REMINDER - timedelta(hours=12)),
        # ... but always 30 minutes before the reminder.
        (Kind.HEADS_UP, REMINDER - timedelta(hours=6), REMINDER - TAKE_OUT_BEFORE),
        (Kind.TAKE_OUT, REMINDER - TAKE_OUT_BEFORE, REMINDER),
        (Kind.FOLLOW_UP, REMINDER + timedelta(hours=2), REMINDER + timedelta(hours=4)),
        (Kind.EVENING, utc(2026, 1, 15, 19), utc(2026, 1, 15, 22)),
        (Kind.OVERDUE, utc(2026, 1, 18, 8), utc(2026, 1, 19, 4)),
    ],
)
def test_is_stale_boundaries(kind: Kind, due_at: datetime, threshold: datetime) -> None:
    assert not is_stale(kind, due_at, due_at, REMINDER)
    assert not is_stale(kind, due_at, threshold - SECOND, REMINDER)
    assert is_stale(kind, due_at, threshold, REMINDER)
    assert is_stale(kind, due_at, threshold + timedelta(days=3), REMINDER)


@pytest.mark.parametrize("kind", [Kind.DOSE, Kind.MISSED, Kind.SNOOZED])
def test_dose_missed_and_snoozed_are_never_stale(kind: Kind) -> None:
    for late in (timedelta(0), timedelta(hours=20), timedelta(days=365)):
        assert not is_stale(kind, REMINDER, REMINDER + late, REMINDER)


@pytest.mark.parametrize("kind", [Kind.DOSE, Kind.SNOOZED, Kind.OVERDUE])
def test_is_late_boundaries(kind: Kind) -> None:
    due_at = REMINDER
    assert not is_late(kind, due_at, due_at)
    assert not is_late(kind, due_at, due_at + LATE_AFTER - SECOND)
    assert not is_late(kind, due_at, due_at + LATE_AFTER)
    assert is_late(kind, due_at, due_at + LATE_AFTER + SECOND)
    assert is_late(kind, due_at, due_at + timedelta(days=2))


@pytest.mark.parametrize(
    "kind", [Kind.HEADS_UP, Kind.TAKE_OUT, Kind.FOLLOW_UP, Kind.EVENING, Kind.MISSED]
)
def test_notes_and_missed_never_say_late(kind: Kind) -> None:
    assert not is_late(kind, REMINDER, REMINDER + timedelta(days=2))


def test_stale_and_late_refuse_naive_datetimes() -> None:
    naive = datetime(2026, 1, 15, 8)
    with pytest.raises(ValueError):
        is_stale(Kind.DOSE, naive, REMINDER, REMINDER)
    with pytest.raises(ValueError):
        is_stale(Kind.DOSE, REMINDER, naive, REMINDER)
    with pytest.raises(ValueError):
        is_stale(Kind.DOSE, REMINDER, REMINDER, naive)
    with pytest.raises(ValueError):
        is_late(Kind.DOSE, naive, REMINDER)
    with pytest.raises(ValueError):
        is_late(Kind.DOSE, REMINDER, naive)


# --- snooze_until ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choice", "now", "zone", "expected"),
    [
        # 23:30 in Berlin: an hour later is past midnight, real hours.
        (Snooze.ONE_HOUR, utc(2026, 1, 15, 22, 30), "Europe/Berlin", utc(2026, 1, 15, 23, 30)),
        (Snooze.THREE_HOURS, utc(2026, 1, 15, 22, 30), "Europe/Berlin", utc(2026, 1, 16, 1, 30)),
        (Snooze.TOMORROW, utc(2026, 1, 15, 22, 30), "Europe/Berlin", utc(2026, 1, 16, 7)),
        # 00:30 on 16 January local: tomorrow is 17 January.
        (Snooze.TOMORROW, utc(2026, 1, 15, 23, 30), "Europe/Berlin", utc(2026, 1, 17, 7)),
        # Across spring forward: real hours for 1 h / 3 h, 08:00 CEST for tomorrow.
        (Snooze.THREE_HOURS, utc(2026, 3, 29, 0, 30), "Europe/Berlin", utc(2026, 3, 29, 3, 30)),
        (Snooze.TOMORROW, utc(2026, 3, 28, 21), "Europe/Berlin", utc(2026, 3, 29, 6)),
        (Snooze.TOMORROW, utc(2026, 10, 24, 21), "Europe/Berlin", utc(2026, 10, 25, 7)),
        (Snooze.TOMORROW, utc(2026, 3, 8, 3), "America/New_York", utc(2026, 3, 8, 12)),
        (Snooze.TOMORROW, utc(2026, 10, 3, 12), "Australia/Lord_Howe", utc(2026, 10, 3, 21)),
        (Snooze.ONE_HOUR, utc(2026, 10, 3, 15), "Australia/Lord_Howe", utc(2026, 10, 3, 16)),
    ],
)
def test_snooze_until(choice: Snooze, now: datetime, zone: str, expected: datetime) -> None:
    result = snooze_until(choice, now, zone, time(8, 0))
    assert result == expected
    assert result.tzinfo is UTC


def test_snooze_tomorrow_is_the_patients_own_time_on_the_next_local_day() -> None:
    """The tester's reminder time was 09:00: "tomorrow" is 09:00, not an hour earlier."""
    now = datetime(2026, 3, 28, 23, 59, tzinfo=ZoneInfo("Europe/Berlin"))
    result = snooze_until(Snooze.TOMORROW, now, "Europe/Berlin", time(9, 0))
    assert local(result, "Europe/Berlin") == datetime(2026, 3, 29, 9)


def test_snooze_refuses_naive_now() -> None:
    with pytest.raises(ValueError):
        snooze_until(Snooze.ONE_HOUR, datetime(2026, 1, 1), "Europe/Berlin", time(9, 0))


# --- after_snooze ---------------------------------------------------------------------------

NINE = time(9, 0)
BERLIN = "Europe/Berlin"  # reminders at 09:00: 08:00 UTC in March


def test_snoozed_until_tomorrow_the_missed_alert_comes_after_the_snoozed_reminder() -> None:
    """The tester's case: "Tomorrow" at 09:05 on the dose day. The missed point (24 h after
    the day's reminder) is the snoozed reminder's own time, so the alert waits its gap."""
    until = utc(2026, 3, 3, 8)
    missed = utc(2026, 3, 3, 8)
    moved = by_kind(
        after_snooze(
            until, {Kind.MISSED: missed, Kind.FOLLOW_UP: utc(2026, 3, 2, 10)}, NINE, BERLIN
        )
    )
    assert moved == {Kind.MISSED: until + FOLLOW_UP_AFTER}, "the follow-up is the missed alert"


def test_a_short_snooze_keeps_the_missed_time_and_moves_the_follow_up() -> None:
    until = utc(2026, 3, 2, 9, 5)
    missed = utc(2026, 3, 3, 8)
    moved = by_kind(
        after_snooze(
            until, {Kind.MISSED: missed, Kind.FOLLOW_UP: utc(2026, 3, 2, 10)}, NINE, BERLIN
        )
    )
    assert moved == {Kind.MISSED: missed, Kind.FOLLOW_UP: until + FOLLOW_UP_AFTER}


def test_no_follow_up_is_invented_and_an_overdue_one_moves_a_day() -> None:
    """After the missed alert, the daily overdue reminder would come with the snoozed one."""
    until = utc(2026, 3, 5, 8)  # "tomorrow" from an overdue reminder on the 4th
    moved = by_kind(after_snooze(until, {Kind.OVERDUE: utc(2026, 3, 5, 8)}, NINE, BERLIN))
    assert moved == {Kind.OVERDUE: utc(2026, 3, 6, 8)}
    later = utc(2026, 3, 5, 8)
    assert by_kind(after_snooze(utc(2026, 3, 4, 9), {Kind.OVERDUE: later}, NINE, BERLIN)) == {
        Kind.OVERDUE: later
    }


@given(
    minutes=st.integers(min_value=0, max_value=3 * 24 * 60),
    missed_after=st.integers(min_value=0, max_value=3 * 24 * 60),
)
def test_nothing_moved_comes_before_the_snoozed_reminder(minutes: int, missed_after: int) -> None:
    start = utc(2026, 3, 2, 8)
    until = start + timedelta(minutes=minutes)
    pending = {
        Kind.MISSED: start + timedelta(minutes=missed_after),
        Kind.FOLLOW_UP: start,
        Kind.OVERDUE: start + timedelta(minutes=missed_after),
    }
    moved = after_snooze(until, pending, NINE, BERLIN)
    assert all(due.due_at >= until + FOLLOW_UP_AFTER for due in moved)
    assert len({due.due_at for due in moved if due.kind is not Kind.OVERDUE}) == len(
        [due for due in moved if due.kind is not Kind.OVERDUE]
    )


# --- properties -----------------------------------------------------------------------------

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Pacific/Chatham",
    "Asia/Kolkata",
]


@st.composite
def situations(draw: st.DrawFn) -> tuple[date, time, str, datetime, frozenset[Kind]]:
    zone = draw(st.sampled_from(ZONES))
    any_day = st.dates(date(2025, 1, 2), date(2027, 12, 31))
    changes = change_days(zone)
    planned = draw(st.one_of(any_day, st.sampled_from(changes)) if changes else any_day)
    at = draw(st.one_of(st.times(), st.times().map(lambda t: t.replace(second=0, microsecond=0))))
    reminder = local_instant(planned, at, zone)
    offset = draw(
        st.one_of(
            st.timedeltas(timedelta(days=-3), timedelta(days=15)),
            st.integers(-4 * 60, 30 * 60).map(lambda m: timedelta(minutes=m)),
        )
    )
    sent = draw(st.frozensets(st.sampled_from(list(Kind))))
    return planned, at, zone, reminder + offset, sent


@settings(max_examples=500, deadline=None)
@given(situations())
def test_reminders_for_dose_properties(
    drawn: tuple[date, time, str, datetime, frozenset[Kind]],
) -> None:
    planned, at, zone, now, sent = drawn
    dues = reminders_for_dose(planned, at, zone, now, already_sent=sent)
    kinds = [due.kind for due in dues]
    instants = [due.due_at for due in dues]
    assert len(set(kinds)) == len(kinds)
    assert all(earlier < later for earlier, later in pairwise(instants))
    assert all(instant.tzinfo is UTC for instant in instants)
    assert all(instant >= now for instant in instants)
    assert Kind.SNOOZED not in kinds
    if Kind.MISSED in sent:
        assert kinds == [Kind.OVERDUE]
        assert instants[0] - now <= timedelta(hours=26)
        return
    assert not set(kinds) & sent
    assert Kind.OVERDUE not in kinds
    assert Kind.MISSED in kinds
    found = by_kind(dues)
    reminder = local_instant(planned, at, zone)
    if Kind.DOSE in found:
        if now - reminder >= MISSED_AFTER:  # already missed: today's reminder time, or now
            assert found[Kind.DOSE] == overdue_reminder_at(at, zone, now)
            assert found[Kind.DOSE] - now < timedelta(hours=25)
        else:
            assert found[Kind.DOSE] == max(reminder, now)
        assert found[Kind.MISSED] - found[Kind.DOSE] == MISSED_AFTER
    else:
        assert found[Kind.MISSED] == max(reminder + MISSED_AFTER, now)
    if Kind.FOLLOW_UP in found and Kind.EVENING in found:
        assert found[Kind.EVENING] - found[Kind.FOLLOW_UP] >= timedelta(hours=1)


REMINDER_AT = utc(2026, 3, 2, 9)
FOLLOW_UP_DUE = REMINDER_AT + FOLLOW_UP_AFTER
EVENING_DUE = utc(2026, 3, 2, 20)


def after(kind: Kind, due_at: datetime, now: datetime, sent: datetime | None, pending: bool):  # type: ignore[no-untyped-def]
    return after_the_reminder(kind, due_at, now, reminder_sent_at=sent, reminder_pending=pending)


def test_a_follow_up_goes_at_its_time_after_a_reminder_sent_on_time() -> None:
    assert after(Kind.FOLLOW_UP, FOLLOW_UP_DUE, FOLLOW_UP_DUE, REMINDER_AT, False) == FOLLOW_UP_DUE
    assert after(Kind.EVENING, EVENING_DUE, EVENING_DUE, REMINDER_AT, False) == EVENING_DUE


def test_after_downtime_a_follow_up_keeps_its_gap_from_the_late_reminder() -> None:
    back = utc(2026, 3, 2, 12, 30)  # down from 08:00 to 12:30: both would be due at once
    assert after(Kind.FOLLOW_UP, FOLLOW_UP_DUE, back, None, True) == back + FOLLOW_UP_AFTER
    sent = back + SECOND
    assert after(Kind.FOLLOW_UP, FOLLOW_UP_DUE, back, sent, False) == sent + FOLLOW_UP_AFTER
    assert after(Kind.FOLLOW_UP, sent + FOLLOW_UP_AFTER, sent + FOLLOW_UP_AFTER, sent, False) == (
        sent + FOLLOW_UP_AFTER
    )


def test_an_evening_note_too_close_to_the_reminder_is_dropped_not_moved() -> None:
    assert after(Kind.EVENING, EVENING_DUE, EVENING_DUE, utc(2026, 3, 2, 17), False) == EVENING_DUE
    assert after(Kind.EVENING, EVENING_DUE, EVENING_DUE, utc(2026, 3, 2, 17, 1), False) is None
    assert after(Kind.EVENING, EVENING_DUE, utc(2026, 3, 2, 21), None, True) is None


def test_a_note_whose_reminder_never_arrived_is_dropped() -> None:
    assert after(Kind.FOLLOW_UP, FOLLOW_UP_DUE, FOLLOW_UP_DUE, None, False) is None
    assert after(Kind.EVENING, EVENING_DUE, EVENING_DUE, None, False) is None


@pytest.mark.parametrize("kind", [Kind.DOSE, Kind.MISSED, Kind.OVERDUE, Kind.HEADS_UP])
def test_other_kinds_keep_their_time(kind: Kind) -> None:
    assert after(kind, REMINDER_AT, REMINDER_AT, None, False) == REMINDER_AT


# --- found by the simulated year (issue 15) -----------------------------------------------


def test_a_reminder_time_changed_after_the_reminder_does_not_put_off_the_missed_alert() -> None:
    """Reminded at 09:00 in Berlin, the patient moves their time to 21:00 that evening: the
    missed alert still comes 24 h after the reminder they got, not 24 h after 21:00."""
    reminded = utc(2026, 1, 15, 8)  # 09:00 in Berlin
    now = utc(2026, 1, 15, 19)
    sent = frozenset({Kind.HEADS_UP, Kind.TAKE_OUT, Kind.DOSE, Kind.FOLLOW_UP})
    dues = by_kind(
        reminders_for_dose(
            date(2026, 1, 15),
            time(21),
            "Europe/Berlin",
            now,
            already_sent=sent,
            reminded_at=reminded,
        )
    )
    assert dues[Kind.MISSED] == reminded + timedelta(hours=24)


def test_an_overdue_reminder_delayed_past_its_local_day_is_dropped() -> None:
    """Due 15:30 in New York, delayed by an outage to 06:00 the next morning: that day's own
    overdue reminder comes at 15:30, so the late one would make two in one day."""
    due = utc(2026, 6, 23, 19, 30)  # 15:30 in New York
    reminder = utc(2026, 6, 19, 19, 30)
    zone = "America/New_York"
    assert not is_stale(Kind.OVERDUE, due, utc(2026, 6, 24, 3, 59), reminder, zone)  # 23:59
    assert is_stale(Kind.OVERDUE, due, utc(2026, 6, 24, 10), reminder, zone)  # 06:00 next day
    assert not is_stale(Kind.OVERDUE, due, utc(2026, 6, 24, 10), reminder)  # no zone: 20 h


def test_a_day_without_its_overdue_reminder_gets_it_when_the_time_moved_past() -> None:
    """Found by the simulated year: the overdue reminder was due at 22:30; at 18:56 the patient
    moved their time to 17:30, and the re-plan skipped that day's reminder for tomorrow's."""
    zone, now = "Europe/Berlin", utc(2026, 2, 19, 17, 56)  # 18:56 in Berlin
    sent = frozenset({Kind.HEADS_UP, Kind.TAKE_OUT, Kind.DOSE, Kind.MISSED, Kind.OVERDUE})
    yesterday = utc(2026, 2, 18, 21, 30)  # the last overdue reminder went out yesterday
    planned, earlier = date(2026, 2, 16), time(17, 30)
    dues = reminders_for_dose(planned, earlier, zone, now, already_sent=sent, nagged_at=yesterday)
    assert dues == [Due(Kind.OVERDUE, now)]
    today = utc(2026, 2, 19, 7)  # already reminded today: tomorrow's, at the new time
    dues = reminders_for_dose(planned, earlier, zone, now, already_sent=sent, nagged_at=today)
    assert dues == [Due(Kind.OVERDUE, utc(2026, 2, 20, 16, 30))]


def test_a_day_that_had_its_overdue_reminder_gets_no_second_when_the_time_moved_later() -> None:
    """Found by the simulated year (seed 2): the overdue reminder went out at 09:30 in New
    York; at 14:46 the patient moved their time to 18:45, and the re-plan wrote a second one
    for 18:45 the same day. The next is tomorrow's, at the new time."""
    zone, now = "America/New_York", utc(2027, 12, 2, 19, 46)  # 14:46 in New York
    sent = frozenset({Kind.HEADS_UP, Kind.TAKE_OUT, Kind.DOSE, Kind.MISSED, Kind.OVERDUE})
    this_morning = utc(2027, 12, 2, 14, 30)  # 09:30 in New York
    later = time(18, 45)
    dues = reminders_for_dose(
        date(2027, 11, 29), later, zone, now, already_sent=sent, nagged_at=this_morning
    )
    assert dues == [Due(Kind.OVERDUE, utc(2027, 12, 3, 23, 45))]
    dues = reminders_for_dose(date(2027, 11, 29), later, zone, now, already_sent=sent)
    assert dues == [Due(Kind.OVERDUE, utc(2027, 12, 2, 23, 45))], "never nagged: today's"
