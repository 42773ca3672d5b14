"""Delivery under faults: a crash between claim and send, downtime, 429, 403, 5xx and forged
buttons. The real bot runs under libfaketime; the clock moves by restarting it at a later time,
and what reached the chat is checked against the outbox rows in its database."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import missing_tool
from tests.support.database import Row, moment, rows
from tests.support.fakebotapi import Call, ChatMessage, FakeBotApi, FakeUser
from tests.support.harness import BotProcess, eventually, libfaketime_path
from tests.support.people import enrol

Start = Callable[..., BotProcess]

DOSE_1 = "It's time for dose 1"
DAY = "2026-03-02"
SWEEP_DONE = re.compile(r'Job "outbox sweep [^"]*" executed successfully')


@pytest.fixture
def start_at(api: FakeBotApi, tmp_path: Path) -> Iterator[Start]:
    """Start the bot with its clock at a given UTC time (extra settings as keywords); only one
    runs at a time, all on the same database."""
    if libfaketime_path() is None:
        missing_tool("libfaketime is not installed (Debian package faketime)")
    running: list[BotProcess] = []

    def start(at: str, **env: str) -> BotProcess:
        for bot in running:
            bot.stop()
        running.clear()
        bot = BotProcess(api, tmp_path, env, faketime=f"@{at}").start()
        running.append(bot)
        return bot

    yield start
    for bot in running:
        bot.stop()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The working directory, which stands for the bot's database (tests/support/database.py)."""
    return tmp_path


def query(db: Path, sql: str, *args: object) -> list[Row]:
    return rows(db, sql, *args)


def outbox_of(db: Path, user: FakeUser, kind: str | None = None) -> list[Row]:
    rows = query(
        db,
        "SELECT outbox.*, outbox_claims.claim_token FROM outbox LEFT JOIN outbox_claims"
        " ON outbox_claims.outbox_id = outbox.id WHERE patient_id = ? ORDER BY id",
        user.user_id,
    )
    return [row for row in rows if kind is None or row["kind"] == kind]


def finished_row(db: Path, user: FakeUser, kind: str) -> Row:
    """The user's only row of this kind, once its outcome is recorded (just after the send)."""

    def check() -> Row | None:
        (row,) = outbox_of(db, user, kind)
        return row if row["outcome"] is not None else None

    return eventually(check, f"the outcome of the {kind} row")


def blocked_at(db: Path, user: FakeUser) -> datetime | None:
    (row,) = query(db, "SELECT blocked_at FROM patients WHERE user_id = ?", user.user_id)
    return row["blocked_at"]


def utc(found: str | datetime) -> datetime:
    """A UTC time written without an offset, as here, or read from the database."""
    return moment(found)


def wait_for_sweep(bot: BotProcess, timeout: float = 30.0) -> None:
    """Wait until the running process has finished one outbox sweep (APScheduler logs each
    run), so that what it did not send by then it chose not to send."""

    def finished() -> bool:
        assert bot.running, f"the bot exited\n{bot.logs()}"
        current = bot.stderr_path.read_text(errors="replace").rsplit("----- start #", 1)[-1]
        return SWEEP_DONE.search(current) is not None

    try:
        eventually(finished, "a finished sweep", timeout)
    except AssertionError as error:
        raise AssertionError(f"{error}\n{bot.logs()}") from None


def sends_to(api: FakeBotApi, user: FakeUser, after: int) -> list[Call]:
    """sendMessage calls to the user's chat from call index `after` on (enrolment excluded)."""
    return [
        call for call in api.calls_to("sendMessage", chat_id=user.chat_id) if call.index >= after
    ]


def dose_reminders(user: FakeUser) -> list[ChatMessage]:
    """Dose reminders as first sent (a confirmed one has been edited since)."""
    return [m for m in user.messages() if DOSE_1 in first_text(m)]


def first_text(message: ChatMessage) -> str:
    return (message.history[0].text or "") if message.history else message.body


def restart_quietly(start_at: Start, when: str, api: FakeBotApi, user: FakeUser) -> None:
    """Restart at `when`, let one sweep run, and check it sent this user nothing."""
    after = api.call_index()
    wait_for_sweep(start_at(when))
    assert sends_to(api, user, after) == [], user.dump()


def enrolled(api: FakeBotApi, user_id: int, name: str, reminder: str = "09:00") -> FakeUser:
    """A patient in UTC whose first dose is on the bot's today, reminded at `reminder`."""
    user = api.user(user_id, name)
    enrol(user, zone="UTC", first="today", at=reminder)
    return user


def test_killed_between_claim_and_send_resends_once_after_the_lease(
    api: FakeBotApi, start_at: Start, db: Path
) -> None:
    """A process killed while Telegram had not yet answered leaves the row claimed: nobody else
    may send it until the 5-minute lease runs out, then it goes out exactly once."""
    start_at(f"{DAY} 07:00:00")
    ana = enrolled(api, 7101, "Ana", "09:00")
    ben = enrolled(api, 7102, "Ben", "09:02")
    api.hang_next("sendMessage", 30, chat_id=ana.chat_id)
    after = api.call_index()
    bot = start_at(f"{DAY} 09:00:30")
    api.wait_for_call(
        "sendMessage", 30, after_index=after, predicate=lambda c: c.chat_id == ana.chat_id
    )
    bot.kill()
    assert dose_reminders(ana) == []

    start_at(f"{DAY} 09:03:00")  # the lease taken at about 09:00:31 still holds
    ben.wait_for(contains=DOSE_1, timeout=30)
    # Ana's row, due earlier with the same priority, would have been sent before Ben's.
    assert dose_reminders(ana) == [], ana.dump()

    start_at(f"{DAY} 09:06:30")
    reminder = ana.wait_for(contains=DOSE_1, timeout=30)
    assert len(dose_reminders(ana)) == 1, ana.dump()
    assert len([c for c in sends_to(api, ana, after) if c.ok]) == 1
    row = finished_row(db, ana, "dose")
    assert (row["outcome"], row["message_id"]) == ("sent", reminder.message_id)
    restart_quietly(start_at, f"{DAY} 09:12:00", api, ana)


def test_restart_after_hours_of_downtime_sends_the_due_reminder_once(
    api: FakeBotApi, start_at: Start, db: Path
) -> None:
    """Down from before the reminder until the afternoon: the dose reminder still matters and
    goes out once, saying it is late; the pen and follow-up notes are stale and dropped."""
    start_at(f"{DAY} 07:00:00")
    ana = enrolled(api, 7201, "Ana")
    after = api.call_index()
    bot = start_at(f"{DAY} 15:00:00")
    late = ana.wait_for(contains=DOSE_1, timeout=30)
    assert "late" in late.body and DAY in late.body
    wait_for_sweep(bot)
    assert len(sends_to(api, ana, after)) == 1
    outcomes = {row["kind"]: row["outcome"] for row in outbox_of(db, ana)}
    assert outcomes["dose"] == "sent"
    assert outcomes["take_out"] == outcomes["follow_up"] == "stale"
    restart_quietly(start_at, f"{DAY} 15:05:00", api, ana)
    assert len(dose_reminders(ana)) == 1


def test_after_downtime_the_follow_up_comes_two_hours_after_the_late_reminder(
    api: FakeBotApi, start_at: Start, db: Path
) -> None:
    """Down from 07:00 to 11:30: the follow-up (due 11:00, not yet stale) used to arrive in the
    same second as the late dose reminder; it now comes two hours after the reminder did."""
    start_at(f"{DAY} 07:00:00")
    ana = enrolled(api, 7251, "Ana")
    after = api.call_index()
    bot = start_at(f"{DAY} 11:30:00")
    late = ana.wait_for(contains=DOSE_1, timeout=30)
    assert "late" in late.body
    wait_for_sweep(bot)
    assert len(sends_to(api, ana, after)) == 1, ana.dump()
    (follow_up,) = outbox_of(db, ana, "follow_up")
    assert follow_up["outcome"] is None
    moved_to = utc(follow_up["due_at"])
    assert utc(f"{DAY} 13:30:00") <= moved_to <= utc(f"{DAY} 13:31:00")
    restart_quietly(start_at, f"{DAY} 13:29:00", api, ana)

    start_at(f"{DAY} 13:31:00")
    checking = ana.wait_for(contains="Just checking", timeout=30)
    assert DAY in checking.body
    assert [first_text(m) for m in ana.messages()].count(first_text(late)) == 1
    assert finished_row(db, ana, "follow_up")["outcome"] == "sent"


def test_429_with_the_rate_limiter_is_given_back_to_the_outbox_not_waited_out_in_the_send(
    api: FakeBotApi, start_at: Start, db: Path
) -> None:
    """A 429 asking for 400 s, longer than the row's 5-minute lease: PTB's rate limiter used
    to sleep that long inside the send, past the lease. Now the row is given back at once until
    retry_after (no attempt used up), and sent once after it."""
    start_at(f"{DAY} 07:00:00")
    ana = enrolled(api, 7301, "Ana")
    api.fail_next("sendMessage", 429, retry_after=400, chat_id=ana.chat_id)
    after = api.call_index()
    start_at(f"{DAY} 09:00:30")

    def given_back() -> Row | None:
        (row,) = outbox_of(db, ana, "dose")
        return row if row["error"] is not None and row["claim_token"] is None else None

    row = eventually(given_back, "the row to be given back after the 429", timeout=30)
    assert row["outcome"] is None and row["attempts"] == 0
    assert utc(f"{DAY} 09:07:10") <= utc(row["not_before"]) <= utc(f"{DAY} 09:07:40")
    assert [c.status for c in sends_to(api, ana, after)] == [429]
    restart_quietly(start_at, f"{DAY} 09:06:00", api, ana)  # the lease ran out; retry_after not

    start_at(f"{DAY} 09:08:00")
    reminder = ana.wait_for(contains=DOSE_1, timeout=30)
    assert [c.status for c in sends_to(api, ana, after)] == [429, 200]
    row = finished_row(db, ana, "dose")
    assert (row["outcome"], row["message_id"]) == ("sent", reminder.message_id)
    restart_quietly(start_at, f"{DAY} 09:12:00", api, ana)
    assert len(dose_reminders(ana)) == 1


def test_429_without_the_rate_limiter_is_retried_by_the_sweep_after_retry_after(
    api: FakeBotApi, start_at: Start, db: Path
) -> None:
    """With TELEGRAM_RATE_LIMIT=off the sweep gives the row back until retry_after has passed:
    the sweep 20 s later must skip it (25 s asked), the one after sends it, once."""
    start_at(f"{DAY} 07:00:00")
    ana = enrolled(api, 7401, "Ana")
    api.fail_next("sendMessage", 429, retry_after=25, chat_id=ana.chat_id)
    after = api.call_index()
    start_at(f"{DAY} 09:00:30", TELEGRAM_RATE_LIMIT="off")
    reminder = ana.wait_for(contains=DOSE_1, timeout=70)
    refused, accepted = sends_to(api, ana, after)
    assert (refused.status, accepted.status) == (429, 200)
    assert accepted.time - refused.time >= 25
    row = finished_row(db, ana, "dose")
    assert (row["outcome"], row["message_id"]) == ("sent", reminder.message_id)
    restart_quietly(start_at, f"{DAY} 09:05:00", api, ana)
    assert len(dose_reminders(ana)) == 1


def test_5xx_backs_off_15_then_30_seconds_and_sends_once(
    api: FakeBotApi, start_at: Start, db: Path
) -> None:
    """Telegram answering 500 twice: the row is retried after 15 s, then 30 s (read from the
    row; the clock jumps by restarting), and the reminder arrives exactly once."""
    start_at(f"{DAY} 07:00:00")
    ana = enrolled(api, 7501, "Ana")
    api.fail_next("sendMessage", 500, times=2, chat_id=ana.chat_id)
    after = api.call_index()

    def retry_time(not_before: datetime) -> Callable[[], datetime | None]:
        """When the row, given back after a failure, may be claimed again (a new value)."""

        def check() -> datetime | None:
            (row,) = outbox_of(db, ana, "dose")
            if row["error"] is None or row["claim_token"] is not None:
                return None
            when = utc(row["not_before"])
            return when if when > not_before else None

        return check

    start_at(f"{DAY} 09:00:30")
    first = eventually(retry_time(utc(f"{DAY} 09:00:30")), "the first retry to be recorded")
    assert utc(f"{DAY} 09:00:45") <= first <= utc(f"{DAY} 09:00:55")
    restart_quietly(start_at, f"{DAY} 09:00:40", api, ana)  # still backing off: no attempt

    start_at(f"{DAY} 09:01:00")
    second = eventually(retry_time(first), "the second retry to be recorded")
    assert utc(f"{DAY} 09:01:30") <= second <= utc(f"{DAY} 09:01:40")
    assert [c.status for c in sends_to(api, ana, after)] == [500, 500]

    start_at(f"{DAY} 09:02:00")
    reminder = ana.wait_for(contains=DOSE_1, timeout=30)
    assert [c.status for c in sends_to(api, ana, after)] == [500, 500, 200]
    row = finished_row(db, ana, "dose")
    assert (row["outcome"], row["message_id"]) == ("sent", reminder.message_id)
    restart_quietly(start_at, f"{DAY} 09:06:00", api, ana)
    assert len(dose_reminders(ana)) == 1


def test_blocking_stops_everything_until_the_user_unblocks(
    api: FakeBotApi, start_at: Start, db: Path
) -> None:
    """Blocking (my_chat_member "kicked") cancels what is pending and no restart sends it;
    unblocking re-plans from now, so the still-due dose reminder arrives at once."""
    start_at(f"{DAY} 07:00:00")
    ana = enrolled(api, 7601, "Ana")
    ana.block()
    eventually(lambda: blocked_at(db, ana), "blocked_at to be set")
    assert {row["outcome"] for row in outbox_of(db, ana)} == {"cancelled"}
    after = api.call_index()
    restart_quietly(start_at, f"{DAY} 09:00:30", api, ana)
    restart_quietly(start_at, f"{DAY} 12:00:00", api, ana)
    assert sends_to(api, ana, after) == []

    ana.unblock()
    reminder = ana.wait_for(contains=DOSE_1, timeout=40)
    assert DAY in reminder.body
    assert blocked_at(db, ana) is None
    ana.send("/next")
    assert DAY in ana.wait_for(contains="Next:").body
    assert len(dose_reminders(ana)) == 1


def blocked_on_send(api: FakeBotApi, start_at: Start, db: Path, user_id: int) -> FakeUser:
    """A patient whose dose reminder meets a 403 (no my_chat_member update came): the row ends
    'blocked', the patient is marked and everything else about them is cancelled."""
    start_at(f"{DAY} 07:00:00")
    ana = enrolled(api, user_id, "Ana")
    api.fail_chat(ana.chat_id, 403)
    after = api.call_index()
    start_at(f"{DAY} 09:00:30")
    eventually(lambda: blocked_at(db, ana), "blocked_at to be set")
    assert dose_reminders(ana) == []
    outcomes = {row["kind"]: row["outcome"] for row in outbox_of(db, ana)}
    assert outcomes.pop("dose") == "blocked"
    assert outcomes.pop("take_out") in {"stale", "cancelled"}  # its moment had passed anyway
    assert set(outcomes.values()) == {"cancelled"}
    assert [c.status for c in sends_to(api, ana, after)] == [403]
    return ana


def test_forbidden_on_send_marks_blocked_and_later_restarts_send_nothing(
    api: FakeBotApi, start_at: Start, db: Path
) -> None:
    """After a 403 nothing more is attempted, even when the missed alert would be due."""
    ana = blocked_on_send(api, start_at, db, 7701)
    restart_quietly(start_at, "2026-03-03 09:00:30", api, ana)
    assert blocked_at(db, ana) is not None


def test_writing_again_after_forbidden_replans_the_due_reminder(
    api: FakeBotApi, start_at: Start, db: Path
) -> None:
    """A user marked blocked who writes to the bot is back: reminders are planned again from
    now, so the dose reminder that met the 403 goes out."""
    ana = blocked_on_send(api, start_at, db, 7702)
    api.clear_faults()
    ana.send("/next")
    ana.wait_for(contains="Next:")
    assert blocked_at(db, ana) is None
    reminder = ana.wait_for(contains=DOSE_1, timeout=40, after=0)
    assert DAY in reminder.body
    assert len(dose_reminders(ana)) == 1


def test_forged_and_repeated_dose_taps_record_one_dose(
    api: FakeBotApi, start_at: Start, db: Path
) -> None:
    """Callback data names a patient and a dose but grants nothing: a stranger replaying it
    changes nothing, and two quick ✅ taps on the reminder record the dose once."""
    start_at(f"{DAY} 07:00:00")
    ana = enrolled(api, 7801, "Ana")
    eve = api.user(7802, "Eve")
    eve.send("/help")
    eves_message = eve.wait_for(contains="What I can do")
    start_at(f"{DAY} 09:00:30")
    reminder = ana.wait_for(contains=DOSE_1, timeout=30)
    confirm = reminder.button("✅")["callback_data"]
    assert confirm.startswith(f"dose:{ana.user_id}:1:")

    for action in ("ok", "pause", "tomorrow"):
        forged = eve.tap_data(eves_message, confirm.rsplit(":", 1)[0] + f":{action}")
        assert api.wait_for_callback_answer(forged).text == "This button is no longer active."
    assert query(db, "SELECT * FROM dose_records WHERE patient_id = ?", ana.user_id) == []
    (patient,) = query(db, "SELECT paused FROM patients WHERE user_id = ?", ana.user_id)
    assert not patient["paused"]
    assert ana.messages()[-1] == reminder, "no new message, the reminder not edited"

    first = ana.tap(reminder, "✅")
    second = ana.tap_data(reminder, confirm)
    assert api.wait_for_callback_answer(first).text == "✅"
    assert api.wait_for_callback_answer(second).text == "This dose is already recorded."
    records = query(db, "SELECT number, source FROM dose_records WHERE patient_id = ?", ana.user_id)
    assert [tuple(row) for row in records] == [(1, "button")]
