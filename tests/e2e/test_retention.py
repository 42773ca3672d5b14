"""Retention end to end, the real bot restarted under libfaketime months later: an unfinished
sign-up is warned after the retention period (180 days) and deleted a week later, also one
left at /deletedata's question; one who writes after the warning stays; a patient who blocked
the bot goes without a warning; a quiet enrolled patient is never touched."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.conftest import Start
from tests.support.database import rows
from tests.support.fakebotapi import FakeBotApi
from tests.support.harness import BotProcess, eventually
from tests.support.people import begin, enrol, say
from tests.support.traces import traces

WARNING = "will be deleted on"
RETENTION_DONE = re.compile(r'Job "retention [^"]*" executed successfully')


def conversation(workdir: Path, user_id: int) -> list[tuple[object, ...]]:
    found = rows(workdir, "SELECT step, warned_at FROM conversations WHERE user_id = ?", user_id)
    return [tuple(row) for row in found]


def retention_ran(bot: BotProcess) -> None:
    """Wait for the daily run that each start makes a few seconds in."""
    bot.wait_for_log(RETENTION_DONE, "the retention run")


def test_unfinished_sign_up_warned_then_deleted_and_enrolled_patient_kept(
    api: FakeBotApi, start_at: Start, tmp_path: Path
) -> None:
    start_at("2026-03-02 07:00:00")
    ana = api.user(8201, "Ana")  # stops at the time zone question
    ben = api.user(8202, "Ben")  # stops after the time zone; will come back in time
    cleo = api.user(8203, "Cleo")  # enrolled, then blocks the bot
    pia = api.user(8204, "Pia")  # enrolled, never writes again
    dan = api.user(8205, "Dan")  # half-way, then /deletedata without ever confirming
    begin(ana)
    begin(ben, "Europe/Berlin")
    begin(dan, "Europe/Berlin")
    say(dan, "/deletedata", "Are you sure?")
    enrol(cleo, zone="UTC", first="today", at="09:00")
    enrol(pia, zone="UTC", first="2025-11-03", last="2026-02-02", which="6", at="09:00")
    cleo.block()
    eventually(
        lambda: rows(tmp_path, "SELECT blocked_at FROM patients WHERE user_id = 8203")[0][0],
        "Cleo marked as having blocked the bot",
    )
    pia_before = {
        table: len(rows(tmp_path, f"SELECT * FROM {table} WHERE patient_id = 8204"))
        for table in ("dose_records",)
    }

    retention_ran(start_at("2026-08-29 06:00:00"))  # not quite 180 days later: nothing
    assert [m for m in ana.messages() if WARNING in m.body] == []
    assert conversation(tmp_path, 8201)[0][1] is None

    after_block = api.call_index()
    start_at("2026-08-30 08:00:00")  # 181 days: Ana and Ben are warned, Cleo goes
    warning = ana.wait_for(contains=WARNING, timeout=40)
    assert "2026-09-06" in warning.body and "/start" in warning.body
    assert "2026-09-06" in ben.wait_for(contains=WARNING, timeout=10).body
    assert "2026-09-06" in dan.wait_for(contains=WARNING, timeout=10).body
    eventually(lambda: not traces(tmp_path, 8203, "Cleo"), "Cleo's data to be deleted")
    assert api.calls_to("sendMessage", chat_id=cleo.chat_id)[-1].index < after_block, (
        "no warning to someone who blocked the bot"
    )
    say(ben, "/start", "first")  # back in time: the question he stopped at
    assert conversation(tmp_path, 8202)[0][1] is None, "the warning no longer holds"

    retention_ran(start_at("2026-09-05 08:00:00"))  # six days after the warning: nothing yet
    assert conversation(tmp_path, 8201) != []

    start_at("2026-09-06 08:30:00")  # a week after the warning, still quiet: Ana goes
    eventually(lambda: not traces(tmp_path, 8201, "Ana"), "Ana's data to be deleted")
    eventually(lambda: not traces(tmp_path, 8205, "Dan"), "Dan's sign-up answers to be deleted")
    assert conversation(tmp_path, 8202) != [], "Ben wrote after his warning"
    assert len([m for m in ben.messages() if WARNING in m.body]) == 1
    assert rows(tmp_path, "SELECT count(*) FROM patients WHERE user_id = 8204")[0][0] == 1
    assert {
        table: len(rows(tmp_path, f"SELECT * FROM {table} WHERE patient_id = 8204"))
        for table in ("dose_records",)
    } == pia_before, "the quiet enrolled patient keeps everything"
    assert [m for m in pia.messages() if WARNING in m.body] == []

    say(ana, "/start", "Do you agree")  # a stranger now: the sign-up starts from scratch
