"""A German-speaking patient, end to end: the language comes from the Telegram app, typed
answers are understood in German, reminders composed later arrive in German, and a choice in
/settings wins over the app's language from then on (answers, reminders, the command menu).
Expected texts are rendered from the catalog, so the test follows the translation."""

from __future__ import annotations

import re
import time
from datetime import date

from bot import texts
from bot.texts import language
from tests.e2e.conftest import Start
from tests.support.fakebotapi import FakeBotApi
from tests.support.wording import german


def chat_menu(
    api: FakeBotApi, chat_id: int, app_language: str, taken: str | None = None
) -> dict[str, str]:
    """The chat's own menu for an app language, once the bot has set it (with `taken` as the
    description of /taken, if given)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        scope = {"type": "chat", "chat_id": chat_id}
        menu = {c["command"]: c["description"] for c in api.commands(scope, app_language)}
        if menu and taken in (None, menu.get("taken")):
            return menu
        time.sleep(0.1)
    raise AssertionError("the chat's menu was never set")


def opening(english: str) -> str:
    """The first words of a text's German translation, as the chat shows it (no tags)."""
    with language.speaking("de"):
        translated = language._(english)
    assert translated != english
    return re.sub(r"<[^>]+>", "", translated)[:25]


def test_german_from_the_app_then_english_by_choice(api: FakeBotApi, start_at: Start) -> None:
    start_at("2026-03-02 07:00:00")  # 08:00 in Berlin
    user = api.user(7101, "Lena", language_code="de-DE")

    user.send("/start")
    agree = german(lambda: texts.enrolment.consent_agree_button())
    consent = user.wait_for(lambda message: agree in message.buttons)
    assert consent.body == german(lambda: texts.enrolment.consent(False)).replace(
        "<b>", ""
    ).replace("</b>", "")
    assert agree != texts.enrolment.consent_agree_button(), "German, not English"
    user.send("ja")
    user.wait_for(contains=opening(texts.enrolment.ask_time_zone()))
    user.send("Europe/Berlin")
    first_question = german(lambda: texts.enrolment.ask_first_injection(date(2026, 3, 2)))
    picker = user.wait_for(contains=re.sub(r"<[^>]+>", "", first_question)[:25])
    assert "02.03.2026" in picker.body, "a German example date"
    assert "März 2026" in picker.buttons and "Di." in picker.buttons, "the calendar in German"
    user.send("heute")
    user.wait_for(contains=opening(texts.enrolment.ask_reminder_time()))
    user.send("10:00")
    done = user.wait_for(contains=opening(texts.enrolment.enrolled()))
    assert "You're all set" not in done.body

    start_at("2026-03-02 09:00:30")  # 10:00:30 in Berlin: the dose reminder, composed now
    confirm = german(lambda: texts.reminders.confirm_button())
    reminder = user.wait_for(lambda message: confirm in message.buttons, timeout=30, after=done)
    assert "02.03.2026" in reminder.body and "2026-03-02" not in reminder.body
    assert "It's time for dose" not in reminder.body
    reply = user.reply_to(reminder, "erledigt")
    recorded = user.wait_for(contains="Mo., 09.03.2026", after=reply)
    assert recorded.body.startswith("✅") and "recorded as injected" not in recorded.body

    newcomers = {
        c["command"]: c["description"]
        for c in api.commands({"type": "all_private_chats"}, language_code="de")
    }
    assert newcomers["help"] == german(lambda: language._("What the bot can do"))
    names = chat_menu(api, 7101, "de")  # a patient's own, set once they signed up
    assert names["taken"] == german(lambda: language._("Record your due dose"))
    assert names["taken"] != "Record your due dose"

    user.send("/settings")
    choice = user.wait_for(contains="🌐")
    user.tap(choice, "🌐 English")
    user.wait_for(contains="From now on I'll write to you in English.")
    # the chosen language wins over the app's
    chat_menu(api, 7101, "de", taken="Record your due dose")

    start_at("2026-03-09 09:00:30")  # a week later: the next reminder, in the chosen language
    second = user.wait_for(contains="It's time for dose 2", timeout=30)
    assert "2026-03-09" in second.body
    user.send("/next")
    assert "Next: dose 2" in user.wait_for(contains="Reminder at").body
    stale = [m for m in user.messages() if "How did your" in m.body or "Wie ist" in m.body]
    assert stale == [], "a check-in a week after the injection is dropped, not sent late"
