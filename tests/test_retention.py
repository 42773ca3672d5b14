"""Retention: the rules with an injectable clock, then the daily run over a database holding a
mix of people (SQLite and PostgreSQL), asserting exactly who is warned, who goes and who
stays; the warning as the sweep sends it; and coming back in time."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import SQLModel

from bot import texts
from bot.clock import FixedClock
from bot.config import Settings
from bot.db import transaction
from bot.domain.conversations import FlowName
from bot.domain.outcomes import Outcome
from bot.domain.retention import (
    NOTICE,
    SignUpFate,
    blocked_long_enough,
    deletion_at,
    sign_up_fate,
)
from bot.jobs import retention, sweep
from bot.models import (
    Broadcast,
    BroadcastDelivery,
    CaregiverLink,
    Conversation,
    DiaryEntry,
    DoseRecord,
    LanguageChoice,
    OutboxMessage,
    Patient,
    SupportRequest,
)
from bot.services import Services
from bot.store import dose_statuses, languages, outbox, patients
from bot.store import retention as store
from bot.texts import language

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
PERIOD = timedelta(days=180)
DAY = timedelta(days=1)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


# --- the rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quiet_days", "warned_days_ago", "fate"),
    [
        (10, None, SignUpFate.KEEP),
        (180, None, SignUpFate.KEEP),  # exactly the period: not longer than it
        (180.01, None, SignUpFate.WARN),
        (400, None, SignUpFate.WARN),
        (190, 3, SignUpFate.KEEP),  # warned, still within the week
        (190, 7, SignUpFate.DELETE),  # a week after the warning, still quiet
        (200, 20, SignUpFate.DELETE),
    ],
)
def test_a_quiet_sign_up_is_warned_then_deleted_a_week_later(
    quiet_days: float, warned_days_ago: float | None, fate: SignUpFate
) -> None:
    warned = None if warned_days_ago is None else ago(warned_days_ago)
    assert sign_up_fate(ago(quiet_days), warned, NOW, PERIOD) is fate


def test_writing_after_the_warning_starts_the_count_again() -> None:
    warned = ago(8)
    assert sign_up_fate(ago(2), warned, NOW, PERIOD) is SignUpFate.KEEP
    # ... and only a new quiet period of the full length brings a new warning
    later = ago(2) + PERIOD + timedelta(minutes=1)
    assert sign_up_fate(ago(2), warned, later, PERIOD) is SignUpFate.WARN


def test_deletion_comes_a_week_after_the_warning() -> None:
    assert deletion_at(ago(1)) == ago(1) + timedelta(days=7) == ago(1) + NOTICE


@pytest.mark.parametrize(
    ("moments", "gone"),
    [
        ([], False),  # no role at all: nothing to go by
        ([ago(181)], True),
        ([ago(180)], False),
        ([ago(30)], False),
        ([None], False),
        ([ago(400), ago(200)], True),  # patient and caregiver, both blocked long ago
        ([ago(400), ago(10)], False),  # the latest counts
        ([ago(400), None], False),  # one role still reachable
    ],
)
def test_blocked_long_enough(moments: list[datetime | None], gone: bool) -> None:
    assert blocked_long_enough(moments, NOW, PERIOD) is gone


def test_the_sign_up_flow_is_the_enrolment_conversation() -> None:
    assert store.SIGN_UP == FlowName.ENROLMENT


# --- the daily run over a database ----------------------------------------------------------


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def app(engine: Engine, clock: FixedClock) -> Services:
    settings = Settings(token="1:x", database_url="", admin_ids=frozenset(), api_base_url="")
    assert settings.retention_days == 180
    return Services(settings=settings, engine=engine, clock=clock)


def sign_up(
    engine: Engine,
    user_id: int,
    quiet_since: datetime,
    warned_at: datetime | None = None,
    *,
    flow: str = store.SIGN_UP,
    answers: dict[str, object] | None = None,
    language: str | None = None,
) -> None:
    with transaction(engine) as session:
        session.add(
            Conversation(
                user_id=user_id,
                flow=flow,
                step="first",
                answers=answers if answers is not None else {"zone": "Europe/Berlin"},
                updated_at=quiet_since,
                warned_at=warned_at,
            )
        )
        if language is not None:
            session.add(LanguageChoice(user_id=user_id, code=language, updated_at=quiet_since))


def patient(
    engine: Engine, user_id: int, since: datetime, blocked_at: datetime | None = None
) -> None:
    """An enrolled patient with a dose (and its stored statuses), a diary note and a pending
    reminder, untouched since `since`."""
    with transaction(engine) as session:
        session.add(
            Patient(
                user_id=user_id,
                chat_id=user_id,
                first_name=f"P{user_id}",
                time_zone="Europe/Berlin",
                reminder_time=time(9),
                first_injection=since.date(),
                blocked_at=blocked_at,
                enrolled_at=since,
                updated_at=since,
            )
        )
        session.flush()
        session.add(
            DoseRecord(patient_id=user_id, number=1, taken_on=since.date(), recorded_at=since)
        )
        stored = session.get_one(Patient, user_id)
        dose_statuses.write(session, stored, patients.course_of(session, stored))
        session.add(
            DiaryEntry(patient_id=user_id, noted_on=since.date(), text="tired", created_at=since)
        )
        session.add(LanguageChoice(user_id=user_id, code="en", updated_at=since))
        outbox.add(
            session,
            chat_id=user_id,
            patient_id=user_id,
            kind="dose",
            priority=0,
            due_at=since + DAY,
            now=since,
            dose_number=2,
            dose_planned=(since + DAY).date(),
        )


def caregiver(
    engine: Engine, patient_id: int, caregiver_id: int, blocked_at: datetime | None = None
) -> None:
    with transaction(engine) as session:
        session.add(
            CaregiverLink(
                patient_id=patient_id,
                caregiver_id=caregiver_id,
                caregiver_name=f"C{caregiver_id}",
                approved_at=ago(500),
                blocked_at=blocked_at,
                created_at=ago(500),
            )
        )
        if session.get(LanguageChoice, caregiver_id) is None:
            session.add(LanguageChoice(user_id=caregiver_id, code="de", updated_at=ago(500)))


def people(engine: Engine) -> set[int]:
    """Everyone the database still holds anything about (ids in the person-holding columns)."""
    columns = {
        "patients": ("user_id",),
        "conversations": ("user_id",),
        "languages": ("user_id",),
        "caregiver_links": ("patient_id", "caregiver_id"),
        "dose_records": ("patient_id",),
        "dose_statuses": ("patient_id",),
        "diary_entries": ("patient_id",),
        "outbox": ("chat_id", "patient_id"),
        "support_requests": ("user_id",),
        "broadcast_deliveries": ("user_id",),
    }
    found: set[int] = set()
    with engine.connect() as connection:
        for name, names in columns.items():
            table = SQLModel.metadata.tables[name]
            for column in names:
                found |= {
                    value
                    for (value,) in connection.execute(select(table.c[column]))
                    if value is not None
                }
    return found


def warned(engine: Engine) -> dict[int, datetime | None]:
    with transaction(engine) as session:
        return dict(session.execute(select(Conversation.user_id, Conversation.warned_at)).all())


def warnings_queued(engine: Engine) -> list[tuple[int, datetime]]:
    with transaction(engine) as session:
        return sorted(
            session.execute(
                select(OutboxMessage.chat_id, OutboxMessage.due_at).where(
                    OutboxMessage.kind == store.WARNING, OutboxMessage.finished_at.is_(None)
                )
            ).all()
        )


def test_exactly_who_goes_in_a_mixed_crowd(engine: Engine, app: Services) -> None:
    sign_up(engine, 101, ago(200))  # quiet past the period: warned now
    sign_up(engine, 102, ago(100))  # quiet, within the period: nothing
    sign_up(engine, 103, ago(200), warned_at=ago(8), language="de")  # warned, quiet: goes
    sign_up(engine, 104, ago(3), warned_at=ago(8))  # wrote after the warning: stays
    sign_up(engine, 105, ago(190), warned_at=ago(3))  # warned 3 days ago: stays for now
    sign_up(engine, 106, ago(300), flow="settings")  # a prompt left 300 days ago: deleted
    patient(engine, 201, ago(400))  # enrolled, quiet for 400 days: NEVER deleted
    patient(engine, 202, ago(400), blocked_at=ago(200))  # blocked long ago: goes
    patient(engine, 203, ago(400), blocked_at=ago(100))  # blocked recently: stays
    caregiver(engine, 201, 301, blocked_at=ago(200))  # caregiver only, blocked: goes
    caregiver(engine, 201, 302, blocked_at=ago(200))  # blocked on one link...
    caregiver(engine, 203, 302)  # ... but not on the other: stays
    patient(engine, 204, ago(400), blocked_at=ago(300))  # blocked as patient...
    caregiver(engine, 201, 204)  # ... and still reachable as caregiver: stays
    caregiver(engine, 202, 303)  # the caregiver of a patient who goes: the link goes, and
    # with it the last thing keeping their language, set 500 days ago
    sign_up(engine, 304, ago(300))  # half-way through signing up, but also a caregiver:
    caregiver(engine, 201, 304)  # they are not only a sign-up, so no warning

    everyone = people(engine)
    outcome = retention.run(app)

    assert outcome == retention.Outcome(
        warned=1, sign_ups_deleted=1, blocked_deleted=2, exchanges_ended=1, loose_rows_deleted=1
    )
    assert everyone - people(engine) == {103, 106, 202, 301, 303}
    assert warned(engine)[101] == NOW
    assert warnings_queued(engine) == [(101, NOW)]
    assert {101, 102, 104, 105, 201, 203, 204, 302, 304} <= people(engine)
    with transaction(engine) as session:
        links = session.execute(select(CaregiverLink.patient_id, CaregiverLink.caregiver_id))
        assert sorted(links.all()) == [(201, 204), (201, 302), (201, 304), (203, 302)]
        assert session.get(Patient, 201) is not None

    assert retention.run(app) == retention.Outcome(), "a second run the same day does nothing"
    assert len(warnings_queued(engine)) == 1


def test_the_quiet_enrolled_patient_stays_forever(
    engine: Engine, app: Services, clock: FixedClock
) -> None:
    patient(engine, 201, ago(10))
    for years in range(1, 6):
        clock.set(NOW + timedelta(days=365 * years))
        assert retention.run(app) == retention.Outcome()
    assert people(engine) == {201}


def test_a_shorter_retention_setting_is_followed(engine: Engine, clock: FixedClock) -> None:
    settings = Settings(
        token="1:x", database_url="", admin_ids=frozenset(), api_base_url="", retention_days=30
    )
    app = Services(settings=settings, engine=engine, clock=clock)
    sign_up(engine, 101, ago(31))
    sign_up(engine, 102, ago(29))
    patient(engine, 202, ago(400), blocked_at=ago(31))
    assert retention.run(app) == retention.Outcome(warned=1, blocked_deleted=1)
    assert set(warned(engine)) == {101, 102}


def test_warning_then_deletion_a_week_later_unless_they_write(
    engine: Engine, app: Services, clock: FixedClock
) -> None:
    sign_up(engine, 101, ago(181))
    sign_up(engine, 102, ago(181))
    assert retention.run(app).warned == 2

    clock.set(NOW + 3 * DAY)
    with transaction(engine) as session:  # 102 sends /start: any update touches the sign-up
        assert store.touch_sign_up(session, 102, "de", clock.now())
    assert retention.run(app) == retention.Outcome()

    clock.set(NOW + NOTICE - timedelta(minutes=1))
    assert retention.run(app) == retention.Outcome()
    clock.set(NOW + NOTICE)
    assert retention.run(app) == retention.Outcome(sign_ups_deleted=1)
    assert people(engine) == {102}, "their warning row went with them"
    assert warned(engine) == {102: None}
    with transaction(engine) as session:
        assert session.get(LanguageChoice, 102).code == "de", "kept for a later warning"


def test_touching_leaves_other_conversations_and_other_people_alone(engine: Engine) -> None:
    sign_up(engine, 101, ago(200), warned_at=ago(1), flow="erase")
    with transaction(engine) as session:
        assert not store.touch_sign_up(session, 101, "en", NOW)
        assert not store.touch_sign_up(session, 999, "en", NOW)
    assert warned(engine) == {101: ago(1)}
    assert people(engine) == {101}, "no language kept for someone who is not signing up"


def test_a_person_who_writes_between_the_listing_and_the_deletion_stays(
    engine: Engine,
) -> None:
    sign_up(engine, 101, ago(200), warned_at=ago(8))
    with transaction(engine) as session:
        [listed] = store.quiet_sign_ups(session, ago(180))
    assert sign_up_fate(listed.updated_at, listed.warned_at, NOW, PERIOD) is SignUpFate.DELETE
    with transaction(engine) as session:
        store.touch_sign_up(session, 101, "en", NOW)
    with transaction(engine) as session:
        assert not store.delete_sign_up(session, 101, NOW - NOTICE)
        assert not store.warn(session, 101, ago(180), NOW)
    assert 101 in people(engine)


def test_coming_back_from_a_block_in_time_keeps_everything(
    engine: Engine, app: Services, clock: FixedClock
) -> None:
    patient(engine, 202, ago(400), blocked_at=ago(170))
    assert retention.run(app) == retention.Outcome()
    with transaction(engine) as session:
        session.get(Patient, 202).blocked_at = None
    clock.set(NOW + 30 * DAY)
    assert retention.run(app) == retention.Outcome()
    assert people(engine) == {202}


def test_every_table_has_a_retention_rule() -> None:
    """A new table must say how its rows end (or why it holds nothing about a person)."""
    ruled, exempt = set(store.RULES), set(store.NO_PERSONAL_DATA)
    assert not ruled & exempt
    missing = set(SQLModel.metadata.tables) - ruled - exempt
    assert not missing, f"tables without a retention rule in bot.store.retention: {missing}"
    assert set(SQLModel.metadata.tables) == ruled | exempt, "a rule for a table that is gone"
    assert all(rule.strip() for rule in (*store.RULES.values(), *store.NO_PERSONAL_DATA.values()))


def test_a_sign_up_interrupted_by_another_exchange_is_warned_then_deleted(
    engine: Engine, app: Services, clock: FixedClock
) -> None:
    def interrupted(zone: str) -> dict[str, object]:
        return {"earlier": {"flow": store.SIGN_UP, "step": "first", "answers": {"zone": zone}}}

    sign_up(engine, 101, ago(200), flow="erase", answers=interrupted("Asia/Tokyo"))
    sign_up(engine, 102, ago(200), flow="support", answers={"request": 7, **interrupted("UTC")})
    sign_up(engine, 103, ago(200), flow="erase", answers={"earlier": None})  # nothing under it
    sign_up(engine, 104, ago(10), flow="erase", answers=interrupted("UTC"))  # recent: waits
    patient(engine, 201, ago(400))  # a patient's own left-over request goes with them
    sign_up(engine, 201, ago(400), flow="erase", answers={"earlier": None})

    assert retention.run(app) == retention.Outcome(warned=2, exchanges_ended=3)
    with transaction(engine) as session:
        given_back = {
            row.user_id: (row.flow, row.step, row.answers, row.warned_at)
            for row in session.execute(select(Conversation)).scalars()
        }
    assert given_back[101] == ("enrolment", "first", {"zone": "Asia/Tokyo"}, NOW)
    assert given_back[102] == ("enrolment", "first", {"zone": "UTC"}, NOW)
    assert 103 not in given_back and 103 not in people(engine)
    assert given_back[104][0] == given_back[201][0] == "erase"
    sent = dict(send_due(app))
    assert "will be deleted on 2026-09-08" in sent[101] and "/start" in sent[102]

    clock.set(NOW + NOTICE)
    assert retention.run(app) == retention.Outcome(sign_ups_deleted=2)
    assert people(engine) == {104, 201}


def test_rows_about_people_no_longer_served_expire(engine: Engine, clock: FixedClock) -> None:
    settings = Settings(token="1:x", database_url="", admin_ids=frozenset({403}), api_base_url="")
    app = Services(settings=settings, engine=engine, clock=clock)
    with transaction(engine) as session:
        for user_id, asked in ((401, ago(200)), (402, ago(100)), (404, ago(400))):
            session.add(SupportRequest(user_id=user_id, created_at=asked))
        for user_id, seen in ((401, ago(200)), (402, ago(200)), (403, ago(500)), (405, ago(500))):
            session.add(LanguageChoice(user_id=user_id, code="de", chosen=True, updated_at=seen))
        session.add(LanguageChoice(user_id=406, code="de", chosen=True, updated_at=ago(200)))
        notice = Broadcast(sender_id=403, sender_name="S", text="t", created_at=ago(300))
        session.add(notice)
        session.flush()
        for user_id, finished in ((405, ago(200)), (201, ago(200)), (406, None)):
            session.add(
                BroadcastDelivery(broadcast_id=notice.id, user_id=user_id, finished_at=finished)
            )
        for chat_id, finished in ((407, ago(200)), (408, ago(100))):
            outbox.add(session, chat_id=chat_id, kind="note", priority=2, due_at=ago(300), now=NOW)
            session.execute(
                OutboxMessage.__table__.update()
                .where(OutboxMessage.chat_id == chat_id)
                .values(finished_at=finished)
            )
    patient(engine, 404, ago(400))
    patient(engine, 201, ago(400))
    with transaction(engine) as session:  # 406 still uses the bot: seen a day ago
        assert languages.follow(session, 406, "en", NOW - DAY) == "de"
        assert languages.follow(session, 406, "en", NOW - DAY / 2) == "de"
    with transaction(engine) as session:
        assert session.get(LanguageChoice, 406).updated_at == NOW - DAY, "one write a day"

    before = people(engine)
    outcome = retention.run(app)

    # 401's old request and language; 405's delivery and language (a former caregiver);
    # 407's old message
    assert outcome == retention.Outcome(loose_rows_deleted=5)
    assert before - people(engine) == {401, 405, 407}
    with transaction(engine) as session:
        kept = {
            table.__tablename__: sorted(session.execute(select(column)).scalars())
            for table, column in (
                (SupportRequest, SupportRequest.user_id),
                (LanguageChoice, LanguageChoice.user_id),
                (BroadcastDelivery, BroadcastDelivery.user_id),
            )
        }
    assert kept == {
        "support_requests": [402, 404],  # recent; a patient's stays with them
        "languages": [201, 402, 403, 404, 406],  # a request may be answered; staff; in use
        "broadcast_deliveries": [201, 406],  # a patient's; still to be sent
    }


# --- the warning, as the sweep sends it -----------------------------------------------------


class StandInBot:
    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    async def send_message(self, chat_id: int, text: str, **_: object) -> SimpleNamespace:
        self.sent.append((chat_id, text))
        return SimpleNamespace(message_id=len(self.sent))


def send_due(app: Services) -> list[tuple[int, str]]:
    bot = StandInBot()
    asyncio.run(sweep.run(bot, app))  # type: ignore[arg-type]
    return bot.sent


def test_the_warning_names_the_day_in_their_language_and_zone(
    engine: Engine, app: Services, clock: FixedClock
) -> None:
    late = datetime(2026, 9, 1, 23, 30, tzinfo=UTC)  # already the 2nd in Tokyo
    clock.set(late)
    sign_up(engine, 101, late - 200 * DAY, answers={"zone": "Asia/Tokyo"})
    sign_up(engine, 102, late - 200 * DAY, answers={}, language="de")
    retention.run(app)
    sent = dict(send_due(app))
    assert "will be deleted on 2026-09-09 unless you continue" in sent[101]
    assert "/start" in sent[101] and "Kesimpta" not in sent[101]
    with language.speaking("de"):  # as they last wrote; no zone given yet: the date in UTC
        assert sent[102] == texts.retention.sign_up_deletion_warning(date(2026, 9, 8))
    assert send_due(app) == [], "sent once"
    with transaction(engine) as session:
        outcomes = session.execute(
            select(OutboxMessage.outcome, func.count()).group_by(OutboxMessage.outcome)
        ).all()
    assert outcomes == [("sent", 2)]


def test_a_warning_not_yet_sent_when_they_come_back_is_not_sent(
    engine: Engine, app: Services, clock: FixedClock
) -> None:
    sign_up(engine, 101, ago(200))
    sign_up(engine, 102, ago(200))
    retention.run(app)
    with transaction(engine) as session:
        store.touch_sign_up(session, 101, "en", NOW)
        session.delete(session.get(Conversation, 102))  # 102 finished signing up
        session.add(
            Patient(
                user_id=102,
                chat_id=102,
                time_zone="UTC",
                reminder_time=time(9),
                first_injection=date(2026, 9, 2),
                enrolled_at=NOW,
                updated_at=NOW,
            )
        )
    assert send_due(app) == []
    with transaction(engine) as session:
        outcomes = session.execute(select(OutboxMessage.outcome)).scalars().all()
    assert outcomes == [Outcome.SUPERSEDED, Outcome.SUPERSEDED]
