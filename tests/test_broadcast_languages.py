"""Broadcasts in several languages, scheduled, and paid, without Telegram: which text each
recipient gets, the warning about a missing language, typed start times across the clock
changes, a scheduled broadcast started once (also against a cancel at the same moment, and by
two PostgreSQL sessions at once), and the worker on a fixed clock."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import Engine

from bot.clock import FixedClock
from bot.config import ConfigError, Settings, load_settings
from bot.db import make_engine, migrate, transaction
from bot.domain.broadcast import (
    Audience,
    MomentProblem,
    Status,
    delivered_by_language,
    missing_versions,
    read_moment,
    text_for,
)
from bot.jobs import broadcast as worker
from bot.services import Services
from bot.store import broadcasts, languages
from bot.texts import language, staff
from tests.test_broadcast import STAFF, T0, StandInBot, draft, people, recipients_of

# --- which text, and what is missing -----------------------------------------------------


def test_each_reader_gets_their_version_or_the_default_text() -> None:
    versions = {"de": "Hallo"}
    assert text_for("de", "en", "Hello", versions) == ("de", "Hallo")
    assert text_for("en", "en", "Hello", versions) == ("en", "Hello")
    assert text_for("de", "en", "Hello", {}) == ("en", "Hello"), "no German: the default"
    assert text_for("fr", "en", "Hello", versions) == ("en", "Hello")


def test_a_missing_language_is_counted_only_when_someone_reads_it() -> None:
    speakers = {"en": 5, "de": 3}
    assert missing_versions(speakers, "en", {}) == {"de": 3}
    assert missing_versions(speakers, "en", {"de": "Hallo"}) == {}
    assert missing_versions({"en": 5, "de": 0}, "en", {}) == {}
    assert missing_versions({"en": 5}, "en", {}) == {}


def test_deliveries_by_language_give_the_rest_to_the_default() -> None:
    assert delivered_by_language(10, "en", {"de": 4}) == {"en": 6, "de": 4}
    assert delivered_by_language(3, "en", {}) == {"en": 3}


def test_the_warning_names_the_language_and_the_count_in_both_languages() -> None:
    assert staff.missing_versions_warning({"de": 3}, "en").startswith(
        "⚠️ No German version yet: 3 recipients who read German will get the English text."
    )
    with language.speaking("de"):
        german = staff.missing_versions_warning({"de": 1}, "en")
    assert german.startswith("⚠️ Noch keine Fassung auf Deutsch: 1 Empfänger, der Deutsch liest")


# --- typed start times ------------------------------------------------------------------

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)  # 13:00 in Berlin


@pytest.mark.parametrize(
    ("typed", "zone", "dots_day_first", "expected"),
    [
        ("2026-12-24 09:00", "Europe/Berlin", False, datetime(2026, 12, 24, 8, 0, tzinfo=UTC)),
        ("24.12.2026 9:00", "Europe/Berlin", True, datetime(2026, 12, 24, 8, 0, tzinfo=UTC)),
        ("24.12. 9 Uhr", "Europe/Berlin", True, datetime(2026, 12, 24, 8, 0, tzinfo=UTC)),
        ("tomorrow 9am", "Europe/Berlin", False, datetime(2026, 12, 6, 8, 0, tzinfo=UTC)),
        ("morgen 21:30", "Europe/Berlin", True, datetime(2026, 12, 6, 20, 30, tzinfo=UTC)),
        ("today 18:00", "UTC", False, datetime(2026, 12, 5, 18, 0, tzinfo=UTC)),
        ("2026-12-24, 09:00", "America/New_York", False, datetime(2026, 12, 24, 14, 0, tzinfo=UTC)),
        # summer time: two hours ahead of UTC in Berlin
        ("2027-07-01 09:00", "Europe/Berlin", False, datetime(2027, 7, 1, 7, 0, tzinfo=UTC)),
        # the spring gap: 02:30 does not exist, it moves forward to 03:30 CEST
        ("2027-03-28 02:30", "Europe/Berlin", False, datetime(2027, 3, 28, 1, 30, tzinfo=UTC)),
        # the night before and after the spring change
        ("2027-03-27 09:00", "Europe/Berlin", False, datetime(2027, 3, 27, 8, 0, tzinfo=UTC)),
        ("2027-03-28 09:00", "Europe/Berlin", False, datetime(2027, 3, 28, 7, 0, tzinfo=UTC)),
        # autumn: 02:30 happens twice; the first (still summer time) is meant
        ("2027-10-31 02:30", "Europe/Berlin", False, datetime(2027, 10, 31, 0, 30, tzinfo=UTC)),
    ],
)
def test_a_typed_local_time_becomes_the_right_instant(
    typed: str, zone: str, dots_day_first: bool, expected: datetime
) -> None:
    assert read_moment(typed, NOW, zone, dots_day_first=dots_day_first) == expected


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("2026-12-05 12:59", MomentProblem.PAST),  # a minute ago in Berlin
        ("2026-12-05 13:00", MomentProblem.PAST),  # now is not later
        ("today 8:00", MomentProblem.PAST),
        ("2026-12-04 18:00", MomentProblem.PAST),
        ("2028-01-01 09:00", MomentProblem.TOO_FAR),
        ("next week", MomentProblem.UNREADABLE),
        ("asdf qwer", MomentProblem.UNREADABLE),
        ("9:00", MomentProblem.UNREADABLE),  # a time needs its date
        ("2026-12-24", MomentProblem.UNREADABLE),
        ("2026-12-24 25:00", MomentProblem.UNREADABLE),
        ("2026-02-30 09:00", MomentProblem.UNREADABLE),
        ("12/11/2026 9:00", MomentProblem.UNREADABLE),  # 12 November or 11 December?
        ("", MomentProblem.UNREADABLE),
        ("x" * 500, MomentProblem.UNREADABLE),
    ],
)
def test_a_bad_start_time_is_refused_with_its_reason(typed: str, problem: MomentProblem) -> None:
    assert read_moment(typed, NOW, "Europe/Berlin", dots_day_first=False) == problem


# --- the store --------------------------------------------------------------------------


def scheduled(engine: Engine, when: datetime, text: str = "<b>Notice</b>") -> int:
    broadcast_id = draft(engine, text)
    with transaction(engine) as session:
        assert broadcasts.schedule(session, broadcast_id, when)
    return broadcast_id


def test_a_version_is_kept_only_for_a_draft_and_never_for_the_default(engine: Engine) -> None:
    people(engine)
    broadcast_id = draft(engine)
    with transaction(engine) as session:
        assert broadcasts.set_version(session, broadcast_id, "de", "<b>Hinweis</b>")
        assert broadcasts.set_version(session, broadcast_id, "de", "<b>Neu</b>")  # replaced
        assert not broadcasts.set_version(session, broadcast_id, "en", "other")
        assert not broadcasts.set_version(session, 999, "de", "x")
    with transaction(engine) as session:
        assert broadcasts.versions(session, broadcast_id) == {"de": "<b>Neu</b>"}
        broadcasts.start(session, broadcast_id, T0)
    with transaction(engine) as session:
        assert not broadcasts.set_version(session, broadcast_id, "de", "too late")
        assert broadcasts.versions(session, broadcast_id) == {"de": "<b>Neu</b>"}


def test_speakers_per_audience_count_people_without_a_language_as_the_default(
    engine: Engine,
) -> None:
    people(engine)  # patients 1, 2, 3 (4 blocked), caregiver 10
    with transaction(engine) as session:
        languages.remember(session, 2, "de", T0)
        languages.remember(session, 10, "de", T0)
        languages.remember(session, 4, "de", T0)  # blocked: no recipient
        languages.remember(session, 3, "en", T0)
    with transaction(engine) as session:
        assert broadcasts.speakers(session, Audience.EVERYONE) == {"en": 2, "de": 2}
        assert broadcasts.speakers(session, Audience.PATIENTS) == {"en": 2, "de": 1}
        assert broadcasts.speakers(session, Audience.CAREGIVERS) == {"de": 2}


def test_a_scheduled_broadcast_starts_once_at_its_time_and_not_before(engine: Engine) -> None:
    people(engine)
    at = T0 + timedelta(hours=2)
    broadcast_id = scheduled(engine, at)
    with transaction(engine) as session:
        assert broadcasts.start_due(session, at - timedelta(seconds=1)) == []
        assert broadcasts.take_lease(session, at, timedelta(seconds=30)) is None
        assert [b.id for b in broadcasts.upcoming(session)] == [broadcast_id]
        assert not broadcasts.choose_audience(session, broadcast_id, Audience.PATIENTS)
        assert broadcasts.start(session, broadcast_id, T0) is None, "✅ no longer starts it"
    with transaction(engine) as session:
        [started] = broadcasts.start_due(session, at)
        assert (started.id, started.status, started.total) == (broadcast_id, Status.SENDING, 4)
        assert started.started_at == at
    with transaction(engine) as session:
        assert broadcasts.start_due(session, at + timedelta(minutes=1)) == []
        assert broadcasts.upcoming(session) == []
    assert recipients_of(engine, broadcast_id) == [1, 2, 3, 10]


def test_cancel_and_start_exclude_each_other(engine: Engine) -> None:
    people(engine)
    at = T0 + timedelta(hours=1)
    first, second = scheduled(engine, at), scheduled(engine, at)
    with transaction(engine) as session:
        assert broadcasts.cancel(session, first)
        assert not broadcasts.cancel(session, first), "a stale second cancel"
    with transaction(engine) as session:
        assert [b.id for b in broadcasts.start_due(session, at)] == [second]
    with transaction(engine) as session:
        assert not broadcasts.cancel(session, second), "started: too late to cancel"
        assert broadcasts.get(session, first).status == Status.CANCELLED  # type: ignore[union-attr]
        assert broadcasts.get(session, second).status == Status.SENDING  # type: ignore[union-attr]
    assert recipients_of(engine, first) == []


def test_a_crash_before_the_start_commits_leaves_it_scheduled(engine: Engine) -> None:
    people(engine)
    at = T0 + timedelta(hours=1)
    broadcast_id = scheduled(engine, at)
    with pytest.raises(RuntimeError), transaction(engine) as session:
        assert broadcasts.start_due(session, at)
        raise RuntimeError("the process dies before the commit")
    with transaction(engine) as session:
        assert broadcasts.get(session, broadcast_id).status == Status.SCHEDULED  # type: ignore[union-attr]
    assert recipients_of(engine, broadcast_id) == []
    with transaction(engine) as session:
        assert [b.id for b in broadcasts.start_due(session, at)] == [broadcast_id]


def test_on_postgresql_two_processes_never_start_it_twice_nor_wait(postgres_engine: Engine) -> None:
    """One session is starting it (its row locked, not committed): another one skips it at once
    (SKIP LOCKED) and a cancel waits, then finds it started and changes nothing."""
    engine = postgres_engine
    people(engine)
    at = T0 + timedelta(hours=1)
    broadcast_id = scheduled(engine, at)
    cancelled: list[bool] = []
    with transaction(engine) as first:
        assert [b.id for b in broadcasts.start_due(first, at)] == [broadcast_id]
        with transaction(engine) as second:
            assert broadcasts.start_due(second, at) == []

        def cancel() -> None:
            with transaction(engine) as session:
                cancelled.append(broadcasts.cancel(session, broadcast_id))

        racing = threading.Thread(target=cancel)
        racing.start()
        racing.join(timeout=0.5)
        assert racing.is_alive(), "the cancel waits for the start's row lock"
    racing.join(timeout=10)
    assert cancelled == [False]
    assert recipients_of(engine, broadcast_id) == [1, 2, 3, 10]


@pytest.fixture
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    migrate(postgres_url)
    engine = make_engine(postgres_url)
    yield engine
    engine.dispose()


# --- the worker -------------------------------------------------------------------------


class RecordingBot(StandInBot):
    """Also keeps each send's extra parameters."""

    def __init__(self) -> None:
        super().__init__()
        self.paid: list[object] = []

    async def send_message(self, chat_id: int, text: str, **kw: object) -> SimpleNamespace:
        self.paid.append(kw.get("allow_paid_broadcast"))
        return await super().send_message(chat_id, text, **kw)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def app(engine: Engine, clock: FixedClock) -> Services:
    settings = Settings(token="1:x", database_url="", admin_ids=frozenset({STAFF}), api_base_url="")
    return Services(settings=settings, engine=engine, clock=clock)


def run(bot: RecordingBot, app: Services) -> int:
    return asyncio.run(worker.run(bot, app, None, lambda: True))  # type: ignore[arg-type]


def two_languages(engine: Engine) -> int:
    """Patients 1, 2, 3 and caregiver 10: 2 and 10 read German, 3 English, 1 never said."""
    people(engine)
    with transaction(engine) as session:
        languages.remember(session, 2, "de", T0)
        languages.remember(session, 10, "de", T0, chosen=True)
        languages.remember(session, 3, "en", T0)
    broadcast_id = draft(engine, "<b>Notice</b>")
    with transaction(engine) as session:
        broadcasts.set_version(session, broadcast_id, "de", "<b>Hinweis</b>")
    return broadcast_id


def test_each_recipient_gets_their_language_and_the_report_counts_by_language(
    engine: Engine, app: Services
) -> None:
    broadcast_id = two_languages(engine)
    with transaction(engine) as session:
        broadcasts.start(session, broadcast_id, T0)
    bot = RecordingBot()
    assert run(bot, app) == 4
    got = {chat: text for chat, text in bot.sent if chat != STAFF}
    assert got == {
        1: "<b>Notice</b>",
        2: "<b>Hinweis</b>",
        3: "<b>Notice</b>",
        10: "<b>Hinweis</b>",
    }
    (report,) = bot.to(STAFF)
    assert report.endswith("Delivered by language: English 2 · German 2"), report
    assert bot.paid == [None] * 5, "allow_paid_broadcast only when the operator turned it on"
    with transaction(engine) as session:
        assert broadcasts.version_counts(session, broadcast_id) == {"de": 2}
    assert run(bot, app) == 0, "nothing twice"


def test_a_scheduled_broadcast_is_sent_by_the_worker_at_its_time(
    engine: Engine, app: Services, clock: FixedClock
) -> None:
    people(engine)
    at = T0 + timedelta(hours=3)
    broadcast_id = scheduled(engine, at)
    bot = RecordingBot()
    clock.set(at - timedelta(seconds=1))
    assert run(bot, app) == 0 and bot.sent == []
    clock.set(at)
    assert run(bot, app) == 4
    assert sorted(chat for chat, _ in bot.sent if chat != STAFF) == [1, 2, 3, 10]
    row = broadcasts_row(engine, broadcast_id)
    assert (row.status, row.started_at, row.delivered) == (Status.DONE, at, 4)


def test_a_paid_broadcast_passes_allow_paid_broadcast(engine: Engine, app: Services) -> None:
    people(engine)
    broadcast_id = draft(engine)
    with transaction(engine) as session:
        broadcasts.start(session, broadcast_id, T0)
    paid = replace(app, settings=replace(app.settings, paid_broadcast=True))
    bot = RecordingBot()
    assert run(bot, paid) == 4
    assert bot.paid == [True] * 4 + [None], "each notice paid, the staff's report not"


def broadcasts_row(engine: Engine, broadcast_id: int):  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        return broadcasts.get(session, broadcast_id)


# --- the operator's setting -------------------------------------------------------------


def test_paid_broadcast_is_off_by_default_and_its_rate_is_checked() -> None:
    base = {"TELEGRAM_BOT_TOKEN": "1:abc"}
    settings = load_settings(base)
    assert (settings.paid_broadcast, settings.paid_broadcast_rate) == (False, 100.0)
    on = load_settings({**base, "PAID_BROADCAST": "on", "PAID_BROADCAST_RATE": "1000"})
    assert (on.paid_broadcast, on.paid_broadcast_rate) == (True, 1000.0)
    for bad in ("0", "1001", "fast", "-5"):
        with pytest.raises(ConfigError, match="PAID_BROADCAST_RATE"):
            load_settings({**base, "PAID_BROADCAST_RATE": bad})
    with pytest.raises(ConfigError, match="PAID_BROADCAST"):
        load_settings({**base, "PAID_BROADCAST": "maybe"})
