"""Broadcasts without Telegram: the formatting check, the buttons' data, who is a recipient, the
lease, and the worker against a stand-in bot on a fixed clock (every recipient exactly once,
blocked users marked inactive, 429s and faults retried, a stop half-way resumed)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from unittest.mock import patch

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.clock import FixedClock
from bot.config import Settings
from bot.db import transaction
from bot.domain.broadcast import MAX_LENGTH, Audience, FormattingError, Status, check_formatting
from bot.domain.outcomes import Outcome
from bot.jobs import broadcast as worker
from bot.keyboards.broadcast import BroadcastAction, BroadcastTap, progress_keyboard
from bot.models import (
    Broadcast,
    BroadcastDelivery,
    CaregiverLink,
    OutboxClaim,
    OutboxMessage,
    Patient,
)
from bot.services import Services
from bot.store import broadcasts, outbox, patients

T0 = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
STAFF = 9001
LEASE = timedelta(seconds=30)


# --- the formatting check -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Plain words",
        "<b>bold</b> and <i>italic</i>\nsecond line",
        '<a href="https://example.org/a?b=1&amp;c=2">link</a>',
        '<span class="tg-spoiler">hidden</span> <tg-spoiler>too</tg-spoiler>',
        '<pre><code class="language-python">x = 1</code></pre>',
        "<blockquote expandable>quote</blockquote>",
        "Tom &amp; Jerry &lt;3 &#128512; a > b",
        "<B>capitals</B>",
    ],
)
def test_html_telegram_accepts_passes(text: str) -> None:
    check_formatting(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<b>never closed", "never closed"),
        ("closed</b>", "never opened"),
        ("<b><i>crossed</b></i>", "comes before"),
        ("<div>block</div>", "not a tag Telegram supports"),
        ("<br/>", "not allowed"),
        ("<span>x</span>", "tg-spoiler"),
        ('<span class="red">x</span>', "tg-spoiler"),
        ("<a>no link</a>", "href"),
        ('<b onclick="x">x</b>', "attribute"),
        ("1 < 2", "&lt;"),
        ("&nbsp;space", "not supported"),
        ("<!-- note -->x", "comments"),
        ("   \n ", "empty"),
        ("<b> </b>", "empty"),
    ],
)
def test_html_telegram_refuses_is_explained(text: str, reason: str) -> None:
    with pytest.raises(FormattingError, match=reason):
        check_formatting(text)


def test_length_is_counted_like_telegram_after_the_tags() -> None:
    check_formatting("<b>" + "x" * MAX_LENGTH + "</b>")  # tags do not count
    with pytest.raises(FormattingError, match="4097"):
        check_formatting("x" * (MAX_LENGTH + 1))
    check_formatting("🙂" * (MAX_LENGTH // 2))  # outside the BMP: two UTF-16 units each
    with pytest.raises(FormattingError, match="one Telegram message"):
        check_formatting("🙂" * (MAX_LENGTH // 2) + "x")


# --- the buttons' data --------------------------------------------------------------------


def test_button_data_round_trips_and_forgeries_are_refused() -> None:
    for action, audience in [("to", Audience.CAREGIVERS), ("send", None), ("stop", None)]:
        raw = BroadcastTap(BroadcastAction(action), 12, audience).pack()
        assert len(raw.encode()) <= 64
        tap = BroadcastTap.parse(raw)
        assert tap == BroadcastTap(BroadcastAction(action), 12, audience)
    for forged in [
        "bc:send",
        "bc:send:x",
        "bc:send:-1",
        "bc:erase:1",
        "bc:to:1",
        "bc:to:1:admins",
        "bc:send:1:everyone",
        "dose:1:2:20260101:ok",
        "",
    ]:
        assert BroadcastTap.parse(forged) is None, forged


# --- recipients, drafts, lease -------------------------------------------------------------


def add_patient(engine: Engine, user_id: int, *, blocked: bool = False) -> None:
    with transaction(engine) as session:
        session.add(
            Patient(
                user_id=user_id,
                chat_id=user_id,
                time_zone="Europe/Berlin",
                reminder_time=time(9),
                first_injection=date(2026, 1, 5),
                enrolled_at=T0,
                updated_at=T0,
                blocked_at=T0 if blocked else None,
            )
        )


def add_caregiver(
    engine: Engine, patient_id: int, caregiver_id: int, *, approved: bool = True
) -> None:
    with transaction(engine) as session:
        session.add(
            CaregiverLink(
                patient_id=patient_id,
                caregiver_id=caregiver_id,
                caregiver_name="Care",
                approved_at=T0 if approved else None,
                created_at=T0,
            )
        )


def people(engine: Engine) -> None:
    """Patients 1, 2, 3 and 4 (4 blocked the bot); caregiver 10 follows two patients; patient 2
    is also patient 1's caregiver; 12 was never approved."""
    for user_id in (1, 2, 3):
        add_patient(engine, user_id)
    add_patient(engine, 4, blocked=True)
    add_caregiver(engine, 1, 10)
    add_caregiver(engine, 3, 10)
    add_caregiver(engine, 1, 2)
    add_caregiver(engine, 3, 12, approved=False)


def draft(engine: Engine, text: str = "<b>Notice</b>", audience: Audience | None = None) -> int:
    with transaction(engine) as session:
        row = broadcasts.create_draft(
            session, sender_id=STAFF, sender_name="Staff", text=text, now=T0
        )
        if audience is not None:
            broadcasts.choose_audience(session, row.id or 0, audience)
        return row.id or 0


def recipients_of(engine: Engine, broadcast_id: int) -> list[int]:
    with transaction(engine) as session:
        return sorted(
            session.exec(
                select(BroadcastDelivery.user_id).where(
                    BroadcastDelivery.broadcast_id == broadcast_id
                )
            ).all()
        )


@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        (Audience.EVERYONE, [1, 2, 3, 10]),
        (Audience.PATIENTS, [1, 2, 3]),
        (Audience.CAREGIVERS, [2, 10]),
    ],
)
def test_recipients_are_active_users_each_once(
    engine: Engine, audience: Audience, expected: list[int]
) -> None:
    people(engine)
    with transaction(engine) as session:
        sizes = broadcasts.audience_sizes(session)
    assert sizes == {Audience.EVERYONE: 4, Audience.PATIENTS: 3, Audience.CAREGIVERS: 2}
    broadcast_id = draft(engine, audience=audience)
    with transaction(engine) as session:
        started = broadcasts.start(session, broadcast_id, T0)
        assert started is not None and started.total == len(expected)
    assert recipients_of(engine, broadcast_id) == expected


def test_a_broadcast_starts_once_and_a_started_one_keeps_its_audience(engine: Engine) -> None:
    people(engine)
    broadcast_id = draft(engine)
    with transaction(engine) as session:
        assert broadcasts.start(session, broadcast_id, T0) is not None
    with transaction(engine) as session:
        assert broadcasts.start(session, broadcast_id, T0) is None  # a second ✅
        assert not broadcasts.choose_audience(session, broadcast_id, Audience.PATIENTS)
        assert not broadcasts.cancel(session, broadcast_id)
    assert recipients_of(engine, broadcast_id) == [1, 2, 3, 10]


def test_a_cancelled_draft_sends_nothing_and_stays_in_the_audit(engine: Engine) -> None:
    people(engine)
    broadcast_id = draft(engine)
    with transaction(engine) as session:
        assert broadcasts.cancel(session, broadcast_id)
    with transaction(engine) as session:
        assert broadcasts.start(session, broadcast_id, T0) is None
        assert [(b.id, b.status) for b in broadcasts.recent(session)] == [
            (broadcast_id, Status.CANCELLED)
        ]
        assert broadcasts.take_lease(session, T0, LEASE) is None
    assert recipients_of(engine, broadcast_id) == []


def test_only_one_process_holds_a_broadcast_until_its_lease_runs_out(engine: Engine) -> None:
    people(engine)
    broadcast_id = draft(engine)
    with transaction(engine) as session:
        broadcasts.start(session, broadcast_id, T0)
    with transaction(engine) as session:
        first = broadcasts.take_lease(session, T0, LEASE)
    with transaction(engine) as session:
        assert broadcasts.take_lease(session, T0 + timedelta(seconds=29), LEASE) is None
        assert first is not None and broadcasts.renew(session, first, T0, LEASE) is not None
    later = T0 + LEASE + timedelta(seconds=1)
    with transaction(engine) as session:
        second = broadcasts.take_lease(session, later, LEASE)
    assert second is not None and second.broadcast_id == broadcast_id
    with transaction(engine) as session:
        assert broadcasts.renew(session, first, later, LEASE) is None  # it was taken over
        broadcasts.release(session, second)
        assert broadcasts.take_lease(session, later, LEASE) is not None


def test_a_delivery_counts_once_and_erasing_a_recipient_keeps_the_counts(engine: Engine) -> None:
    people(engine)
    broadcast_id = draft(engine)
    with transaction(engine) as session:
        broadcasts.start(session, broadcast_id, T0)
        rows = broadcasts.due(session, broadcast_id, T0, 10)
    first_id, first_user, _ = rows[0]
    with transaction(engine) as session:
        assert broadcasts.close(
            session, broadcast_id, first_id, broadcasts.DELIVERED, T0, attempts=1
        )
        assert not broadcasts.close(
            session, broadcast_id, first_id, broadcasts.DELIVERED, T0, attempts=1
        )
    with transaction(engine) as session:
        patients.erase(session, first_user)
    with transaction(engine) as session:
        row = broadcasts.get(session, broadcast_id)
        assert row is not None and (row.total, row.delivered) == (4, 1)
        assert first_user not in [
            user for _, user, _ in broadcasts.due(session, broadcast_id, T0, 10)
        ]
        left = session.exec(
            select(func.count()).where(BroadcastDelivery.user_id == first_user)
        ).one()
    assert left == 0


def test_stopping_drops_the_rest_and_counts_them(engine: Engine) -> None:
    people(engine)
    broadcast_id = draft(engine)
    with transaction(engine) as session:
        broadcasts.start(session, broadcast_id, T0)
        delivery_id = broadcasts.due(session, broadcast_id, T0, 1)[0][0]
        broadcasts.close(session, broadcast_id, delivery_id, broadcasts.DELIVERED, T0, attempts=1)
    with transaction(engine) as session:
        assert broadcasts.stop(session, broadcast_id, T0)
        assert not broadcasts.stop(session, broadcast_id, T0)
    with transaction(engine) as session:
        row = broadcasts.get(session, broadcast_id)
        assert row is not None
        assert (row.status, row.delivered, row.cancelled) == (Status.STOPPED, 1, 3)
        assert broadcasts.due(session, broadcast_id, T0, 10) == []


# --- the worker -----------------------------------------------------------------------------


class StandInBot:
    """Answers like Telegram, or with the next error queued for a chat, or always with the
    error of a broken chat."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []
        self.edits: list[object] = []
        self.failures: dict[int, list[Exception]] = {}
        self.broken: dict[int, Exception] = {}

    async def send_message(self, chat_id: int, text: str, **_: object) -> SimpleNamespace:
        if chat_id in self.broken:
            raise self.broken[chat_id]
        if self.failures.get(chat_id):
            raise self.failures[chat_id].pop(0)
        self.sent.append((chat_id, text))
        return SimpleNamespace(message_id=len(self.sent))

    async def edit_message_reply_markup(self, chat_id: int, message_id: int, **kw: object) -> None:
        self.edits.append(kw["reply_markup"])

    def to(self, chat_id: int) -> list[str]:
        return [text for chat, text in self.sent if chat == chat_id]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def app(engine: Engine, clock: FixedClock) -> Services:
    settings = Settings(token="1:x", database_url="", admin_ids=frozenset({STAFF}), api_base_url="")
    return Services(settings=settings, engine=engine, clock=clock)


def started(engine: Engine, text: str = "<b>Notice</b>") -> int:
    broadcast_id = draft(engine, text)
    with transaction(engine) as session:
        broadcasts.start(session, broadcast_id, T0)
    return broadcast_id


def run(bot: StandInBot, app: Services, keep_going=lambda: True, *, give_way: bool = False) -> int:  # type: ignore[no-untyped-def]
    """The worker alone, with no sweep beside it: unless `give_way`, it does not wait for the
    outbox, where a note it causes itself (a caregiver told that a patient blocked the bot)
    would otherwise hold it for good."""
    with patch.object(
        worker, "gives_way", lambda app: give_way and not app.settings.paid_broadcast
    ):
        return asyncio.run(worker.run(bot, app, None, keep_going))  # type: ignore[arg-type]


def state(engine: Engine, broadcast_id: int) -> Broadcast:
    with transaction(engine) as session:
        row = broadcasts.get(session, broadcast_id)
        assert row is not None
        return row


def test_everyone_gets_it_once_and_the_sender_a_report(engine: Engine, app: Services) -> None:
    people(engine)
    broadcast_id = started(engine)
    bot = StandInBot()
    assert run(bot, app) == 4
    assert sorted(chat for chat, text in bot.sent if text == "<b>Notice</b>") == [1, 2, 3, 10]
    (report,) = bot.to(STAFF)
    assert "finished" in report and "Delivered: 4 of 4" in report
    row = state(engine, broadcast_id)
    assert (row.status, row.delivered, row.reported_at) == (Status.DONE, 4, T0)
    assert run(bot, app) == 0 and len(bot.sent) == 5  # nothing twice, no second report


def test_users_who_blocked_the_bot_are_marked_inactive(engine: Engine, app: Services) -> None:
    people(engine)
    broadcast_id = started(engine)
    bot = StandInBot()
    bot.failures[3] = [Forbidden("Forbidden: bot was blocked by the user")]
    bot.failures[10] = [Forbidden("Forbidden: bot was blocked by the user")]
    run(bot, app)
    row = state(engine, broadcast_id)
    assert (row.delivered, row.blocked, row.failed) == (2, 2, 0)
    with transaction(engine) as session:
        assert session.get(Patient, 3).blocked_at == T0
        assert session.get(Patient, 1).blocked_at is None
        links = session.exec(select(CaregiverLink).where(CaregiverLink.caregiver_id == 10)).all()
        assert [link.blocked_at for link in links] == [T0, T0]
        sizes = broadcasts.audience_sizes(session)
    assert sizes[Audience.EVERYONE] == 2
    assert "Blocked the bot: 2" in bot.to(STAFF)[0]


def test_rate_limits_and_faults_are_retried_and_a_dead_chat_fails(
    engine: Engine, app: Services, clock: FixedClock
) -> None:
    people(engine)
    broadcast_id = started(engine)
    bot = StandInBot()
    bot.failures[1] = [RetryAfter(timedelta(seconds=30))]
    bot.failures[2] = [NetworkError("Bad Gateway")]
    bot.broken[3] = BadRequest("Chat not found")
    run(bot, app)
    assert sorted(chat for chat, _ in bot.sent) == [10]
    assert bot.to(STAFF) == [], "not finished: two recipients wait for their retry"
    with transaction(engine) as session:
        waiting = session.exec(
            select(BroadcastDelivery.user_id, BroadcastDelivery.attempts).where(
                BroadcastDelivery.finished_at.is_(None)  # type: ignore[union-attr]
            )
        ).all()
    assert sorted(waiting) == [(1, 0), (2, 1)], "a 429 uses up no attempt"
    clock.set(clock.now() + timedelta(seconds=31))
    run(bot, app)
    assert sorted(chat for chat, text in bot.sent if text == "<b>Notice</b>") == [1, 2, 10]
    row = state(engine, broadcast_id)
    assert (row.status, row.delivered, row.failed) == (Status.DONE, 3, 1)


def test_network_trouble_is_ridden_out_for_a_day_then_given_up(
    engine: Engine, app: Services, clock: FixedClock
) -> None:
    """Three hours without a network lose nobody: each recipient is tried again at most 15
    minutes apart; a chat failing for a whole day is given up, and the report follows."""
    add_patient(engine, 1)
    add_patient(engine, 2)
    broadcast_id = started(engine)
    bot = StandInBot()
    bot.broken[1] = bot.broken[2] = NetworkError("down")
    while clock.now() < T0 + timedelta(hours=3):
        run(bot, app)
        with transaction(engine) as session:
            waiting = session.exec(
                select(BroadcastDelivery.not_before).where(
                    BroadcastDelivery.finished_at.is_(None)  # type: ignore[union-attr]
                )
            ).all()
        assert len(waiting) == 2
        assert all(until <= clock.now() + timedelta(minutes=15) for until in waiting)
        clock.set(min(waiting))
    del bot.broken[2]
    run(bot, app)
    assert bot.to(2) == ["<b>Notice</b>"]
    clock.set(T0 + timedelta(hours=24))
    run(bot, app)
    row = state(engine, broadcast_id)
    assert (row.status, row.failed, row.delivered) == (Status.DONE, 1, 1)
    assert len(bot.to(STAFF)) == 1


def test_a_stop_half_way_is_resumed_without_repeats(engine: Engine, app: Services) -> None:
    for user_id in range(1, 41):
        add_patient(engine, user_id)
    broadcast_id = started(engine)
    bot = StandInBot()
    checks = iter(range(10_000))
    run(bot, app, keep_going=lambda: next(checks) < 15)  # the bot is asked to stop
    first = len(bot.sent)
    assert 0 < first < 40
    assert state(engine, broadcast_id).lease_until is None, "the lease is given back"
    run(bot, app)
    assert sorted(chat for chat, text in bot.sent if text == "<b>Notice</b>") == list(range(1, 41))
    assert state(engine, broadcast_id).delivered == 40


def test_progress_then_the_outcome_replace_the_preview_buttons(
    engine: Engine, app: Services
) -> None:
    add_patient(engine, 1)
    broadcast_id = started(engine)
    with transaction(engine) as session:
        row = broadcasts.get(session, broadcast_id)
        assert row is not None
        broadcasts.set_preview(session, row, STAFF, 77)
    bot = StandInBot()
    run(bot, app)
    labels = [button.text for row in bot.edits[-1].inline_keyboard for button in row]  # type: ignore[attr-defined]
    assert labels == ["✅ Delivered to 1 of 1"]
    sending = progress_keyboard(
        broadcast_id, broadcasts.tally(state(engine, broadcast_id)), sending=True
    )
    assert [button.text for row in sending.inline_keyboard for button in row] == [
        "📤 Sending… 1 of 1",
        "⏹ Stop sending",
    ]


# --- giving way to reminders ----------------------------------------------------------------


def due_reminder(
    engine: Engine,
    *,
    priority: int = 0,
    not_before: datetime | None = None,
    attempts: int = 0,
    claimed_until: datetime | None = None,
) -> int:
    """A dose reminder (or, by `priority`, another note) to patient 1, due at T0: waiting out a
    back-off or a 429 (`not_before`), or held by a sweep's claim until `claimed_until`."""
    with transaction(engine) as session:
        row = outbox.add(
            session, chat_id=1, kind="dose", priority=priority, due_at=T0, now=T0, patient_id=1
        )
        row.not_before, row.attempts = not_before, attempts
        session.flush()
        if claimed_until is not None:
            session.add(
                OutboxClaim(outbox_id=row.id or 0, claim_token="x" * 32, lease_until=claimed_until)
            )
        return row.id or 0


def sent(engine: Engine, row_id: int) -> None:
    with transaction(engine) as session:
        row = session.get(OutboxMessage, row_id)
        assert row is not None
        row.finished_at, row.outcome = T0, Outcome.SENT
        session.add(row)


def looks(count: int):  # type: ignore[no-untyped-def]
    """keep_going for a worker that should stop after `count` checks."""
    checks = iter(range(count + 1))
    return lambda: next(checks, count) < count


@pytest.mark.parametrize(
    ("priority", "lease"),
    [
        (0, {}),
        (1, {}),
        (2, {}),
        (0, {"claimed_until": T0 + timedelta(minutes=5)}),
        (0, {"claimed_until": T0 - timedelta(seconds=1)}),
    ],
    ids=["dose-due", "missed-alert", "note", "claimed-in-flight", "lease-ran-out"],
)
def test_a_free_broadcast_waits_while_a_reminder_is_due_and_unsent(
    engine: Engine,
    app: Services,
    monkeypatch: pytest.MonkeyPatch,
    priority: int,
    lease: dict[str, datetime],
) -> None:
    monkeypatch.setattr(worker, "GIVE_WAY_PAUSE", 0)
    for user_id in (1, 2, 3):
        add_patient(engine, user_id)
    broadcast_id = started(engine)
    reminder = due_reminder(engine, priority=priority, **lease)
    bot = StandInBot()
    assert run(bot, app, keep_going=looks(50), give_way=True) == 0
    assert bot.sent == [] and state(engine, broadcast_id).delivered == 0
    sent(engine, reminder)
    assert run(bot, app, give_way=True) == 3
    assert sorted(chat for chat, text in bot.sent if text == "<b>Notice</b>") == [1, 2, 3]


def test_a_reminder_due_later_or_waiting_out_a_back_off_does_not_hold_a_broadcast(
    engine: Engine, app: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker, "GIVE_WAY_PAUSE", 0)
    for user_id in (1, 2):
        add_patient(engine, user_id)
    broadcast_id = started(engine)
    due_reminder(engine, not_before=T0 + timedelta(minutes=2), attempts=1)  # a back-off
    due_reminder(engine, not_before=T0 + timedelta(seconds=30))  # a 429's retry-after
    with transaction(engine) as session:
        outbox.add(
            session, chat_id=2, kind="dose", priority=0, due_at=T0 + timedelta(seconds=1), now=T0
        )
    assert run(StandInBot(), app, keep_going=looks(50), give_way=True) == 2
    assert state(engine, broadcast_id).status == Status.DONE


def test_a_paid_broadcast_does_not_wait_for_reminders(
    engine: Engine, app: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker, "GIVE_WAY_PAUSE", 0)
    paid = replace(app, settings=replace(app.settings, paid_broadcast=True))
    add_patient(engine, 1)
    started(engine)
    due_reminder(engine)
    assert run(StandInBot(), paid, keep_going=looks(50), give_way=True) == 1
