"""Dates and times typed the way people type them (issue 14 §2), at every step that asks for
one: sign-up, /taken, a corrected date and /settings, in English and in German. The bot's
clock is fixed at Wednesday 2027-02-10, 09:00 in Berlin, so relative words have one answer."""

from __future__ import annotations

import re
from datetime import date, time

from bot import texts
from bot.domain.answers import ClockProblem
from bot.texts import language
from tests.e2e.conftest import Start
from tests.support.database import SQLITE_ONLY
from tests.support.fakebotapi import FakeBotApi, FakeUser
from tests.support.people import begin, say, schedule_of
from tests.support.wording import german, shown

pytestmark = SQLITE_ONLY

NOW = "2027-02-10 08:00:00"  # 09:00 in Berlin, a Wednesday
TODAY = date(2027, 2, 10)
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def finish(user: FakeUser, at: str) -> list[date]:
    """Answer the reminder time; the planned days of the schedule shown at the end."""
    done = say(user, at, "You're all set")
    plan = user.wait_for(contains="Your Kesimpta plan", after=done)
    return [line.day for line in schedule_of([plan])]


def test_english_dates_and_times_as_typed(api: FakeBotApi, start_at: Start) -> None:
    start_at(NOW)
    ann = api.user(9301, "Ann")
    begin(ann, "Europe/Berlin")
    say(ann, "next monday", "remind you on dose days")
    days = finish(ann, "9am")
    assert days[0] == date(2027, 2, 15), "next monday is the coming Monday"
    say(ann, "/next", "09:00 Europe/Berlin")

    ann.send("/settings")
    ann.tap(ann.wait_for(contains="Settings"), "⏰")
    ann.wait_for(contains="new reminder time")
    assert "21:00" in say(ann, "9 pm", "Reminders now come").body
    ann.send("/settings")
    ann.tap(ann.wait_for(contains="Settings"), "⏰")
    ann.wait_for(contains="new reminder time")
    assert say(ann, "morning", "at what time exactly").reply_keyboard == ["08:00", "09:00", "10:00"]
    assert "10:00" in say(ann, "10:00", "Reminders now come").body

    ben = api.user(9302, "Ben")
    begin(ben, "Europe/Berlin")
    asked = say(ben, "15 Jan 2027", "most recent")
    assert "Fri 2027-01-15" in asked.body
    say(ben, "next monday", "in the future")
    vague = say(ben, "I don't remember", "That's all right")
    assert "📅 Plan from my first injection" in vague.buttons
    assert "February 2027" in vague.buttons, "the calendar to pick from"
    say(ben, "yesterday", "Was it dose 3")
    say(ben, "3", "remind you on dose days")
    days = finish(ben, "9:00 am")
    assert days[:2] == [date(2027, 1, 15), date(2027, 2, 9)]


def test_an_ambiguous_date_asks_and_a_vague_one_plans_from_the_first(
    api: FakeBotApi, start_at: Start
) -> None:
    start_at(NOW)
    cleo = api.user(9303, "Cleo")
    begin(cleo, "Europe/Berlin")
    say(cleo, "2026-10-01", "most recent")
    question = say(cleo, "10/12/2026", "can be read two ways")
    assert question.buttons == ["Thu 10 December 2026", "Mon 12 October 2026"]
    cleo.tap(question, "Thu 10 December 2026")
    cleo.wait_for(contains="Was it dose 5")

    dora = api.user(9304, "Dora")
    begin(dora, "Europe/Berlin")
    say(dora, "2026-10-01", "most recent")
    vague = say(dora, "not sure", "That's all right")
    dora.tap(vague, "📅 Plan from my first injection")
    planned = dora.wait_for(contains="I've assumed")
    assert "dose 7 on Fri 2027-01-29" in planned.body and "clinic" in planned.body
    dora.wait_for(contains="remind you on dose days")
    assert say(dora, "evening", "at what time exactly").reply_keyboard == [
        "18:00",
        "19:00",
        "20:00",
    ]
    days = finish(dora, "19:00")
    assert date(2027, 1, 29) in days


def test_taken_and_a_correction_with_words(api: FakeBotApi, start_at: Start) -> None:
    start_at(NOW)
    eve = api.user(9306, "Eve")
    begin(eve, "Europe/Berlin")
    say(eve, "last Wednesday", "most recent")
    say(eve, "last Wednesday", "remind you on dose days")
    assert finish(eve, "9")[:2] == [date(2027, 2, 3), date(2027, 2, 10)]
    say(eve, "/taken 01/02/2027", "can be read two ways")
    confirmed = say(eve, "/taken yesterday", "recorded as injected on 2027-02-09")
    eve.tap(confirmed, "📅")
    eve.wait_for(contains="On which day did you inject dose 2")
    say(eve, "01/02/2027", "can be read two ways")
    say(eve, "not sure", "cancel")
    say(eve, "8 Feb", "recorded as injected on 2027-02-08")


def test_german_dates_and_times_as_typed(api: FakeBotApi, start_at: Start) -> None:
    start_at(NOW)
    lena = api.user(9305, "Lena", language_code="de")
    lena.send("/start")
    lena.wait_for(contains=shown(german(lambda: texts.enrolment.consent(False)))[:30])
    say(lena, "ja", shown(german(texts.enrolment.ask_time_zone))[:30])
    first = say(
        lena,
        "Europe/Berlin",
        shown(german(lambda: texts.enrolment.ask_first_injection(TODAY)))[:30],
    )
    assert "10.02.2027" in first.body and "YYYY" not in first.body and "today" not in first.body
    last = say(lena, "15.01.2027", "Sie haben am Fr., 15.01.2027 begonnen")
    assert not ISO.search(last.body), "German dates only"
    which = say(lena, "gestern", "09.02.2027")
    assert "Dosis 3" in which.body
    say(lena, "3", shown(german(texts.enrolment.ask_reminder_time))[:30])
    done = say(lena, "9 Uhr", shown(german(texts.enrolment.enrolled))[:30])
    plan = lena.wait_for(contains="Fr., 15.01.2027", after=done)
    assert "Di., 09.02.2027" in plan.body and not ISO.search(plan.body)
    assert "09:00" in plan.body


EVERY_FIRST_DATE = {
    "en": [
        ("next monday", date(2027, 2, 15)),
        ("Monday", date(2027, 2, 15)),
        ("in 3 days", date(2027, 2, 13)),
        ("yesterday", date(2027, 2, 9)),
        ("15.01.2027", date(2027, 1, 15)),
        ("15/01/2027", date(2027, 1, 15)),
        ("15 Jan 2027", date(2027, 1, 15)),
        ("January 15", date(2027, 1, 15)),
        ("15.1.", date(2027, 1, 15)),
    ],
    "de": [
        ("nächsten Montag", date(2027, 2, 15)),
        ("Montag", date(2027, 2, 15)),
        ("in 3 Tagen", date(2027, 2, 13)),
        ("gestern", date(2027, 2, 9)),
        ("heute", date(2027, 2, 10)),
        ("morgen", date(2027, 2, 11)),
        ("15. Januar 2027", date(2027, 1, 15)),
        ("15.1.", date(2027, 1, 15)),
    ],
}
"""Each observed first-injection answer, with the day it means on Wednesday 2027-02-10."""

VAGUE = {"en": ["early August", "I don't remember"], "de": ["Anfang August", "weiß nicht"]}


def sign_up_to_first_date(api: FakeBotApi, user_id: int, code: str) -> FakeUser:
    user = api.user(user_id, "Pat", language_code=code)
    user.send("/start")
    with language.speaking(code):
        opening = shown(texts.enrolment.ask_first_injection(TODAY))[:30]
        zone_question = shown(texts.enrolment.ask_time_zone())[:30]
    say(user, "ja" if code == "de" else "yes", zone_question)
    say(user, "Europe/Berlin", opening)
    return user


def test_every_observed_first_date_in_both_languages(api: FakeBotApi, start_at: Start) -> None:
    """A new user per answer: a past date is named back in the next question, a coming one
    starts the plan; a vague answer gets the calendar."""
    start_at(NOW)
    user_id = 9400
    for code, answers in EVERY_FIRST_DATE.items():
        with language.speaking(code):
            time_question = shown(texts.enrolment.ask_reminder_time())[:30]
        for text, meant in answers:
            user_id += 1
            user = sign_up_to_first_date(api, user_id, code)
            if meant < TODAY:
                with language.speaking(code):
                    written = language.day(meant)
                assert written in say(user, text, written).body, text
                continue
            say(user, text, time_question)
            plan = say(user, "9", "Kesimpta")
            assert plan.body.count("\n") > 3, text
            with language.speaking(code):
                first_line = language.day(meant)
            assert first_line in user.wait_for(contains=first_line).body, text
        for text in VAGUE[code]:
            user_id += 1
            user = sign_up_to_first_date(api, user_id, code)
            user.send(text)
            calendar = user.wait_for(lambda message: "»" in message.buttons)
            assert calendar.body != "", text


EVERY_TIME = {
    "en": [
        ("9", time(9)),
        ("9am", time(9)),
        ("9:00 am", time(9)),
        ("9.00", time(9)),
        ("9h", time(9)),
        ("9 pm", time(21)),
        ("morning", time(8)),
        ("evening", time(20)),
    ],
    "de": [
        ("9 Uhr", time(9)),
        ("21 Uhr", time(21)),
        ("9.00", time(9)),
        ("morgens", time(10)),
        ("abends", time(19)),
    ],
}
"""Each observed reminder time with what it means; a part of the day offers three times as
buttons, and the test taps one."""


def test_every_observed_time_in_both_languages(api: FakeBotApi, start_at: Start) -> None:
    """A new user per answer at sign-up's time question (so no one trips the flood limit);
    refusals say why; a German patient changes the time in /settings with "21 Uhr"."""
    start_at(NOW)
    user_id = 9450
    for code, answers in EVERY_TIME.items():
        with language.speaking(code):
            asked = shown(texts.enrolment.ask_reminder_time())[:25]
            hours = shown(texts.enrolment.time_unreadable("25:00", ClockProblem.NO_SUCH_HOUR))
            unreadable = shown(texts.enrolment.time_unreadable("abc"))
            prompt = shown(texts.schedule.ask_new_reminder_time())[:25]
            changed = shown(texts.schedule.reminder_time_changed(time(21), "Europe/Berlin"))
        for text, meant in answers:
            user_id += 1
            user = sign_up_to_first_date(api, user_id, code)
            say(user, "morgen" if code == "de" else "tomorrow", asked)
            if meant.hour in (8, 10, 19, 20):  # a part of the day: three times to tap
                with language.speaking(code):
                    pick = shown(texts.enrolment.pick_time(text))
                offered = say(user, text, pick)
                assert f"{meant:%H:%M}" in offered.reply_keyboard, text
                text = f"{meant:%H:%M}"
            user.send(text)
            plan = user.wait_for(contains="Kesimpta")
            assert f"{meant:%H:%M}" in plan.body, text
        say(user, "/settings", "Europe/Berlin")
        user.tap(user.wait_for(lambda m: any(b.startswith("⏰") for b in m.buttons)), "⏰")
        user.wait_for(contains=prompt)
        say(user, "25:00", hours)
        say(user, "abc", unreadable)
        say(user, "21 Uhr" if code == "de" else "9 pm", changed)
