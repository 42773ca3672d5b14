"""The dose statuses kept for the staff's figures (issue 18): the pure rows from the domain, and
the exactness test. Random patients are driven through the real actions (enrolment, doses
recorded on time, early, late, corrected, undone or missed, zone and reminder-time changes,
pause), then `/stats`'s one SQL count is compared with the full recomputation it replaced
(`adherence.recent` summed over every plan, kept here as the oracle) at many instants, on
SQLite and PostgreSQL."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from alembic import command
from sqlalchemy import Engine, insert
from sqlmodel import Session, select

from bot.actions import doses as dose_actions
from bot.actions import enrolment, erasure, settings
from bot.db import alembic_config, make_engine, reading, transaction
from bot.domain.adherence import Recent, Status, recent
from bot.domain.dose_statuses import RECENT_DAYS, CountedDose, counted_doses, tally
from bot.domain.schedule import Course, build_plan, last_planned, next_dose
from bot.domain.timing import day_start, local_date, local_instant
from bot.models import DoseRecord, DoseStatus, Patient, table_of
from bot.store import dose_statuses, doses, figures, patients
from tests.support import factories, recomputed

BERLIN = "Europe/Berlin"
ENROLLED = datetime(2026, 1, 1, tzinfo=UTC)
ZONES = (
    "Pacific/Kiritimati",  # UTC+14: its day starts at 10:00 UTC the day before
    "Pacific/Pago_Pago",  # UTC-11
    "Europe/Berlin",  # both clock changes
    "Australia/Lord_Howe",  # a 30-minute change
    "America/Santiago",  # its clocks change at midnight: a day that starts at 01:00
    "Asia/Kathmandu",  # +05:45
)
MONTH_ENDS = (
    date(2026, 1, 31),
    date(2026, 2, 28),
    date(2026, 3, 31),
    date(2026, 4, 30),
    date(2026, 8, 31),
)
REMINDER_TIMES = (time(0, 0), time(0, 30), time(2, 30), time(9, 0), time(23, 30))
SECOND = timedelta(seconds=1)


# --- the pure rows -------------------------------------------------------------------------


def rows(
    course: Course, *, zone: str = BERLIN, enrolled_at: datetime = ENROLLED
) -> list[CountedDose]:
    return counted_doses(course, zone=zone, reminder_time=time(9), enrolled_at=enrolled_at)


def test_taken_doses_keep_their_status_and_the_untaken_one_counts_as_missed_a_day_later() -> None:
    # plan: 1 on 3 Mar, 2 on 10 Mar (taken the 9th), 3 on 16 Mar (taken the 19th), 4 on 2 Apr
    course = Course(
        date(2026, 3, 3), {1: date(2026, 3, 3), 2: date(2026, 3, 9), 3: date(2026, 3, 19)}
    )
    assert rows(course) == [
        # in the window until 3 Apr began in Berlin (CEST by then): 2 Apr 22:00 UTC
        CountedDose(1, Status.ON_TIME, None, datetime(2026, 4, 2, 22, tzinfo=UTC)),
        CountedDose(2, Status.EARLY, None, datetime(2026, 4, 8, 22, tzinfo=UTC)),
        CountedDose(3, Status.LATE, None, datetime(2026, 4, 18, 22, tzinfo=UTC)),
        # reminded 2 Apr 09:00 CEST (07:00 UTC), missed 24 h later
        CountedDose(
            4,
            Status.MISSED,
            datetime(2026, 4, 3, 7, tzinfo=UTC),
            datetime(2026, 5, 2, 22, tzinfo=UTC),
        ),
    ]


def test_doses_before_enrolment_are_left_out_and_a_dose_due_before_it_counts_from_it() -> None:
    course = Course(date(2026, 3, 3), {1: date(2026, 3, 3), 3: date(2026, 3, 17)}, enrolled_after=3)
    enrolled_at = datetime(2026, 4, 5, 12, tzinfo=UTC)  # dose 4 was due on 31 March
    assert rows(course, enrolled_at=enrolled_at) == [
        CountedDose(
            4,
            Status.MISSED,
            enrolled_at + timedelta(hours=24),
            datetime(2026, 4, 30, 22, tzinfo=UTC),
        )
    ]


def test_the_window_ends_when_the_patients_own_day_begins() -> None:
    course = Course(date(2026, 3, 3), {1: date(2026, 3, 3)})
    first = rows(course, zone="Pacific/Kiritimati")[0]
    assert first.counts_until == datetime(2026, 4, 2, 10, tzinfo=UTC)  # 3 Apr 00:00 at +14
    pago = rows(course, zone="Pacific/Pago_Pago")[0]
    assert pago.counts_until == datetime(2026, 4, 3, 11, tzinfo=UTC)  # 3 Apr 00:00 at -11


def test_a_day_starts_at_its_first_instant_even_when_midnight_does_not_exist() -> None:
    """Santiago springs forward at midnight (6 Sep 2026: 00:00 becomes 01:00) and falls back
    at midnight; Berlin changes at night; Lord Howe by half an hour."""
    days = [
        date(2026, 9, 5),
        date(2026, 9, 6),
        date(2026, 9, 7),
        date(2026, 4, 4),
        date(2026, 4, 5),
    ]
    days += [date(2026, 3, 29), date(2026, 10, 25), date(2026, 10, 4)]
    for zone in ZONES:
        for day in days:
            start = day_start(day, zone)
            assert local_date(start, zone) == day, (zone, day)
            assert local_date(start - timedelta(microseconds=1), zone) == day - timedelta(days=1)
    gap = day_start(date(2026, 9, 6), "America/Santiago")
    assert gap.astimezone(ZoneInfo("America/Santiago")).time() == time(1, 0)


def test_the_rows_give_recent_at_any_instant() -> None:
    """In Python: `tally` over the rows against `recent` over the plan, for random courses,
    hourly and at every edge."""
    rng = random.Random(18)
    for _ in range(100):
        zone, at = rng.choice(ZONES), rng.choice(REMINDER_TIMES)
        first = rng.choice(MONTH_ENDS)
        course = random_course(rng, first)
        enrolled_at = datetime.combine(first, time(12), UTC) + timedelta(days=rng.randint(-5, 40))
        found = counted_doses(course, zone=zone, reminder_time=at, enrolled_at=enrolled_at)
        edges = {e for row in found for e in (row.counts_from, row.counts_until) if e is not None}
        start = datetime.combine(first, time(0), UTC) - timedelta(days=2)
        moments = [start + timedelta(hours=7 * step) for step in range(300)]
        moments += [edge + offset for edge in edges for offset in (-SECOND, 0 * SECOND, SECOND)]
        for now in moments:
            expected = recent(
                course, now=now, zone=zone, reminder_time=at, enrolled_at=enrolled_at, days=30
            )
            assert tally(found, now) == expected, (zone, course, now)


def random_course(rng: random.Random, first: date) -> Course:
    """Up to eight doses after enrolment, each some days off its plan."""
    course = Course(first, {})
    enrolled_after = rng.choice([0, 0, 1, 3, 5])
    if enrolled_after:
        number, day = last_planned(first, build_plan(course, first, 6)[enrolled_after - 1].planned)
        course = Course(first, {1: first, number: day}, enrolled_after=number)
    for _ in range(rng.randint(0, 8)):
        due = next_dose(course, first)
        previous = max(course.taken.values(), default=first - timedelta(days=1))
        day = max(due.planned + timedelta(days=rng.randint(-3, 5)), previous + timedelta(days=1))
        course = Course(first, {**course.taken, due.number: day}, course.enrolled_after)
    return course


# --- the exactness test: real actions, SQL against the full recomputation -------------------


@dataclass
class Walk:
    """One patient's life as the test drove it, for the failure message."""

    user_id: int
    steps: list[str]


def live(engine: Engine, rng: random.Random, user_id: int) -> tuple[Walk, datetime, datetime]:
    """Enrol a random patient and act for 60-90 days through the real actions; returns the
    first and last instants."""
    zone, at, first = rng.choice(ZONES), rng.choice(REMINDER_TIMES), rng.choice(MONTH_ENDS)
    walk = Walk(user_id, [])
    answers = factories.enrolment(user_id, first=first, zone=zone, at=at)
    if rng.random() < 0.35:  # enrolled after their first doses
        joined = first + timedelta(days=rng.randint(1, 70))
        number, last = last_planned(first, joined)
        last = min(last + timedelta(days=rng.randint(0, 2)), joined)
        if number > 1:
            answers = patients.Enrolment(
                **{**vars(answers), "last_injection": last, "last_dose_number": number}
            )
    else:
        joined = first - timedelta(days=rng.randint(0, 5))
    now = local_instant(joined, time(rng.randrange(24), rng.choice((0, 45))), zone)
    started = now
    enrolment.enrol(engine, now, answers)
    walk.steps.append(f"{now:%Y-%m-%d %H:%M} enrol {zone} {at} first {first} {answers}")
    end = now + timedelta(days=rng.randint(60, 90))
    paused = False
    while now < end:
        now += timedelta(hours=rng.randint(8, 48), minutes=rng.randrange(60))
        if rng.random() < 0.05:
            now += timedelta(days=rng.randint(3, 15))  # away: a dose is missed, then late
        with reading(engine) as session:
            patient = patients.get(session, user_id)
            assert patient is not None
            course = patients.course_of(session, patient)
            latest = doses.latest_number(session, user_id)
            latest_day = course.taken.get(latest)
            recorded_after = latest > patient.enrolled_after
            zone = patient.time_zone
        today = local_date(now, zone)
        due = next_dose(course, today)
        roll = rng.random()
        if due.planned <= today + timedelta(days=2) and roll < 0.5:
            day = today - timedelta(days=rng.choice((0, 0, 0, 1, 2, 3)))
            if rng.random() < 0.4 and due.planned <= today:
                day = due.planned  # right on the day
            outcome = dose_actions.record_dose(
                engine, now, user_id, number=None, planned=None, source="bot", day=day
            )
            step = f"record {due.number} on {day}: {type(outcome).__name__}"
        elif roll < 0.58 and recorded_after and latest_day is not None:
            moved = latest_day + timedelta(days=rng.choice((-2, -1, 1, 2)))
            outcome = dose_actions.correct_dose(
                engine, now, user_id, latest, lambda _, day=moved: day
            )
            step = f"correct {latest} to {moved}: {type(outcome).__name__}"
        elif roll < 0.64 and recorded_after:
            step = f"undo {latest}: {dose_actions.undo_dose(engine, now, user_id, latest)}"
        elif roll < 0.71:
            zone = rng.choice(ZONES)
            settings.set_time_zone(engine, now, user_id, zone, prompt=False)
            step = f"zone {zone}"
        elif roll < 0.78:
            at = rng.choice(REMINDER_TIMES)
            settings.set_reminder_time(engine, now, user_id, at, prompt=False)
            step = f"reminder time {at}"
        elif roll < 0.83:
            paused = not paused
            (settings.pause if paused else settings.resume)(engine, now, user_id)
            step = "pause" if paused else "resume"
        else:
            continue
        walk.steps.append(f"{now:%Y-%m-%d %H:%M} {step}")
    return walk, started, now


def edges_of(session: Session) -> set[datetime]:
    """Each missed instant and window edge: as stored, and worked out apart from the rows with
    ZoneInfo (the local midnight 31 days after a dose's day, its reminder + 24 h)."""
    edges = {
        edge
        for row in session.exec(select(DoseStatus)).all()
        for edge in (row.counts_from, row.counts_until)
        if edge is not None
    }
    everyone = session.exec(select(Patient)).all()
    courses = patients.courses_of(session, everyone)
    for patient in everyone:
        zone = ZoneInfo(patient.time_zone)
        course = courses[patient.user_id]
        for dose in build_plan(course, course.first_injection, upcoming=1):
            day = dose.taken or dose.planned
            leaves = datetime.combine(day + timedelta(days=RECENT_DAYS + 1), time(0), zone)
            edges.add(leaves.astimezone(UTC))
            if dose.taken is None:
                reminded = datetime.combine(dose.planned, patient.reminder_time, zone)
                edges.add(max(reminded.astimezone(UTC), patient.enrolled_at) + timedelta(hours=24))
    return edges


def test_the_stored_figures_equal_a_full_recomputation_at_every_instant(engine: Engine) -> None:
    rng = random.Random(1805)
    walks, starts, ends = [], [], []
    for index in range(14):
        walk, started, ended = live(engine, rng, 5000 + index)
        walks.append(walk)
        starts.append(started)
        ends.append(ended)
    with reading(engine) as session:
        moments = [
            min(starts) - timedelta(days=2) + timedelta(hours=7 * step, minutes=13)
            for step in range(int((max(ends) - min(starts)).days * 24 / 7) + 160)
        ]
        moments += [
            e + offset for e in edges_of(session) for offset in (-SECOND, 0 * SECOND, SECOND)
        ]
        seen = Recent()
        for now in sorted(moments):
            expected = recomputed.recent_doses(session, now)
            assert figures.recent_doses(session, now) == expected, (now, walks)
            seen += expected
    assert len(moments) > 1500
    assert min(seen.on_time, seen.early, seen.late, seen.missed) > 100, "every status occurs"
    steps = " ".join(step for walk in walks for step in walk.steps)
    for action in ("zone", "reminder time", "pause", "undo", "correct", "Recorded"):
        assert action in steps, f"no {action} in the walks"


# --- the migration ---------------------------------------------------------------------------


def test_the_migration_fills_in_the_rows_of_existing_patients(database_url: str) -> None:
    """Deployments have patients: upgrading writes each one's rows with the domain's function,
    over more patients than one chunk; a patient whose records form no course gets none."""
    config = alembic_config(database_url)
    command.upgrade(config, "0013_outbox_claims")
    rng = random.Random(13)
    people, records, expected = [], [], set()
    for user_id in range(1, 2601):
        zone, at, first = rng.choice(ZONES), rng.choice(REMINDER_TIMES), rng.choice(MONTH_ENDS)
        course = random_course(rng, first)
        enrolled_at = datetime.combine(first, time(12), UTC) + timedelta(days=rng.randint(-5, 40))
        people.append(
            {
                "user_id": user_id,
                "chat_id": user_id,
                "first_name": None,
                "time_zone": zone,
                "reminder_time": at,
                "first_injection": first,
                "enrolled_after": course.enrolled_after,
                "paused": False,
                "discreet": False,
                "blocked_at": None,
                "checks_done": "",
                "enrolled_at": enrolled_at,
                "updated_at": enrolled_at,
            }
        )
        taken = dict(course.taken)
        if user_id == 7:  # dose 3 recorded without dose 2: no course
            taken = {1: first, 3: first + timedelta(days=14)}
        records += [
            {"patient_id": user_id, "number": n, "taken_on": day, "recorded_at": enrolled_at}
            for n, day in taken.items()
        ]
        if user_id != 7:
            found = counted_doses(course, zone=zone, reminder_time=at, enrolled_at=enrolled_at)
            expected |= {tuple(row.values()) for row in dose_statuses.rows_for(user_id, found)}
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(insert(table_of(Patient)), people)
            connection.execute(insert(table_of(DoseRecord)), records)
        command.upgrade(config, "head")
        with engine.connect() as connection:
            stored = {tuple(row) for row in connection.execute(select(table_of(DoseStatus)))}
    finally:
        engine.dispose()
    assert len(expected) > 2600
    assert stored == expected


# --- erasure ---------------------------------------------------------------------------------


def statuses(engine: Engine, user_id: int) -> list[int]:
    with transaction(engine) as session:
        found = session.exec(select(DoseStatus).where(DoseStatus.patient_id == user_id)).all()
        return [row.number for row in found]


def test_deletedata_and_deleting_the_patient_take_their_rows(engine: Engine) -> None:
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    for user_id in (1, 2, 3):
        factories.enrol(engine, user_id, now, first=date(2026, 3, 2))
    dose_actions.record_dose(engine, now, 1, number=None, planned=None, source="bot")
    assert statuses(engine, 1) == [1, 2] and statuses(engine, 2) == [1]

    assert erasure.request_erasure(engine, now, 1)
    decided = erasure.decide_erasure(engine, now, 1, True, lambda _row, _now: True)
    assert decided is erasure.Decision.ERASED
    assert statuses(engine, 1) == [] and statuses(engine, 3) == [1]

    with transaction(engine) as session:  # ON DELETE CASCADE, whatever deletes the patient
        session.delete(session.get(Patient, 2))
    assert statuses(engine, 2) == [] and statuses(engine, 3) == [1]
