"""The oracle judged on small logs written by hand: a clean one passes, and each rule fails when
one event is changed, so a green simulation means the rules were really looked at."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.simulation.events import (
    Blocked,
    BroadcastDelivered,
    BroadcastStarted,
    CaregiverApproved,
    CaregiverRevoked,
    Corrected,
    Crash,
    Enrolled,
    Event,
    Finished,
    OutageBegan,
    OutageEnded,
    Paused,
    Resumed,
    Said,
    Sent,
    Snoozed,
    Started,
    Taken,
    Undone,
    ZoneChanged,
)
from tests.simulation.oracle import Report, add_months, check, plan, reminder_instant

CASES = Path(__file__).resolve().parents[1] / "data" / "schedule-cases.json"
BERLIN = "Europe/Berlin"
PATIENT, CAREGIVER, STRANGER = 1001, 2001, 3001
NAME = "Pat0001"
NINE = time(9, 0)
PLANNED = {
    1: date(2026, 3, 2),
    2: date(2026, 3, 9),
    3: date(2026, 3, 16),
    4: date(2026, 4, 1),
    5: date(2026, 5, 1),
    6: date(2026, 6, 1),
}
# Dose 3 is missed, reminded overdue the next day, and taken two days late: dose 4 moves.
TAKEN = {1: PLANNED[1], 2: PLANNED[2], 3: date(2026, 3, 18), 4: PLANNED[4], 5: PLANNED[5]}
END = datetime(2026, 5, 3, tzinfo=UTC)
SECOND = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

E = TypeVar("E", bound=Event)


def due(number: int) -> datetime:
    """The patient's reminder instant on dose ``number``'s planned day."""
    return reminder_instant(PLANNED[number], NINE, BERLIN)


def sent(
    kind: str, at: datetime, number: int, *, chat: int = PATIENT, due_at: datetime | None = None
) -> Sent:
    return Sent(
        at=at,
        chat=chat,
        kind=kind,
        patient=PATIENT,
        number=number,
        planned=PLANNED[number],
        due_at=due_at or at,
        text=f"{NAME}: dose {number} on {PLANNED[number]}",
    )


def clean_log() -> list[Event]:
    """Two months of one patient in Berlin (across the spring DST change) with a caregiver:
    every message at its time, one dose missed and taken late, one broadcast."""
    start = datetime(2026, 3, 1, 6, tzinfo=UTC)
    log: list[Event] = [
        Started(at=start, process="main"),
        Enrolled(
            at=start + HOUR,
            patient=PATIENT,
            name=NAME,
            zone=BERLIN,
            reminder=NINE,
            first=PLANNED[1],
            last=None,
            last_number=None,
        ),
        Said(at=start + HOUR, chat=PATIENT, text=f"Welcome, {NAME}"),
        Said(at=start + 2 * HOUR - MINUTE, chat=CAREGIVER, text=f"Waiting for {NAME} to approve"),
        CaregiverApproved(at=start + 2 * HOUR, patient=PATIENT, caregiver=CAREGIVER),
        Said(at=start + 2 * HOUR, chat=CAREGIVER, text=f"You now follow {NAME}"),
    ]
    for number in range(1, 6):
        reminder = due(number)
        day_before = reminder_instant(PLANNED[number] - timedelta(days=1), NINE, BERLIN)
        log += [
            sent("heads_up", day_before + 20 * SECOND, number, due_at=day_before),
            sent("take_out", reminder - 30 * MINUTE + 20 * SECOND, number),
            sent("dose", reminder + 20 * SECOND, number, due_at=reminder),
        ]
        taken_at = reminder + 30 * MINUTE
        if number == 3:
            taken_at = reminder + 2 * DAY + 30 * MINUTE
            log += [
                sent("missed", reminder + DAY + 40 * SECOND, 3),
                sent("cg_missed", reminder + DAY + 41 * SECOND, 3, chat=CAREGIVER),
                sent("overdue", reminder + 2 * DAY + 20 * SECOND, 3),
            ]
        else:
            log.append(sent("follow_up", reminder + 2 * HOUR + 20 * SECOND, number))
            taken_at = reminder + 30 * MINUTE
            if number == 2:
                taken_at = reminder + 3 * HOUR
        log += [
            Taken(
                at=taken_at,
                patient=PATIENT,
                day=TAKEN[number],
                how="button",
                number=number,
                next_planned=PLANNED[number + 1],
            ),
            sent("cg_confirmed", taken_at + SECOND, number, chat=CAREGIVER),
        ]
    broadcast = datetime(2026, 4, 10, 12, tzinfo=UTC)
    log += [
        BroadcastStarted(at=broadcast, broadcast=1, marker="B1"),
        BroadcastDelivered(at=broadcast + 5 * SECOND, chat=PATIENT, broadcast=1),
        BroadcastDelivered(at=broadcast + 6 * SECOND, chat=CAREGIVER, broadcast=1),
        Finished(at=END, claimed=0, overdue_unsettled=0),
    ]
    return sorted(log, key=lambda event: event.at)


def one(log: list[Event], cls: type[E], /, **attrs: Any) -> E:
    """The single event of that type with those attributes."""
    found = [
        event
        for event in log
        if isinstance(event, cls) and all(getattr(event, k) == v for k, v in attrs.items())
    ]
    assert len(found) == 1, found
    return found[0]


def swap(log: list[Event], old: Event, **changes: Any) -> list[Event]:
    new = dataclasses.replace(old, **changes)
    return sorted((new if event is old else event for event in log), key=lambda e: e.at)


def without(log: list[Event], old: Event) -> list[Event]:
    return [event for event in log if event is not old]


def plus(log: list[Event], *events: Event) -> list[Event]:
    return sorted([*log, *events], key=lambda event: event.at)


def remind_five_at(log: list[Event], at: datetime) -> list[Event]:
    """Dose 5's reminder moved to ``at``, its follow-up keeping its gap (else it is stale)."""
    follow_up = one(log, Sent, kind="follow_up", number=5)
    log = swap(log, follow_up, at=at + 2 * HOUR)
    return swap(log, one(log, Sent, kind="dose", number=5), at=at)


def rules(report: Report) -> set[str]:
    return {violation.rule for violation in report.violations}


def judged(log: list[Event]) -> Report:
    return check(log, end=END)


# -- the plan -----------------------------------------------------------------------------------


def test_every_worked_example_of_the_contract() -> None:
    cases = json.loads(CASES.read_text())["cases"]
    assert cases
    for case in cases:
        taken = {int(n): date.fromisoformat(d) for n, d in case["taken_on_another_day"].items()}
        planned = plan(date.fromisoformat(case["first_injection"]), taken, 16)
        expected = [date.fromisoformat(d) for d in case["planned_dates_of_doses_1_to_16"]]
        assert [planned[n] for n in range(1, 17)] == expected, case["case"]


def test_month_ends_clamp_and_return() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 1, 31), 2) == date(2026, 3, 31)
    assert add_months(date(2023, 12, 31), 2) == date(2024, 2, 29)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("last_number", "last", "expected"),
    [
        (1, date(2026, 5, 4), {2: date(2026, 5, 11), 3: date(2026, 5, 18), 4: date(2026, 6, 1)}),
        (2, date(2026, 5, 4), {3: date(2026, 5, 11), 4: date(2026, 5, 25), 5: date(2026, 6, 25)}),
        (3, date(2026, 5, 4), {4: date(2026, 5, 18), 5: date(2026, 6, 18)}),
        (7, date(2026, 1, 31), {8: date(2026, 2, 28), 9: date(2026, 3, 31), 10: date(2026, 4, 30)}),
    ],
)
def test_joining_mid_treatment_continues_from_the_last_dose(
    last_number: int, last: date, expected: dict[int, date]
) -> None:
    planned = plan(date(2025, 1, 1), {}, max(expected), last=last, last_number=last_number)
    assert {n: d for n, d in planned.items() if n in expected} == expected
    assert min(planned) == last_number
    assert planned[last_number] == last


def test_joining_mid_treatment_a_late_monthly_dose_re_anchors() -> None:
    planned = plan(
        date(2025, 1, 1), {8: date(2026, 3, 3)}, 10, last=date(2026, 1, 31), last_number=7
    )
    assert planned[9] == date(2026, 4, 3)
    assert planned[10] == date(2026, 5, 3)


def test_reminder_instants_across_dst() -> None:
    # 02:30 does not exist in Berlin on 2026-03-29: the reminder moves forward to 03:30 CEST.
    assert reminder_instant(date(2026, 3, 29), time(2, 30), BERLIN) == datetime(
        2026, 3, 29, 1, 30, tzinfo=UTC
    )
    assert reminder_instant(date(2026, 3, 28), NINE, BERLIN) == datetime(2026, 3, 28, 8, tzinfo=UTC)
    assert reminder_instant(date(2026, 3, 30), NINE, BERLIN) == datetime(2026, 3, 30, 7, tzinfo=UTC)
    # Lord Howe moves by 30 minutes: 02:00 becomes 02:30 on 2026-10-04.
    lord_howe = "Australia/Lord_Howe"
    assert reminder_instant(date(2026, 10, 3), NINE, lord_howe) == datetime(
        2026, 10, 2, 22, 30, tzinfo=UTC
    )
    assert reminder_instant(date(2026, 10, 4), NINE, lord_howe) == datetime(
        2026, 10, 3, 22, tzinfo=UTC
    )
    assert reminder_instant(date(2026, 10, 4), time(2, 15), lord_howe) == datetime(
        2026, 10, 3, 15, 45, tzinfo=UTC
    )


# -- the clean log ------------------------------------------------------------------------------


def test_a_clean_log_passes_with_its_figures() -> None:
    report = judged(clean_log())
    assert report.ok, report.format()
    assert report.dose_reminders == 5
    assert report.by_kind["missed"] == 1
    assert report.by_kind["overdue"] == 1
    assert report.broadcasts_delivered == 2
    assert report.worst_lateness == 20 * SECOND
    assert report.window == []
    assert "oracle: OK" in report.format()
    trail = report.trail(PATIENT)
    assert any(isinstance(e, Sent) and e.chat == CAREGIVER for e in trail)
    assert all(not isinstance(e, Started) for e in trail)


def test_the_report_lists_violations() -> None:
    log = clean_log()
    report = judged(swap(log, one(log, Finished), claimed=2))
    text = report.format()
    assert "1 violations" in text
    assert "[finished]" in text


# -- each rule can fail -------------------------------------------------------------------------


def test_a_wrong_planned_date() -> None:
    log = clean_log()
    report = judged(swap(log, one(log, Sent, kind="dose", number=2), planned=date(2026, 3, 10)))
    assert rules(report) == {"plan"}


def test_a_duplicate_dose_reminder() -> None:
    log = clean_log()
    reminder = one(log, Sent, kind="dose", number=2)
    report = judged(plus(log, dataclasses.replace(reminder, at=reminder.at + MINUTE)))
    assert rules(report) == {"duplicate"}


def test_a_duplicate_in_the_crash_window_is_counted_not_a_violation() -> None:
    log = clean_log()
    reminder = one(log, Sent, kind="dose", number=2)
    row = (reminder.chat, reminder.kind, reminder.number, reminder.planned)
    report = judged(
        plus(
            log,
            Crash(at=reminder.at + SECOND, process="main", point="after_accept", row=row),
            Started(at=reminder.at + 10 * SECOND, process="main"),
            dataclasses.replace(reminder, at=reminder.at + 20 * SECOND),
        )
    )
    assert report.ok, report.format()
    assert len(report.window) == 1
    assert report.window[0][1].point == "after_accept"
    assert report.crashes == 1


def test_a_crash_over_another_row_does_not_excuse_a_duplicate() -> None:
    log = clean_log()
    reminder = one(log, Sent, kind="dose", number=2)
    row = (reminder.chat, "heads_up", reminder.number, reminder.planned)
    report = judged(
        plus(
            log,
            Crash(at=reminder.at + SECOND, process="main", point="after_accept", row=row),
            Started(at=reminder.at + 10 * SECOND, process="main"),
            dataclasses.replace(reminder, at=reminder.at + 20 * SECOND),
        )
    )
    assert rules(report) == {"duplicate"}


def test_a_dose_reminder_ten_minutes_late_while_able() -> None:
    log = clean_log()
    report = judged(remind_five_at(log, due(5) + 10 * MINUTE))
    assert rules(report) == {"late"}
    assert report.worst_lateness == 10 * MINUTE


def test_late_because_of_an_outage_is_fine() -> None:
    log = clean_log()
    log = remind_five_at(log, due(5) + 10 * MINUTE)
    report = judged(
        plus(
            log,
            OutageBegan(at=due(5) - 5 * MINUTE, kind="5xx"),
            OutageEnded(at=due(5) + 9 * MINUTE, kind="5xx"),
        )
    )
    assert report.ok, report.format()
    assert report.outages == 1
    assert report.longest_outage == 14 * MINUTE
    assert report.worst_lateness <= MINUTE


def test_late_long_after_an_outage_is_not_fine() -> None:
    """After an outage the bot tries again within its longest backoff (15 minutes); a
    reminder still waiting well after that was held up by something else."""
    log = remind_five_at(clean_log(), due(5) + 40 * MINUTE)
    report = judged(
        plus(
            log,
            OutageBegan(at=due(5) - 5 * MINUTE, kind="5xx"),
            OutageEnded(at=due(5) + 9 * MINUTE, kind="5xx"),
        )
    )
    assert "late" in {v.rule for v in report.violations}, report.format()


def test_late_after_a_restart_is_fine_and_the_lease_is_allowed() -> None:
    log = clean_log()
    log = remind_five_at(log, due(5) + 12 * MINUTE)
    report = judged(
        plus(
            log,
            Crash(at=due(5) + 5 * MINUTE, process="main", point="after_claim", row=None),
            Started(at=due(5) + 6 * MINUTE, process="main"),
        )
    )
    # Due and able for 5 minutes before the crash: that is late, whatever came after.
    assert rules(report) == {"late"}
    log = remind_five_at(clean_log(), due(5) + 7 * MINUTE)
    report = judged(
        plus(
            log,
            Crash(at=due(5), process="main", point="after_claim", row=None),
            Started(at=due(5) + 10 * SECOND, process="main"),
        )
    )
    assert report.ok, report.format()


def test_a_lost_dose_reminder() -> None:
    log = clean_log()
    log = without(log, one(log, Sent, kind="follow_up", number=5))
    report = judged(without(log, one(log, Sent, kind="dose", number=5)))
    assert rules(report) == {"lost"}
    assert report.lost == 1


def test_a_missing_missed_alert() -> None:
    log = clean_log()
    report = judged(without(log, one(log, Sent, kind="missed")))
    assert rules(report) == {"missed"}


def test_a_missing_missed_alert_to_the_caregiver() -> None:
    log = clean_log()
    report = judged(without(log, one(log, Sent, kind="cg_missed")))
    assert rules(report) == {"missed"}


def test_a_missed_alert_for_a_dose_already_recorded() -> None:
    log = clean_log()
    taken = one(log, Taken, number=3)
    report = judged(swap(log, taken, at=due(3) + 23 * HOUR))
    assert "stale" in rules(report)


def test_a_missing_overdue_note() -> None:
    log = clean_log()
    report = judged(without(log, one(log, Sent, kind="overdue")))
    assert rules(report) == {"overdue"}


def test_a_missed_alert_to_a_revoked_caregiver() -> None:
    log = clean_log()
    revoked = CaregiverRevoked(at=due(3) + HOUR, patient=PATIENT, caregiver=CAREGIVER)
    report = judged(plus(log, revoked))
    messages = [v.message for v in report.violations if v.rule == "privacy"]
    assert any("cg_missed" in message for message in messages), report.format()


def test_a_message_to_a_user_who_blocked_the_bot() -> None:
    log = clean_log()
    report = judged(plus(log, Blocked(at=due(5) - 10 * SECOND, user=PATIENT)))
    assert "privacy" in rules(report)
    assert any("blocked" in v.message for v in report.violations)


def test_a_patients_name_to_an_unlinked_user() -> None:
    log = clean_log()
    report = judged(plus(log, Said(at=due(2), chat=STRANGER, text=f"{NAME} took dose 2")))
    assert rules(report) == {"privacy"}
    assert report.violations[0].who == PATIENT


def test_a_name_that_only_starts_alike_is_not_a_leak() -> None:
    log = clean_log()
    report = judged(plus(log, Said(at=due(2), chat=STRANGER, text=f"{NAME}9 took dose 2")))
    assert report.ok, report.format()


def test_a_broadcast_delivered_twice() -> None:
    log = clean_log()
    delivered = one(log, BroadcastDelivered, chat=CAREGIVER)
    report = judged(plus(log, dataclasses.replace(delivered, at=delivered.at + MINUTE)))
    assert rules(report) == {"duplicate"}


def test_a_broadcast_twice_after_a_crash_in_it_is_the_window() -> None:
    log = clean_log()
    delivered = one(log, BroadcastDelivered, chat=CAREGIVER)
    report = judged(
        plus(
            log,
            Crash(at=delivered.at + SECOND, process="main", point="broadcast", row=None),
            Started(at=delivered.at + 2 * SECOND, process="main"),
            dataclasses.replace(delivered, at=delivered.at + MINUTE),
        )
    )
    assert report.ok, report.format()
    assert len(report.window) == 1


def test_a_broadcast_missed_for_one_active_user() -> None:
    log = clean_log()
    report = judged(without(log, one(log, BroadcastDelivered, chat=CAREGIVER)))
    assert rules(report) == {"broadcast"}


def test_a_broadcast_missing_for_someone_who_blocked_meanwhile_is_fine() -> None:
    log = clean_log()
    delivered = one(log, BroadcastDelivered, chat=CAREGIVER)
    log = plus(without(log, delivered), Blocked(at=delivered.at, user=CAREGIVER))
    # Still linked: the caregiver's later confirmation is refused by Telegram, not sent.
    log = without(log, one(log, Sent, kind="cg_confirmed", number=5))
    assert judged(log).ok, judged(log).format()


def test_the_caregiver_of_a_patient_deleted_for_blocking_gets_no_broadcast() -> None:
    """Someone who blocked the bot for the retention period is deleted, links and all (the
    retention job); their caregiver follows no one any more, so is no longer a recipient."""
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    later = start + timedelta(days=200)
    log: list[Event] = [
        Enrolled(
            at=start,
            patient=PATIENT,
            name=NAME,
            zone=BERLIN,
            reminder=NINE,
            first=date(2026, 3, 2),
            last=None,
            last_number=None,
        ),
        CaregiverApproved(at=start + HOUR, patient=PATIENT, caregiver=CAREGIVER),
        Blocked(at=start + 2 * HOUR, user=PATIENT),
        BroadcastStarted(at=later, broadcast=1, marker="B1"),
        Finished(at=later + DAY, claimed=0, overdue_unsettled=0),
    ]
    report = check(log, end=later + DAY)
    assert "broadcast" not in rules(report), report.format()
    early = [*log[:3], BroadcastStarted(at=start + DAY, broadcast=1, marker="B1"), log[-1]]
    assert "broadcast" in rules(check(early, end=later + DAY)), "a day later: still linked"


def test_a_stale_heads_up() -> None:
    log = clean_log()
    heads_up = one(log, Sent, kind="heads_up", number=2)
    report = judged(swap(log, heads_up, at=due(2) - 20 * MINUTE))
    assert rules(report) == {"stale"}


def test_a_follow_up_together_with_the_reminder() -> None:
    log = clean_log()
    follow_up = one(log, Sent, kind="follow_up", number=2)
    report = judged(swap(log, follow_up, at=due(2) + 30 * SECOND))
    assert rules(report) == {"stale"}


def test_a_finished_with_claimed_rows() -> None:
    log = clean_log()
    report = judged(swap(log, one(log, Finished), claimed=3))
    assert rules(report) == {"finished"}


def test_a_log_without_finished() -> None:
    log = clean_log()
    assert rules(judged(without(log, one(log, Finished)))) == {"finished"}


@pytest.mark.parametrize(
    "change",
    [
        lambda taken: dataclasses.replace(taken, number=3),
        lambda taken: dataclasses.replace(taken, next_planned=date(2026, 3, 17)),
    ],
    ids=["number", "next_planned"],
)
def test_a_wrong_answer_to_taken(change: Callable[[Taken], Taken]) -> None:
    log = clean_log()
    taken = one(log, Taken, number=2)
    report = judged(sorted((change(taken) if e is taken else e for e in log), key=lambda e: e.at))
    assert "answer" in rules(report)


# -- small logs of their own --------------------------------------------------------------------


def one_patient(zone: str, reminder: time, first: date, enrolled: datetime) -> list[Event]:
    return [
        Started(at=enrolled - HOUR, process="main"),
        Enrolled(
            at=enrolled,
            patient=PATIENT,
            name=NAME,
            zone=zone,
            reminder=reminder,
            first=first,
            last=None,
            last_number=None,
        ),
    ]


def dose_one(at: datetime, planned: date) -> Sent:
    return Sent(
        at=at,
        chat=PATIENT,
        kind="dose",
        patient=PATIENT,
        number=1,
        planned=planned,
        due_at=at,
        text="dose 1",
    )


@pytest.mark.parametrize(
    ("after", "ok"), [(20 * SECOND, True), (10 * MINUTE, False)], ids=["on-time", "late"]
)
def test_a_reminder_at_a_time_that_dst_skips(after: timedelta, ok: bool) -> None:
    day = date(2026, 3, 29)
    end = datetime(2026, 3, 29, 3, tzinfo=UTC)
    log = one_patient(BERLIN, time(2, 30), day, datetime(2026, 3, 28, 12, tzinfo=UTC))
    log += [
        dose_one(datetime(2026, 3, 29, 1, 30, tzinfo=UTC) + after, day),
        Finished(at=end, claimed=0, overdue_unsettled=0),
    ]
    report = check(log, end=end)
    assert report.ok is ok, report.format()


def test_a_reminder_at_the_wall_clock_time_before_dst_is_early() -> None:
    day = date(2026, 3, 29)
    end = datetime(2026, 3, 29, 3, tzinfo=UTC)
    log = one_patient(BERLIN, time(2, 30), day, datetime(2026, 3, 28, 12, tzinfo=UTC))
    log += [
        dose_one(datetime(2026, 3, 29, 0, 30, tzinfo=UTC), day),
        Finished(at=end, claimed=0, overdue_unsettled=0),
    ]
    assert rules(check(log, end=end)) == {"early"}


def test_enrolling_on_a_dose_day_after_the_reminder_time_reminds_at_once() -> None:
    day = date(2026, 6, 10)
    enrolled = datetime(2026, 6, 10, 15, tzinfo=UTC)
    end = enrolled + HOUR
    log = one_patient("America/New_York", NINE, day, enrolled)
    log += [Finished(at=end, claimed=0, overdue_unsettled=0)]
    assert rules(check(log, end=end)) == {"lost"}
    log.append(dose_one(enrolled + MINUTE, day))
    assert check(log, end=end).ok


def test_joining_mid_treatment_answers_with_the_next_monthly_dose() -> None:
    enrolled = datetime(2026, 2, 10, 12, tzinfo=UTC)
    end = datetime(2026, 3, 5, tzinfo=UTC)
    zone = "Asia/Kathmandu"
    reminder = reminder_instant(date(2026, 2, 28), NINE, zone)
    log: list[Event] = [
        Started(at=enrolled - HOUR, process="main"),
        Enrolled(
            at=enrolled,
            patient=PATIENT,
            name=NAME,
            zone=zone,
            reminder=NINE,
            first=date(2025, 6, 1),
            last=date(2026, 1, 31),
            last_number=9,
        ),
        Sent(
            at=reminder + 30 * SECOND,
            chat=PATIENT,
            kind="dose",
            patient=PATIENT,
            number=10,
            planned=date(2026, 2, 28),
            due_at=reminder,
            text="dose",
        ),
        Taken(
            at=reminder + HOUR,
            patient=PATIENT,
            day=date(2026, 2, 28),
            how="reply",
            number=10,
            next_planned=date(2026, 3, 31),
        ),
        Finished(at=end, claimed=0, overdue_unsettled=0),
    ]
    assert check(log, end=end).ok, check(log, end=end).format()
    wrong = [dataclasses.replace(e, number=1) if isinstance(e, Taken) else e for e in log]
    assert rules(check(wrong, end=end)) == {"answer"}


def test_a_snooze_past_the_missed_moment_moves_the_missed_alert() -> None:
    log = clean_log()
    snoozed = Snoozed(at=due(3) + HOUR, patient=PATIENT, number=3, until=due(3) + DAY)
    log = plus(log, snoozed, sent("snoozed", due(3) + DAY + 20 * SECOND, 3))
    assert rules(judged(log)) == {"missed"}  # the old alert now comes too early
    log = swap(log, one(log, Sent, kind="missed"), at=due(3) + DAY + 2 * HOUR + 30 * SECOND)
    log = swap(log, one(log, Sent, kind="cg_missed"), at=due(3) + DAY + 2 * HOUR + 31 * SECOND)
    assert judged(log).ok, judged(log).format()


def test_a_pause_before_the_missed_moment_owes_no_missed_alert() -> None:
    log = clean_log()
    for kind in ("missed", "cg_missed", "overdue"):
        log = without(log, one(log, Sent, kind=kind))
    taken = one(log, Taken, number=3)
    log = plus(
        log,
        Paused(at=due(3) + 2 * HOUR, patient=PATIENT),
        Resumed(at=taken.at + MINUTE, patient=PATIENT),
    )
    assert judged(log).ok, judged(log).format()


def test_no_overdue_note_is_owed_while_telegram_is_down() -> None:
    log = clean_log()
    overdue = one(log, Sent, kind="overdue")
    log = plus(
        without(log, overdue),
        OutageBegan(at=overdue.at - HOUR, kind="timeout"),
        OutageEnded(at=overdue.at + 20 * MINUTE, kind="timeout"),
    )
    assert judged(log).ok, judged(log).format()


def test_no_overdue_note_is_owed_for_a_day_whose_time_passed_before_the_move() -> None:
    """Found in seed 3: the patient moved east (Berlin to Tokyo) after that day's reminder
    time in Tokyo had passed but before Berlin's: the bot, still in Berlin then, owed no note
    at Tokyo's time. Without the move the missing note is a violation."""
    log = clean_log()
    overdue = one(log, Sent, kind="overdue")
    log = without(log, overdue)
    assert rules(judged(log)) == {"overdue"}
    moved = ZoneChanged(at=overdue.at - 5 * HOUR, patient=PATIENT, zone="Asia/Tokyo")
    back = ZoneChanged(at=overdue.at + 2 * HOUR, patient=PATIENT, zone=BERLIN)
    log = plus(log, moved, back)
    assert judged(log).ok, judged(log).format()


def test_a_corrected_date_re_plans_the_next_dose() -> None:
    log = clean_log()
    taken = one(log, Taken, number=4)
    corrected = Corrected(
        at=taken.at + MINUTE,
        patient=PATIENT,
        number=4,
        day=date(2026, 4, 3),
        next_planned=date(2026, 5, 3),
    )
    # Dose 5's messages still give the old plan's 2026-05-01: wrong after the correction.
    assert "plan" in rules(judged(plus(log, corrected)))
    wrong = dataclasses.replace(corrected, next_planned=date(2026, 5, 1))
    assert "answer" in rules(judged(plus(log, wrong)))


def test_an_undone_dose_is_the_next_dose_again() -> None:
    log = clean_log()
    taken = one(log, Taken, number=5)
    again = dataclasses.replace(taken, at=taken.at + 2 * MINUTE)
    log = plus(log, Undone(at=taken.at + MINUTE, patient=PATIENT, number=5), again)
    assert judged(log).ok, judged(log).format()
    log = swap(log, again, number=6)
    assert rules(judged(log)) == {"answer"}


@pytest.mark.parametrize(
    ("sent_at", "ok"),
    [
        (datetime(2026, 6, 10, 7, 0, 30, tzinfo=UTC), True),
        (datetime(2026, 6, 10, 5, 1, tzinfo=UTC), False),
    ],
    ids=["at-the-reminder-time", "at-sign-up"],
)
def test_signing_up_long_overdue_reminds_at_todays_reminder_time(
    sent_at: datetime, ok: bool
) -> None:
    first = date(2026, 6, 7)
    enrolled = datetime(2026, 6, 10, 5, tzinfo=UTC)  # 07:00 in Berlin; the reminder is at 09:00
    end = datetime(2026, 6, 10, 12, tzinfo=UTC)
    log = one_patient(BERLIN, NINE, first, enrolled)
    log += [dose_one(sent_at, first), Finished(at=end, claimed=0, overdue_unsettled=0)]
    assert check(log, end=end).ok is ok, check(log, end=end).format()
