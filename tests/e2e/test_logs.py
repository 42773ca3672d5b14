"""The log of a full run with LOG_FORMAT=json: sign-up, diary, caregiver, support, a reminder
and a dose recorded under a faked clock, two handler errors, SIGTERM. Every line is a JSON
object, and neither the token, nor anyone's id or name, nor what they typed, nor a dose date
is in it; each kind of handler error reached staff once, and the user got a polite answer."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.logs import key_for, user_ref
from tests.conftest import missing_tool
from tests.support import harness
from tests.support.database import TestDatabases
from tests.support.fakebotapi import FakeBotApi, FakeUser
from tests.support.harness import BotProcess, libfaketime_path
from tests.support.people import enrol, say

TOKEN = "7357111222:AAFq9-Zx_wLm3NnB8vYtR2kPoE5sHd1uCjGa"
PATIENT, CAREGIVER, STAFF = 48151623, 62831853, 27182818
SORRY = "Sorry, something went wrong on my side. Please try again in a moment."
REPORT = "Error in the bot"
HEADER = re.compile(r"^----- start #\d+ -----$")
DAY_OF_THE_RUN = "2026-03-02"
MOMENT = re.compile(DAY_OF_THE_RUN + r"[ T]\d{2}:\d{2}:\d{2}")  # the scheduler's run times
PRIVATE = (
    TOKEN,
    TOKEN.split(":")[1],
    *(str(ident) for ident in (PATIENT, CAREGIVER, STAFF)),
    "Wilhelmina",
    "Quackenbush",
    "wquack",
    "Bartholomew",
    "Europe/Berlin",
    "zebrafish",  # the diary note
    "eyelids",
    "xylophone",  # the support request
    "marimba",  # the staff answer
    "thigh",  # the injection site
    "2026-02-16",  # the first injection
    "2026-02-23",  # the most recent one
    "2026-03-16",  # the next dose
)


@pytest.fixture
def api(database: TestDatabases) -> Iterator[FakeBotApi]:
    """A fake Bot API whose token looks like a real one (the short default would not show
    whether token-shaped text is redacted)."""
    yield from harness.fake_api_session(TOKEN)


def start(api: FakeBotApi, workdir: Path, at: str) -> BotProcess:
    env = {"LOG_FORMAT": "json", "LOG_LEVEL": "DEBUG", "ADMIN_IDS": str(STAFF)}
    return BotProcess(api, workdir, env, faketime=f"@{at}").start()


def records(bot: BotProcess) -> list[dict[str, Any]]:
    """Every line the bot wrote to stderr, parsed (the harness's own start markers aside); a
    line that is not a JSON object fails the test."""
    lines = bot.stderr_path.read_text().splitlines()
    parsed = []
    for line in lines:
        if HEADER.match(line):
            continue
        record = json.loads(line)
        assert isinstance(record, dict), line
        parsed.append(record)
    return parsed


def reports_to(user: FakeUser) -> list[str]:
    return [m.body for m in user.messages() if REPORT in m.body]


def test_a_full_run_logs_json_lines_without_anything_private(
    api: FakeBotApi, tmp_path: Path
) -> None:
    if libfaketime_path() is None:
        missing_tool("libfaketime is not installed (Debian package faketime)")
    patient = api.user(PATIENT, "Wilhelmina", last_name="Quackenbush", username="wquack")
    caregiver = api.user(CAREGIVER, "Bartholomew")
    staff = api.user(STAFF, "Sam")

    bot = start(api, tmp_path, f"{DAY_OF_THE_RUN} 07:00:00")  # 08:00 in Berlin
    try:
        enrol(patient, zone="Europe/Berlin", first="2026-02-16", last="2026-02-23", at="10:00")
        say(patient, "/log Quivering eyelids after the zebrafish salad", "Noted in your diary")

        invite = say(patient, "/invite", "Send this link")
        token = re.search(r"start=([A-Za-z0-9_-]+)", invite.body)
        assert token is not None
        say(caregiver, f"/start {token.group(1)}", "Waiting for their approval")
        request = patient.wait_for(contains="opened your invite")
        patient.tap(request, "✅ Approve")
        caregiver.wait_for(contains="approved you")

        say(patient, "/support My phone plays a xylophone tune", "Sent to the support team")
        asked = staff.wait_for(contains="Support request #")
        staff.reply_to(asked, "Try the marimba setting")
        patient.wait_for(contains="Try the marimba setting")

        # a handler error, twice: Telegram refuses the schedule, the user is told politely
        for _ in range(2):
            api.fail_next("sendMessage", 400, "Bad Request: message is too long", chat_id=PATIENT)
            asked = patient.send("/schedule")
            patient.wait_for(contains=SORRY, after=asked)
        # and on a button: the tap itself is answered with the apology
        page = say(patient, "/storage", "fridge")
        api.fail_next("answerCallbackQuery", 400, "Bad Request: query is too old")
        query = patient.tap(page, page.buttons[0])
        assert api.wait_for_callback_answer(query).text == SORRY
        staff.wait_for(lambda m: REPORT in m.body and "button" in m.body)
        bot.stop()

        bot = start(api, tmp_path, f"{DAY_OF_THE_RUN} 09:00:30")  # 10:00:30 in Berlin
        reminder = patient.wait_for(contains="It's time for dose 3", timeout=60)
        patient.tap(reminder, "✅")
        patient.wait_for_edit(reminder)
        who = patient.wait_for(contains="Who gave the injection")
        patient.tap(who, "🙋")
        where = patient.wait_for_edit(who)
        patient.tap(where, "Left thigh")
        patient.wait_for_edit(where, predicate=lambda m: "left thigh" in m.body)
        caregiver.wait_for(contains=f"dose 3 was injected on {DAY_OF_THE_RUN}", timeout=60)
    finally:
        assert bot.stop() == 0, "a clean exit on SIGTERM"

    found = records(bot)
    assert len(found) > 20
    everything = bot.stderr_path.read_text()
    for secret in PRIVATE:
        assert secret not in everything, secret
    for record in found:
        assert {"time", "level", "logger", "message"} <= set(record), record
        assert record["time"].startswith(DAY_OF_THE_RUN), "the app's (faked) clock"
        rest = json.dumps({key: value for key, value in record.items() if key != "time"})
        assert DAY_OF_THE_RUN not in MOMENT.sub("", rest), "a date alone: a dose's"
    assert "".join(HEADER.sub("", line) for line in bot.stdout_path.read_text().splitlines()) == ""

    failed = [r for r in found if r["message"].startswith("handler failed")]
    assert len(failed) == 3
    ref = user_ref(PATIENT, key_for(TOKEN))
    assert all(f"user={ref}" in r["message"] and r["level"] == "ERROR" for r in failed)
    assert all(r["error"].startswith("BadRequest: ") and " > " in r["trace"] for r in failed)
    assert "/schedule" in failed[0]["message"] and "button" in failed[2]["message"]

    reports = reports_to(staff)
    assert len(reports) == 2, "one per kind of error, the second /schedule failure held back"
    assert "/schedule" in reports[0] and "BadRequest: Message is too long" in reports[0]
    assert ref in reports[0] and "bot/handlers/" in reports[0]
    for report in reports:
        for secret in PRIVATE:
            assert secret not in report, secret
    assert len([m for m in patient.messages() if m.body.startswith(SORRY)]) == 2
