"""SIGTERM during a sweep, as on a redeploy: the real bot under libfaketime exits within 10 s
with code 0, sends already on their way finish and are recorded, nothing stays claimed, and
after a restart every reminder has arrived exactly once."""

from __future__ import annotations

import re
import time
from pathlib import Path

from tests.e2e.conftest import Start
from tests.support.database import rows
from tests.support.fakebotapi import ChatMessage, FakeBotApi, FakeUser
from tests.support.harness import BotProcess, eventually
from tests.support.people import enrol

DAY = "2026-03-02"
DOSE_1 = "It's time for dose 1"
BUDGET = 10.0
SWEEP_DONE = re.compile(r'Job "outbox sweep [^"]*" executed successfully')


def enrolled(api: FakeBotApi, user_id: int) -> FakeUser:
    """A patient in UTC whose first dose is due today at 09:00."""
    user = api.user(user_id, f"P{user_id}")
    enrol(user, zone="UTC", first="today", at="09:00")
    return user


def reminders(user: FakeUser) -> list[ChatMessage]:
    def first_text(message: ChatMessage) -> str:
        return (message.history[0].text or "") if message.history else message.body

    return [m for m in user.messages() if DOSE_1 in first_text(m)]


def held(workdir: Path) -> list[int]:
    """Outbox rows a process still holds: claimed, neither finished nor handed back."""
    found = rows(
        workdir,
        "SELECT id FROM outbox JOIN outbox_claims ON outbox_claims.outbox_id = outbox.id"
        " WHERE finished_at IS NULL",
    )
    return [row[0] for row in found]


def dose_rows(workdir: Path) -> dict[int, tuple[str | None, object, object]]:
    """Each patient's dose-reminder row: (outcome, message id, a retry's wait)."""
    found = rows(
        workdir,
        "SELECT patient_id, outcome, message_id, not_before FROM outbox WHERE kind = 'dose'",
    )
    return {row[0]: (row[1], row[2], row[3]) for row in found}


def terminate(bot: BotProcess) -> tuple[int | None, float]:
    """SIGTERM, then the exit code and how long the process took to end (killed only after
    far more than the budget, so that the measure shows how late it was)."""
    began = time.monotonic()
    code = bot.stop(timeout=3 * BUDGET)
    return code, time.monotonic() - began


def wait_for_sweep(bot: BotProcess) -> None:
    bot.wait_for_log(SWEEP_DONE, "a finished sweep")


def test_sigterm_during_a_sweep_lets_sends_in_flight_finish_and_gives_back_the_rest(
    api: FakeBotApi, start_at: Start, tmp_path: Path
) -> None:
    start_at(f"{DAY} 07:00:00")
    patients = [enrolled(api, 7951 + n) for n in range(8)]
    api.delay_next("sendMessage", 2.5, times=len(patients))  # a slow Telegram
    after = api.call_index()
    bot = start_at(f"{DAY} 09:00:30")
    api.wait_for_call("sendMessage", 30, after_index=after)
    time.sleep(0.5)  # the sweep has its 4 sends on their way

    code, took = terminate(bot)

    assert code == 0, bot.logs()
    assert took < BUDGET, f"took {took:.1f} s to stop\n{bot.logs()}"
    assert held(tmp_path) == []
    outcomes = dose_rows(tmp_path)
    sent = {user.user_id for user in patients if reminders(user)}
    assert 1 <= len(sent) < len(patients), "stopped half-way through the due reminders"
    for user in patients:
        outcome, message_id, lease = outcomes[user.user_id]
        if user.user_id in sent:  # arrived: recorded as sent, with the message it became
            [reminder] = reminders(user)
            assert (outcome, message_id) == ("sent", reminder.message_id)
        else:  # not sent: pending, claimable at once
            assert (outcome, message_id, lease) == (None, None, None), user.dump()

    restarted = start_at(f"{DAY} 09:01:00")
    for user in patients:
        user.wait_for(contains=DOSE_1, timeout=40)
    wait_for_sweep(restarted)
    assert {user.user_id: len(reminders(user)) for user in patients} == {
        user.user_id: 1 for user in patients
    }


def test_a_429_is_not_waited_out_in_the_send_and_its_retry_time_survives_a_restart(
    api: FakeBotApi, start_at: Start, tmp_path: Path
) -> None:
    """A 429 asking for 60 s is not waited out inside the send (that held up stopping and could
    outlast the lease): the row is given back until retry_after, stopping finds nothing
    claimed, and the next start sends it once."""
    start_at(f"{DAY} 07:00:00")
    ana = enrolled(api, 7961)
    api.fail_next("sendMessage", 429, retry_after=60, chat_id=ana.chat_id)
    after = api.call_index()
    bot = start_at(f"{DAY} 09:00:30")
    refused = api.wait_for_call("sendMessage", 30, after_index=after)
    eventually(lambda: refused.status == 429, "the 429 answer")
    eventually(lambda: dose_rows(tmp_path)[ana.user_id][2] is not None, "the retry time")

    code, took = terminate(bot)

    assert code == 0, bot.logs()
    assert took < BUDGET, f"took {took:.1f} s to stop\n{bot.logs()}"
    assert held(tmp_path) == []
    assert dose_rows(tmp_path)[ana.user_id][:2] == (None, None)
    assert reminders(ana) == []

    start_at(f"{DAY} 09:02:00")
    reminder = ana.wait_for(contains=DOSE_1, timeout=40)
    assert "late" not in reminder.body  # two minutes: still on time
    eventually(lambda: dose_rows(tmp_path)[ana.user_id][0] == "sent", "the sent outcome")
    assert len(reminders(ana)) == 1


def test_sigterm_when_idle_exits_at_once(api: FakeBotApi, start_at: Start) -> None:
    bot = start_at(f"{DAY} 07:00:00")
    enrolled(api, 7971)
    code, took = terminate(bot)
    assert code == 0 and took < 3, f"{code}, {took:.1f} s\n{bot.logs()}"
