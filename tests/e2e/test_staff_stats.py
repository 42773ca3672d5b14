"""/stats end to end: the staff's aggregate figures over a database seeded with known patients,
caregivers, sign-ups and pending messages. The dose figures expected here are worked out in the
test from the schedule rules, not with the bot's own code. Counts only: never a name, an id or a
person's date."""

from __future__ import annotations

import calendar
import re
import time as walltime
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.db import make_engine, migrate, transaction
from bot.models import CaregiverLink, Conversation, DoseRecord, OutboxMessage, Patient
from bot.store import dose_statuses, patients
from tests.support.database import database_url
from tests.support.fakebotapi import FakeBotApi, FakeUser
from tests.support.harness import BotProcess
from tests.support.people import begin, say

WINDOW_DAYS = 30
MISSED_AFTER = timedelta(hours=24)
LOADING_GAPS = {2: 7, 3: 7, 4: 14}
FIGURE_LINES = {
    "patients": r"Patients enrolled: (\d+) \(\d+ with reminders paused\)",
    "paused": r"Patients enrolled: \d+ \((\d+) with reminders paused\)",
    "caregivers": r"Caregivers \(approved\): (\d+)",
    "active": r"Active users: (\d+) · inactive \(blocked the bot\): \d+",
    "inactive": r"Active users: \d+ · inactive \(blocked the bot\): (\d+)",
    "enrolling": r"Sign-ups in progress: (\d+)",
    "on_time": r"Confirmed on time: (\d+)",
    "early": r"Confirmed early: (\d+)",
    "late": r"Confirmed late: (\d+)",
    "missed": r"Missed \(not confirmed\): (\d+)",
    "pending": r"Reminders and alerts waiting to be sent: (\d+)",
}
ZEROS = dict.fromkeys(FIGURE_LINES, 0)
DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}")


# --- what to expect, from the schedule rules ---------------------------------------------


def plus_months(day: date, months: int) -> date:
    """Same day of the month `months` later, or the month's last day if it is shorter."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def planned_dates(first: date, taken: list[date]) -> list[date]:
    """Planned dates of the taken doses and of the next one: dose 1 on the first injection,
    doses 2-4 7, 7 and 14 days after the previous injection, then monthly from dose 4 (or
    from the latest monthly dose taken off its planned day)."""
    planned = [first]
    anchor_number, anchor_day = 0, first
    for number in range(2, len(taken) + 2):
        previous = taken[number - 2]
        if number - 1 == 4 or (number - 1 > 4 and previous != planned[-1]):
            anchor_number, anchor_day = number - 1, previous
        if number <= 4:
            planned.append(previous + timedelta(days=LOADING_GAPS[number]))
        else:
            planned.append(plus_months(anchor_day, number - anchor_number))
    return planned


@dataclass
class Person:
    """A patient to seed: doses are given as days relative to their local today."""

    user_id: int
    name: str
    zone: str = "UTC"
    first: int = 0
    taken: list[int] = field(default_factory=list)
    enrolled_after: int = 0
    enrolled_hours_ago: float = 24 * 90
    paused: bool = False
    blocked: bool = False
    at: time = time(9, 0)

    def today(self) -> date:
        return datetime.now(ZoneInfo(self.zone)).date()

    def taken_days(self) -> list[date]:
        return [self.today() + timedelta(days=offset) for offset in self.taken]

    def enrolled_at(self, now: datetime) -> datetime:
        return now - timedelta(hours=self.enrolled_hours_ago)


def expected_doses(people: list[Person], now: datetime) -> dict[str, int]:
    """Taken doses of the last 30 local days by timing, and untaken doses planned in them
    whose reminder (or the enrolment, if later) is over 24 h ago."""
    counts = {"on_time": 0, "early": 0, "late": 0, "missed": 0}
    for person in people:
        since = person.today() - timedelta(days=WINDOW_DAYS)
        taken = person.taken_days()
        planned = planned_dates(person.today() + timedelta(days=person.first), taken)
        for number, (day, plan) in enumerate(zip(taken, planned, strict=False), start=1):
            if number <= person.enrolled_after or day < since:
                continue
            counts["on_time" if day == plan else "early" if day < plan else "late"] += 1
        upcoming = planned[len(taken)]
        wall = datetime.combine(upcoming, person.at, tzinfo=ZoneInfo(person.zone))
        reminded = max(wall.astimezone(UTC), person.enrolled_at(now))
        if upcoming >= since and now >= reminded + MISSED_AFTER:
            counts["missed"] += 1
    return counts


# --- the seeded world --------------------------------------------------------------------

PEOPLE = [
    # doses 1 and 2 on time, dose 3 two days late
    Person(1001, "Alice", first=-20, taken=[-20, -13, -4]),
    # dose 1 on time, dose 2 a day early, dose 3 (planned 4 days ago) never taken: missed
    Person(1002, "Bruno", first=-17, taken=[-17, -11]),
    # doses 1-3 older than 30 days (not counted), dose 4 on time, dose 5 next month
    Person(1003, "Chiara", first=-45, taken=[-45, -38, -31, -17]),
    # dose 1 on time 29 days ago, dose 2 (22 days ago) missed
    Person(1004, "Dmitri", first=-29, taken=[-29]),
    # reminders paused; dose 1 on time in New York, dose 2 still to come
    Person(1005, "Emeka", zone="America/New_York", first=-5, taken=[-5], paused=True),
    # blocked the bot after dose 1 (on time, Tokyo)
    Person(1006, "Fumiko", zone="Asia/Tokyo", first=-3, taken=[-3], blocked=True),
    # dose 1 before enrolment (not counted); dose 2 overdue but enrolled an hour ago: not missed
    Person(1007, "Greta", first=-14, taken=[-14], enrolled_after=1, enrolled_hours_ago=1),
    # dose 2 missed 53 days ago: outside the window
    Person(1008, "Hamid", first=-60, taken=[-60]),
]
HAND_COUNTED = {"on_time": 7, "early": 1, "late": 1, "missed": 2}
# (patient, caregiver, name, approved, blocked)
LINKS = [
    (1001, 2001, "Carol", True, False),
    (1002, 2001, "Carol", True, False),  # one person following two patients
    (1001, 2002, "Dave", False, False),  # not approved yet: counted nowhere
    (1003, 2003, "Erin", True, True),  # approved, blocked the bot
    (1001, 1002, "Bruno", True, False),  # a patient who is also a caregiver
]
SECRETS = [p.name for p in PEOPLE] + ["Carol", "Dave", "Erin", "Zoe"]
SECRETS += ["Europe", "America", "Asia", "UTC", "Kesimpta"]
SECRETS += [str(p.user_id) for p in PEOPLE] + ["2001", "2002", "2003", "3001", "3002"]


def seed(url: str, now: datetime) -> None:
    migrate(url)
    engine = make_engine(url)
    try:
        with transaction(engine) as session:
            for person in PEOPLE:
                session.add(
                    Patient(
                        user_id=person.user_id,
                        chat_id=person.user_id,
                        first_name=person.name,
                        time_zone=person.zone,
                        reminder_time=person.at,
                        first_injection=person.today() + timedelta(days=person.first),
                        enrolled_after=person.enrolled_after,
                        paused=person.paused,
                        blocked_at=now - timedelta(days=1) if person.blocked else None,
                        enrolled_at=person.enrolled_at(now),
                        updated_at=now,
                    )
                )
            session.flush()
            for person in PEOPLE:
                for number, day in enumerate(person.taken_days(), start=1):
                    session.add(
                        DoseRecord(
                            patient_id=person.user_id,
                            number=number,
                            taken_on=day,
                            recorded_at=datetime.combine(day, time(12), tzinfo=UTC),
                            source="enrolment" if number <= person.enrolled_after else "bot",
                        )
                    )
            session.flush()
            for person in PEOPLE:  # what the bot's replan writes with the records
                stored = session.get(Patient, person.user_id)
                assert stored is not None
                dose_statuses.write(session, stored, patients.course_of(session, stored))
            for patient, caregiver, name, approved, blocked in LINKS:
                session.add(
                    CaregiverLink(
                        patient_id=patient,
                        caregiver_id=caregiver,
                        caregiver_name=name,
                        approved_at=now - timedelta(days=10) if approved else None,
                        blocked_at=now - timedelta(days=2) if blocked else None,
                        created_at=now - timedelta(days=11),
                    )
                )
            # a sign-up half-way, and an erase question (not a sign-up)
            session.add(
                Conversation(
                    user_id=3001, flow="enrolment", step="zone", answers={}, updated_at=now
                )
            )
            session.add(
                Conversation(
                    user_id=1003,
                    flow="erase",
                    step="confirm",
                    answers={"earlier": None},
                    updated_at=now,
                )
            )
            # two messages still to go (days ahead), one already sent
            for days, finished in ((5, False), (6, False), (-3, True)):
                session.add(
                    OutboxMessage(
                        chat_id=1001,
                        patient_id=1001,
                        dose_number=4,
                        dose_planned=now.date() + timedelta(days=days),
                        kind="dose",
                        priority=1,
                        due_at=now + timedelta(days=days),
                        finished_at=now - timedelta(days=3) if finished else None,
                        outcome="sent" if finished else None,
                        created_at=now,
                    )
                )
    finally:
        engine.dispose()


def clear_of_midnight(zones: list[str]) -> None:
    """Wait out the last seconds of a day in any zone, so 'today' is the same for the seed,
    the expectations and the bot."""
    for zone in zones:
        local = datetime.now(ZoneInfo(zone))
        left = datetime.combine(local.date() + timedelta(days=1), time(0), local.tzinfo) - local
        if left.total_seconds() < 60:
            walltime.sleep(left.total_seconds() + 1)


def figures_of(staff: FakeUser) -> tuple[dict[str, int], str]:
    """/stats: the figures by name, and the message text."""
    body = say(staff, "/stats", "Figures").body
    found = {}
    for name, pattern in FIGURE_LINES.items():
        match = re.search(pattern, body)
        assert match is not None, f"{name} missing from:\n{body}"
        found[name] = int(match.group(1))
    return found, body


@pytest.fixture
def seeded(api: FakeBotApi, tmp_path: Path) -> Iterator[BotProcess]:
    clear_of_midnight(sorted({p.zone for p in PEOPLE}))
    seed(database_url(tmp_path), datetime.now(UTC))
    bot = BotProcess(api, tmp_path, {"ADMIN_IDS": "9001"})
    bot.start()
    try:
        yield bot
    finally:
        bot.stop()


# --- tests -------------------------------------------------------------------------------


def test_the_schedule_rules_give_the_hand_counted_figures() -> None:
    """The test's own reading of the rules, checked against dates worked out by hand."""
    first = date(2026, 1, 31)
    taken = [first, date(2026, 2, 7), date(2026, 2, 16), date(2026, 3, 2), date(2026, 4, 2)]
    assert planned_dates(first, taken) == [
        first,
        date(2026, 2, 7),
        date(2026, 2, 14),
        date(2026, 3, 2),  # 14 days after dose 3 as taken
        date(2026, 4, 2),
        date(2026, 5, 2),
    ]
    assert planned_dates(date(2026, 1, 1), []) == [date(2026, 1, 1)]
    assert plus_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert expected_doses(PEOPLE, datetime.now(UTC)) == HAND_COUNTED


def test_figures_over_a_seeded_database(api: FakeBotApi, seeded: BotProcess) -> None:
    staff = api.user(9001, "Sam")
    sign_up = api.user(3002, "Zoe")
    begin(sign_up)  # a second sign-up in progress, through the chat

    figures, body = figures_of(staff)
    assert body.startswith("📊 Figures (counts only)")
    assert f"Doses, last {WINDOW_DAYS} days" in body
    assert figures == {
        "patients": 8,
        "paused": 1,
        "caregivers": 3,  # Carol (two patients) once, Erin, Bruno; Dave not approved
        "active": 8,  # 7 reachable patients + Carol; Bruno counted once
        "inactive": 2,  # Fumiko and Erin
        "enrolling": 2,
        **expected_doses(PEOPLE, datetime.now(UTC)),
        "pending": 2,
    }
    for secret in SECRETS:
        assert secret not in body, secret
    assert not DATE.search(body), body
    shown = [m for m in staff.messages() if "Figures" in m.body]
    assert shown and all(m.buttons == [] for m in shown), "no buttons leading to people"

    # not for anyone else, patient or caregiver
    for outsider in (api.user(1001, "Alice"), api.user(2001, "Carol")):
        answer = say(outsider, "/stats", "support team only")
        assert answer.body == "Sorry, that command is for the support team only."
        assert "Patients" not in answer.body

    # blocking the bot makes a caregiver or a patient inactive, unblocking active again
    carol, dmitri = api.user(2001, "Carol"), api.user(1004, "Dmitri")
    carol.block()
    dmitri.block()
    after_blocking, _ = figures_of(staff)
    assert after_blocking == {**figures, "active": 6, "inactive": 4}
    carol.unblock()
    after_unblocking, _ = figures_of(staff)
    assert after_unblocking == {**figures, "active": 7, "inactive": 3}
    # every figure is live: each /stats is answered with one message, nothing sent before it
    answers = [
        c for c in api.calls_to("sendMessage") if str(c.params["chat_id"]) == str(staff.user_id)
    ]
    assert len(answers) == 3 and all("Figures" in c.params["text"] for c in answers)


def test_empty_database_and_sign_ups_through_the_chat(api: FakeBotApi, bot: BotProcess) -> None:
    staff = api.user(9001, "Sam")
    figures, _ = figures_of(staff)
    assert figures == ZEROS

    user = api.user(3101, "Ivy")
    begin(user)
    assert figures_of(staff)[0] == {**ZEROS, "enrolling": 1}
    say(user, "Europe/Berlin", "first")
    say(user, "today", "remind you on dose days")
    say(user, "09:00", "You're all set")
    figures, _ = figures_of(staff)
    assert figures["patients"] == 1 and figures["active"] == 1 and figures["enrolling"] == 0
    # dose 1, given at sign-up, happened before enrolment: not the bot's to count
    assert [figures[name] for name in ("on_time", "early", "late", "missed")] == [0, 0, 0, 0]
    assert figures["pending"] >= 1, "the next dose's reminders wait in the outbox"


def test_a_sign_up_waiting_behind_a_question_still_counts(api: FakeBotApi, bot: BotProcess) -> None:
    staff = api.user(9001, "Sam")
    user = api.user(3201, "Jon")
    begin(user)
    assert figures_of(staff)[0]["enrolling"] == 1
    say(user, "/deletedata", "erases everything")  # the sign-up waits behind this question
    assert figures_of(staff)[0]["enrolling"] == 1
