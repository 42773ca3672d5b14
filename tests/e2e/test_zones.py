"""Time zones typed as people type them (issue 14): a city, a country, in English and German, a
UTC offset; one zone is confirmed, several are offered as buttons; at sign-up and in /settings.
German expectations are rendered from the catalog, so the test follows the translation."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import texts
from tests.e2e.conftest import Start
from tests.support.database import SQLITE_ONLY
from tests.support.fakebotapi import ChatMessage, FakeBotApi, FakeUser
from tests.support.harness import BotProcess
from tests.support.people import begin, enrol, say
from tests.support.wording import german

pytestmark = SQLITE_ONLY

SAME_DATE_EVERYWHERE = "2027-02-10 06:00:00"  # 07:00 Berlin, 01:00 New York, 14:00 Perth


def zone_buttons(message: ChatMessage) -> list[str]:
    return [label.split(" · ")[0] for label in message.buttons]


def signed_up_in(user: FakeUser, zone: str) -> None:
    """The rest of the sign-up, to see the zone stored and used."""
    say(user, "today", "remind you on dose days")
    say(user, "09:00", "You're all set")
    user.send("/next")
    assert f"09:00 {zone}" in user.wait_for(contains="Next").body


def test_a_city_at_sign_up(api: FakeBotApi, bot: BotProcess) -> None:
    user = api.user(8101, "Ada")
    question = begin(user)
    assert "New York" in question.body and "Europe/Berlin" not in question.body
    confirmed = say(user, "Berlin", "Time zone")
    assert "Europe/Berlin" in confirmed.body and "It's" in confirmed.body
    user.wait_for(contains="first")
    signed_up_in(user, "Europe/Berlin")


def test_new_york_and_nonsense(api: FakeBotApi, bot: BotProcess) -> None:
    user = api.user(8102, "Bo")
    begin(user)
    unknown = say(user, "qwertzuiop", "don't know the time zone")
    assert "city or country" in unknown.body
    say(user, "x" * 3000, "too long for me")
    assert "America/New_York" in say(user, "New York", "Time zone").body
    signed_up_in(user, "America/New_York")


def test_a_german_user_types_a_german_country_name(api: FakeBotApi, bot: BotProcess) -> None:
    user = api.user(8103, "Lena", language_code="de")
    user.send("/start")
    agree = german(texts.enrolment.consent_agree_button)
    user.wait_for(lambda message: agree in message.buttons)
    user.send("ja")
    prompt = german(texts.enrolment.ask_time_zone)
    question = user.wait_for(contains=prompt.split("\n")[0])
    for english in ("Type", "city", "country", "for example", "New York", "Germany"):
        assert english not in question.body, english
    assert "Deutschland" in question.body
    unknown = say(user, "Xyzzyland", german(lambda: texts.enrolment.zone_unknown("Xyzzyland"))[:12])
    assert "Österreich" in unknown.body and "city" not in unknown.body
    confirmed = user.wait_for(contains="Europe/Berlin", after=user.send("Deutschland"))
    assert "Time zone" not in confirmed.body, "German, not English"
    user.wait_for(contains=german(lambda: texts.enrolment.ask_first_injection(date.today()))[:20])


def test_utc_plus_one_offers_buttons_and_a_tap_sets_the_zone(
    api: FakeBotApi, bot: BotProcess
) -> None:
    user = api.user(8104, "Cy")
    begin(user)
    choices = say(user, "UTC+1", "right now")
    zones = zone_buttons(choices)
    assert 2 <= len(zones) <= 8 and not any(zone.startswith("Etc/") for zone in zones)
    for zone in zones:
        assert datetime.now(ZoneInfo(zone)).utcoffset() == timedelta(hours=1)
    berlin_in_winter = datetime.now(ZoneInfo("Europe/Berlin")).utcoffset() == timedelta(hours=1)
    pick = "Europe/Berlin" if berlin_in_winter else "Europe/London"
    assert pick in zones
    user.tap(choices, pick)
    assert pick in user.wait_for(contains="Time zone").body
    user.wait_for(contains="first")
    user.tap_data(choices, f"zone:s:{zones[-1]}")  # the step has moved on
    user.tap_data(choices, "zone:s:Mars/Olympus")  # forged
    signed_up_in(user, pick)


def test_a_country_with_several_zones_and_the_gmt_spelling(
    api: FakeBotApi, bot: BotProcess
) -> None:
    user = api.user(8105, "Di")
    begin(user)
    choices = say(user, "United States", "more than one time zone")
    zones = zone_buttons(choices)
    assert zones[:3] == ["America/New_York", "America/Chicago", "America/Los_Angeles"]
    assert len(zones) <= 8
    gmt = say(user, "GMT+1", "right now")
    assert zone_buttons(gmt), "GMT+1 reads like UTC+1"
    user.tap(choices, "America/Chicago")  # the earlier choice still answers the open question
    assert "America/Chicago" in user.wait_for(contains="Time zone").body
    signed_up_in(user, "America/Chicago")


def test_settings_zone_change_with_a_city_and_with_buttons(
    api: FakeBotApi, start_at: Start
) -> None:
    """Berlin to London, New York and Perth on one date everywhere (the clock set to 06:00
    UTC): dose 1, planned today in Berlin, stays today's dose in each. On the wall clock the
    test failed after 16:00 UTC, when Perth is already tomorrow and the dose overdue there."""
    start_at(SAME_DATE_EVERYWHERE)
    user = api.user(8106, "Eli")
    enrol(user, zone="Europe/Berlin", at="09:00")
    user.send("/settings")
    user.tap(user.wait_for(contains="Settings"), "🌍")
    user.wait_for(contains="city or country")
    changed = say(user, "London", "Time zone changed to Europe/London")
    assert "London, Canada" in changed.body, "the other London is mentioned"
    user.send("/next")
    assert "09:00 Europe/London" in user.wait_for(contains="Next").body

    user.send("/settings")
    user.tap(user.wait_for(contains="Settings"), "🌍")
    user.wait_for(contains="city or country")
    springfield = say(user, "Springfield", "more than one time zone")
    assert zone_buttons(springfield)[0] == "America/Chicago"
    assert "America/New_York" in zone_buttons(springfield)
    say(user, "Springfield, Massachusetts", "Time zone changed to America/New_York")

    user.send("/settings")
    user.tap(user.wait_for(contains="Settings"), "🌍")
    user.wait_for(contains="city or country")
    choices = say(user, "Australia", "more than one time zone")
    assert zone_buttons(choices)[0] == "Australia/Sydney"
    user.tap(choices, "Australia/Perth")
    user.wait_for(contains="Time zone changed to Australia/Perth")
    user.tap_data(choices, "zone:c:Australia/Sydney")  # the prompt is over: nothing changes
    user.send("/next")
    assert "09:00 Australia/Perth" in user.wait_for(contains="Next").body


def test_a_german_user_types_each_observed_place(api: FakeBotApi, bot: BotProcess) -> None:
    """The inputs of the issue once more, in a German chat: the answers are German."""
    user = api.user(8107, "Jonas", language_code="de")
    user.send("/start")
    agree = german(texts.enrolment.consent_agree_button)
    user.wait_for(lambda message: agree in message.buttons)
    user.send("ja")
    user.wait_for(contains=german(texts.enrolment.ask_time_zone).split("\n")[0])
    choices = say(user, "GMT+1", "UTC+1")
    assert "Which one" not in choices.body and "Welche" in choices.body
    assert zone_buttons(choices)
    confirmed = say(user, "London", "Europe/London")
    assert "London, Kanada" in confirmed.body and "another time zone" not in confirmed.body
    user.wait_for(contains=german(lambda: texts.enrolment.ask_first_injection(date.today()))[:20])
    say(user, "heute", german(texts.enrolment.ask_reminder_time)[:20])
    say(user, "09:00", german(texts.enrolment.enrolled)[:20])

    prompt = german(texts.schedule.ask_new_time_zone)[:20]
    changed = german(lambda: texts.schedule.time_zone_changed("Z", datetime.now()))[:12]
    for typed, zone in [
        ("germany", "Europe/Berlin"),
        ("New York", "America/New_York"),
        ("UTC+1", None),
        ("Berlin", "Europe/Berlin"),
    ]:
        user.send("/settings")
        menu = user.wait_for(lambda message: any(b.startswith("🌍") for b in message.buttons))
        user.tap(menu, "🌍")
        user.wait_for(contains=prompt)
        answer = say(user, typed, "UTC+1" if zone is None else changed)
        if zone is None:
            zone = "Europe/Berlin" if berlin_in_winter() else zone_buttons(answer)[0]
            user.tap(answer, zone)
            answer = user.wait_for(contains=changed)
        assert zone in answer.body and "Time zone" not in answer.body


def berlin_in_winter() -> bool:
    return datetime.now(ZoneInfo("Europe/Berlin")).utcoffset() == timedelta(hours=1)
