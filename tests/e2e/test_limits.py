"""Abuse limits end to end: a flood from one person gets one calm answer and slows nobody else
down, not even a reminder coming due meanwhile; an over-long message, a photo and a fourth
caregiver invite get friendly answers and change nothing."""

from __future__ import annotations

import re
import threading
import time

from bot.jobs import sweep
from tests.e2e.conftest import Start
from tests.support.database import SQLITE_ONLY, value
from tests.support.fakebotapi import FakeBotApi, FakeUser, SentFile
from tests.support.harness import BotProcess
from tests.support.people import begin, enrol, say

pytestmark = SQLITE_ONLY

FLOOD_LIMIT = 20  # the default
CALM = "You're going fast"
CONSENT = "Do you agree"
TOO_LONG = "too long for me"
ONLY_TEXT = "I can only read text"
INVITE_LINK = re.compile(r"https://t\.me/kesimpta_test_bot\?start=([A-Za-z0-9_-]+)")


def settled(user: FakeUser, seconds: float = 1.5) -> list[str]:
    """The bot's messages to `user` once nothing new has come for `seconds`."""
    seen, last_change = -1, time.monotonic()
    while time.monotonic() - last_change < seconds:
        count = len(user.messages())
        if count != seen:
            seen, last_change = count, time.monotonic()
        time.sleep(0.1)
    return [message.body for message in user.messages()]


def test_a_flood_gets_one_calm_answer_and_others_are_answered_promptly(
    api: FakeBotApi, bot: BotProcess
) -> None:
    flooder = api.user(7101, "Flo")
    other = api.user(7102, "Otto")
    for number in range(50):
        flooder.send(f"hello {number}")
    asked = time.monotonic()
    other.send("/next")
    for number in range(50, 100):
        flooder.send(f"hello {number}")
    other.wait_for(contains="haven't signed up", timeout=30)
    waited = time.monotonic() - asked
    assert waited < 5.0, f"/next behind half a flood took {waited:.2f} s"

    answers = settled(flooder)
    assert len([body for body in answers if CALM in body]) == 1
    assert len([body for body in answers if CONSENT in body]) == FLOOD_LIMIT
    assert len(answers) == FLOOD_LIMIT + 1, "nothing else: the rest of the flood is ignored"
    assert answers.index(next(body for body in answers if CALM in body)) == FLOOD_LIMIT
    assert len(settled(other)) == 1


def test_a_flood_of_taps_is_answered_silently(api: FakeBotApi, bot: BotProcess) -> None:
    tapper = api.user(7103, "Tap")
    prompt = say(tapper, "/start", CONSENT)
    queries = [tapper.tap_data(prompt, "gone:1") for _ in range(60)]
    answers = [api.wait_for_callback_answer(query, timeout=30) for query in queries]
    expired = [answer for answer in answers if answer.text == "This button is no longer active."]
    assert len(expired) == FLOOD_LIMIT - 1, "the first taps, after /start, are read"
    assert [answer.text for answer in answers[FLOOD_LIMIT - 1 :]] == [None] * (61 - FLOOD_LIMIT)
    answers_in_chat = settled(tapper)
    assert len([body for body in answers_in_chat if CALM in body]) == 1
    assert len(answers_in_chat) == 2, "the consent question and the calm answer"


def test_a_reminder_comes_on_time_while_someone_floods(api: FakeBotApi, start_at: Start) -> None:
    """The flood goes on from before the reminder is due until after it arrived. Fake time
    starts when the process does, so the reminder's delay is at most its arrival (the fake
    API's clock) minus the moment just before the start, less the time still to go then."""
    first = start_at("2026-03-02 07:00:00")  # 08:00 in Berlin
    patient = api.user(7111, "Pia")
    enrol(patient, zone="Europe/Berlin", first="today", at="10:00")  # due 09:00:00 UTC
    first.stop()
    to_go = 20.0
    started = time.time()
    start_at("2026-03-02 08:59:40")
    flooder = api.user(7112, "Flo")
    arrived = threading.Event()
    sent: list[float] = []

    def flood() -> None:
        while not arrived.wait(0.03) and time.time() - started < 120:
            flooder.send(f"spam {len(sent)}")
            sent.append(time.time())
        for _ in range(20):  # and on a little after it
            flooder.send(f"spam {len(sent)}")
            sent.append(time.time())
            time.sleep(0.03)

    flooding = threading.Thread(target=flood, daemon=True)
    flooding.start()
    try:
        reminder = patient.wait_for(contains="It's time for dose 1", timeout=90)
    finally:
        arrived.set()
        flooding.join(10)
    [call] = [
        call
        for call in api.calls_to("sendMessage", chat_id=patient.chat_id, ok=True)
        if "It's time for dose 1" in str(call.params.get("text"))
    ]
    late = call.time - started - to_go
    allowed = sweep.INTERVAL.total_seconds() + 10  # the sweep's own period, and some slack
    assert late <= allowed, f"the reminder came {late:.1f} s after it was due"
    assert "2026-03-02" in reminder.body and "late" not in reminder.body
    assert sent[0] < started + to_go < call.time < sent[-1], "the flood went on meanwhile"
    assert len(sent) > 300
    answers = settled(flooder)
    assert len([body for body in answers if CALM in body]) == 1
    assert len(answers) == FLOOD_LIMIT + 1


def test_over_long_and_non_text_messages(api: FakeBotApi, bot: BotProcess) -> None:
    staff = api.user(9001, "Sam")
    user = api.user(7121, "Lang")
    begin(user)  # signing up: the time zone question is waiting
    say(user, "Europe/Berlin " + "x" * 2500, TOO_LONG)
    assert value(bot.workdir, "SELECT step FROM conversations WHERE user_id = 7121") == "zone"
    say(user, "x" * 2001, "under 2000 characters")
    photo = SentFile("photo-1", "p1", "me.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 16, "image/png")
    user.server._user_message(user, photo=photo)  # the fake user has no public photo sending
    user.wait_for(contains=ONLY_TEXT)
    say(user, "Europe/Berlin", "first")  # the sign-up goes on where it was

    say(user, "/log " + "x" * 2500, "under 500 characters")  # /log's own limit
    say(user, "/support " + "x" * 2500, "Sent to the support team")  # /support allows more
    request = staff.wait_for(contains="Support request")
    assert "x" * 2500 in request.body
    staff.reply_to(request, "z" * 2500)  # staff are not held to the general limit
    answer = user.wait_for(contains="Answer from the support team")
    assert "z" * 2500 in answer.body
    assert TOO_LONG not in " ".join(settled(staff))


def test_at_most_three_open_invites(api: FakeBotApi, bot: BotProcess) -> None:
    patient = api.user(7131, "Ina")
    enrol(patient)
    tokens = []
    for _ in range(3):
        message = say(patient, "/invite", "Send this link")
        tokens.append(INVITE_LINK.search(message.body).group(1))
    refused = say(patient, "/invite", "already have 3 invite links")
    assert not INVITE_LINK.search(refused.body)
    assert [label.split(",")[0] for label in refused.buttons] == [
        "❌ Cancel link 1",
        "❌ Cancel link 2",
        "❌ Cancel link 3",
    ]
    assert all(re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}$", label) for label in refused.buttons)
    assert value(bot.workdir, "SELECT count(*) FROM invites WHERE patient_id = 7131") == 3

    helper = api.user(7132, "Hal")
    say(helper, f"/start {tokens[0]}", "Waiting for their approval")  # a used one is not open
    patient.wait_for(contains="opened your invite")
    say(patient, "/invite", "Send this link")
    refused = say(patient, "/invite", "already have 3 invite links")
    patient.tap(refused, "❌ Cancel link 1")
    assert "cancelled" in patient.wait_for_edit(refused).body
    say(patient, "/invite", "Send this link")
    again = say(patient, "/invite", "already have 3 invite links")
    assert len(again.buttons) == 3
    assert value(bot.workdir, "SELECT count(*) FROM invites WHERE patient_id = 7131") == 5
    opened = "SELECT count(*) FROM invites WHERE patient_id = 7131 AND used_at IS NOT NULL"
    assert value(bot.workdir, opened) == 1
    revoked = "SELECT count(*) FROM invites WHERE patient_id = 7131 AND revoked_at IS NOT NULL"
    assert value(bot.workdir, revoked) == 1
