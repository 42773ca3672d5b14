"""The whole bot process under a controlled clock (libfaketime): dates and local times come out
exactly as the contract's worked examples say, across month ends, year ends and DST days."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import DATA, missing_tool
from tests.support.fakebotapi import FakeBotApi
from tests.support.harness import BotProcess, libfaketime_path
from tests.support.people import enrol, schedule_of


@pytest.fixture
def start_bot(api: FakeBotApi, tmp_path: Path) -> Iterator[object]:
    if libfaketime_path() is None:
        missing_tool("libfaketime is not installed (Debian package faketime)")
    started: list[BotProcess] = []

    def start(at: str) -> BotProcess:
        bot = BotProcess(api, tmp_path, faketime=f"@{at}").start()
        started.append(bot)
        return bot

    yield start
    for bot in started:
        bot.stop()


def worked_example(name: str) -> dict:
    cases = json.loads((DATA / "schedule-cases.json").read_text(encoding="utf-8"))["cases"]
    return next(case for case in cases if case["case"].startswith(name))


def test_enrolling_on_the_first_injection_day_gives_the_worked_example(
    api: FakeBotApi, start_bot
) -> None:
    case = worked_example("all on time, week 4 on the 30th")
    start_bot(f"{case['first_injection']} 08:00:00")
    plan = schedule_of(enrol(api.user(5001, "Rae"), zone="Europe/Berlin", first="today"))
    expected = [date.fromisoformat(day) for day in case["planned_dates_of_doses_1_to_16"][:12]]
    assert [line.day for line in plan] == expected
    assert plan[0].status.startswith("due today")


def test_month_end_anchor_then_an_overdue_dose_after_a_restart(api: FakeBotApi, start_bot) -> None:
    case = worked_example("week 4 on the 31st")
    bot = start_bot(f"{case['first_injection']} 12:00:00")
    user = api.user(5002, "Sol")
    plan = schedule_of(enrol(user, zone="Europe/London", first="today", at="20:00"))
    expected = [date.fromisoformat(day) for day in case["planned_dates_of_doses_1_to_16"][:12]]
    assert [line.day for line in plan] == expected

    bot.stop()
    start_bot("2026-01-20 12:00:00")  # dose 1 never recorded: overdue, then missed
    user.send("/schedule")
    message = user.wait_for(contains="Your Kesimpta plan")
    plan = schedule_of([message])
    assert (plan[0].day, plan[0].status) == (date(2026, 1, 3), "missed: inject as soon as possible")
    assert [line.day for line in plan[1:4]] == [
        date(2026, 1, 27),
        date(2026, 2, 3),
        date(2026, 2, 17),
    ]
    assert all(line.status == "upcoming (provisional)" for line in plan[1:])
    assert "assume you inject it today" in message.body


def test_today_is_the_patients_local_date_across_the_year_end(api: FakeBotApi, start_bot) -> None:
    start_bot("2026-12-31 22:30:00")  # already 2027-01-01 in Auckland
    user = api.user(5003, "Tui")
    plan = schedule_of(enrol(user, zone="Pacific/Auckland", first="today", at="12:00"))
    assert plan[0].day == date(2027, 1, 1)
    user.send("/next")
    assert "2027-01-01" in user.wait_for(contains="Next").body


def test_a_reminder_time_missing_on_a_dst_day_moves_forward(api: FakeBotApi, start_bot) -> None:
    start_bot("2026-03-28 12:00:00")
    user = api.user(5004, "Uma")
    enrol(user, zone="Europe/Berlin", first="tomorrow", at="02:30")
    user.send("/next")
    reply = user.wait_for(contains="Next").body
    assert "2026-03-29" in reply and "03:30 Europe/Berlin" in reply
