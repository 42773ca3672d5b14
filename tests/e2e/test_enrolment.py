"""A new user signs up by typing, as a person would, wrong answers included."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from tests.support.database import value
from tests.support.fakebotapi import FakeBotApi
from tests.support.harness import BotProcess
from tests.support.people import begin, enrol, local_today, say, schedule_of


def rows(bot: BotProcess, table: str) -> int:
    return value(bot.workdir, f"SELECT count(*) FROM {table}")


def test_enrolment_by_typing_with_bad_answers(api: FakeBotApi, bot: BotProcess) -> None:
    user = api.user(1001, "Ana")
    user.send("/start")
    consent = user.wait_for(contains="Do you agree")
    assert any(b.startswith("✅") for b in consent.buttons)
    user.send("Yes!")
    zone_question = user.wait_for(contains="time zone")
    assert zone_question.location_buttons, "the time zone question offers to share a location"

    user.send("Mars/Olympus_Mons")
    assert "don't know the time zone" in user.wait_for().body
    user.send("x" * 5000)
    assert "too long for me" in user.wait_for().body
    user.send("  europe/BERLIN ")
    assert "Europe/Berlin" in user.wait_for(contains="Time zone").body
    user.wait_for(contains="first")

    user.send("2019-05-01")
    assert "2020-08-20" in user.wait_for(contains="approved").body
    today = local_today("Europe/Berlin")
    user.send("when the nurse comes")
    assert str(today) in user.wait_for(contains="couldn't read").body, "an example to copy"
    user.send(str(today.replace(year=today.year + 2)))
    user.wait_for(contains="more than a year ahead")
    assert rows(bot, "patients") == 0, "nothing about the patient is stored before the end"

    user.send("Today")
    user.wait_for(contains="remind you on dose days")
    user.send("25:00")
    user.wait_for(contains="the hours go from 0 to 23")
    user.send("abc")
    user.wait_for(contains="isn't a time")
    user.send("7:30am")
    user.wait_for(contains="You're all set")
    plan = schedule_of([user.wait_for(contains="Your Kesimpta plan")])

    assert [line.number for line in plan] == list(range(1, 13))
    assert [line.day for line in plan[:4]] == [
        today,
        today + timedelta(days=7),
        today + timedelta(days=14),
        today + timedelta(days=28),
    ]
    assert plan[0].status.startswith("due today")
    assert all(line.status.startswith("upcoming") for line in plan[1:])
    assert rows(bot, "patients") == 1
    assert rows(bot, "conversations") == 0

    user.send("/next")
    reply = user.wait_for(contains="Next")
    assert str(today) in reply.body and "07:30" in reply.body


def months_later(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def on_time_dates(first: date, count: int) -> list[date]:
    week_4 = first + timedelta(days=28)
    loading = [first, first + timedelta(days=7), first + timedelta(days=14)]
    return loading + [months_later(week_4, k) for k in range(count - 3)]


def test_already_on_treatment_continues_from_the_last_injection(
    api: FakeBotApi, bot: BotProcess
) -> None:
    user = api.user(1002, "Ben")
    today = local_today("America/New_York")
    first = today - timedelta(days=200)
    while True:  # a first date whose last on-time dose before today leaves the next one ahead
        dates = on_time_dates(first, 20)
        k = max(i for i, day in enumerate(dates) if day < today)
        if dates[k + 1] > today:
            break
        first -= timedelta(days=3)
    number, last = k + 1, dates[k]
    plan = schedule_of(enrol(user, zone="America/New_York", first=str(first), last=str(last)))

    statuses = [line.status for line in plan]
    assert not any("missed" in s or "overdue" in s for s in statuses), statuses
    assert (plan[0].number, plan[0].day) == (1, first)
    assert plan[0].status.startswith("before enrolment")
    assert (plan[1].number, plan[1].day) == (number, last)
    assert plan[1].status.startswith("before enrolment")
    assert f"{number - 2} more injections before enrolment" in user.messages()[-1].body
    upcoming = plan[2:]
    assert [line.number for line in upcoming] == list(range(number + 1, number + 13))
    assert [line.day for line in upcoming] == [months_later(last, k) for k in range(1, 13)]
    assert all(line.status.startswith("upcoming") for line in upcoming)


def test_a_dose_already_due_at_enrolment_is_one_overdue_dose(
    api: FakeBotApi, bot: BotProcess
) -> None:
    """Never a burst of missed doses: one dose is due now, the rest follow from today."""
    user = api.user(1007, "Gus")
    today = local_today("Europe/Berlin")
    first = today - timedelta(days=400)
    last = today - timedelta(days=75)
    begin(user, "Europe/Berlin")
    say(user, str(first), "most recent")
    question = say(user, str(last), "Was it dose")
    user.tap(question, "Dose")
    user.wait_for(contains="remind you on dose days")
    user.send("00:00")
    plan = schedule_of([user.wait_for(contains="Your Kesimpta plan")])
    due = [line for line in plan if not line.status.startswith("before enrolment")]
    assert "overdue" in due[0].status
    assert not any("missed" in line.status for line in plan)
    assert all(line.status == "upcoming (provisional)" for line in due[1:])
    assert due[1].day == today + timedelta(days=1) or due[1].day > today
    user.send("/next")
    user.wait_for(contains="as soon as you can")


def test_an_ambiguous_last_injection_is_asked_about(api: FakeBotApi, bot: BotProcess) -> None:
    user = api.user(1003, "Cleo")
    today = local_today("Europe/Berlin")
    first = today - timedelta(days=60)
    last = first + timedelta(days=9)  # after dose 2's date (day 7), before dose 3's (day 14)
    begin(user, "Europe/Berlin", consent="agree")
    say(user, str(first), "most recent")
    say(user, "tomorrow", "couldn't read")
    say(user, str(first - timedelta(days=1)), "before your first injection")
    question = say(user, str(last), "Was it dose 2")
    assert question.buttons == ["Dose 2 · loading 2/3", "Dose 3 · loading 3/3"]
    user.send("5")
    user.wait_for(contains="dose number")
    user.send("3")
    user.wait_for(contains="remind you on dose days")
    user.send("08:15")
    user.wait_for(contains="You're all set")
    plan = schedule_of([user.wait_for(contains="Your Kesimpta plan")])
    assert (plan[1].number, plan[1].day) == (3, last)
    assert (plan[2].number, plan[2].day) == (4, last + timedelta(days=14))


def test_buttons_shared_location_and_date_picker(api: FakeBotApi, bot: BotProcess) -> None:
    user = api.user(1004, "Dan")
    user.send("/start")
    user.tap(user.wait_for(contains="Do you agree"), "✅")
    user.wait_for(contains="time zone")
    user.send_location(48.8566, 2.3522)
    assert "Europe/Paris" in user.wait_for(contains="Time zone").body
    picker = user.wait_for(contains="first")
    today = local_today("Europe/Paris")
    tomorrow = today + timedelta(days=1)
    if tomorrow.month != today.month:
        user.tap(picker, "»")
        picker = user.wait_for_edit(picker)
    user.tap(picker, str(tomorrow.day))
    user.wait_for(contains="remind you on dose days")
    user.tap_data(picker, f"cal:{today}")  # a stale picker: the step has moved on
    user.send("18:00")
    plan = schedule_of([user.wait_for(contains="Your Kesimpta plan")])
    assert plan[0].day == tomorrow and plan[0].status.startswith("upcoming")


def test_declining_stores_nothing(api: FakeBotApi, bot: BotProcess) -> None:
    user = api.user(1005, "Eve")
    user.send("/start")
    user.wait_for(contains="Do you agree")
    user.send("hmm")
    user.wait_for(contains="Do you agree")
    user.send("no thanks")
    user.wait_for(contains="haven't stored anything")
    user.send("/about")
    user.wait_for(contains="no medical advice")
    user.send("/schedule")
    user.wait_for(contains="haven't signed up")
    assert rows(bot, "conversations") == 0 and rows(bot, "patients") == 0


def test_unfinished_enrolment_survives_a_restart(api: FakeBotApi, bot: BotProcess) -> None:
    user = api.user(1006, "Fay")
    begin(user, "Asia/Tokyo")
    bot.restart()
    user.send("tomorrow")
    user.wait_for(contains="remind you on dose days")
    bot.restart()
    user.send("/start")
    user.wait_for(contains="pick up where we left off")
    user.wait_for(contains="remind you on dose days")
    user.send("06:00")
    plan = schedule_of([user.wait_for(contains="Your Kesimpta plan")])
    assert plan[0].day == local_today("Asia/Tokyo") + timedelta(days=1)
