"""/support end to end: a user's words reach every staff member and nothing else about them; a
staff answer (button or Telegram reply) reaches the user from the bot, without the staff
member's name; limits, unreachable staff, blocked and erased users, forged taps, and a staff
member who answers in the middle of their own sign-up."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import missing_tool
from tests.support.database import SQLITE_ONLY, Row
from tests.support.database import rows as database_rows
from tests.support.fakebotapi import ChatMessage, FakeBotApi, FakeUser
from tests.support.harness import BotProcess, libfaketime_path
from tests.support.people import begin, enrol, say

pytestmark = SQLITE_ONLY

REQUEST = "💬 Support request #"
SENT = "📨 Sent to the support team"
ANSWER_FROM = "💬 Answer from the support team"
GONE = "That person has since deleted their data"
STAFF_ONLY = "Sorry, that command is for the support team only."
EXPIRED = "This button is no longer active."
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")


@pytest.fixture
def two_staff(api: FakeBotApi, tmp_path: Path) -> Iterator[BotProcess]:
    """The bot with two support staff, 9001 and 9002."""
    bot = BotProcess(api, tmp_path, {"ADMIN_IDS": "9001,9002"})
    bot.start()
    try:
        yield bot
    finally:
        bot.stop()


def rows(bot: BotProcess, sql: str, *params: object) -> list[Row]:
    return database_rows(bot.workdir, sql, *params)


def requests_of(bot: BotProcess, user_id: int) -> list[tuple[int, bool]]:
    """The user's support_requests rows: (number, answered)."""
    found = rows(
        bot,
        "SELECT id, answered_at IS NOT NULL FROM support_requests WHERE user_id = ? ORDER BY id",
        user_id,
    )
    return [(int(number), bool(answered)) for number, answered in found]


def conversation_of(bot: BotProcess, user: FakeUser) -> tuple[str, str] | None:
    """The user's pending exchange (flow, step), once the bot has finished with their last
    update (the confirmation they see may go out just before the handler commits)."""
    settle(user)
    found = rows(bot, "SELECT flow, step FROM conversations WHERE user_id = ?", user.user_id)
    return (found[0][0], found[0][1]) if found else None


def number_of(request: ChatMessage) -> int:
    match = re.search(r"Support request #(\d+)", request.body)
    assert match is not None, request.body
    return int(match.group(1))


def with_text(user: FakeUser, text: str) -> list[ChatMessage]:
    return [m for m in user.messages() if text in m.body]


def settle(user: FakeUser) -> None:
    """A round trip through the bot, so whatever it was doing meanwhile is done."""
    say(user, "/myid", "Your Telegram id")


def write(user: FakeUser, text: str, *staff: FakeUser) -> list[ChatMessage]:
    """/support <text>; returns the request as each staff member got it."""
    seen = {member.user_id: max((m.seq for m in member.messages()), default=0) for member in staff}
    user.send(f"/support {text}")
    user.wait_for(contains=SENT)
    return [
        member.wait_for(lambda m: m.body.startswith(REQUEST), after=seen[member.user_id])
        for member in staff
    ]


def test_request_reaches_every_staff_member_and_the_answer_comes_back_anonymous(
    api: FakeBotApi, two_staff: BotProcess
) -> None:
    first_staff = api.user(9001, "Sam", last_name="Staffer", username="sam_support")
    second_staff = api.user(9002, "Tess", last_name="Helper", username="tess_support")
    user = api.user(4001, "Kim", last_name="Patient")
    enrol(user, zone="America/Chicago", first="2025-01-06", last="2025-01-13", at="07:45")

    words = "My reminders <b>stopped</b> & I changed phones"
    user.send(f"/support {words}")
    sent = user.wait_for(contains=SENT)
    assert sent.body.startswith("📨 Sent to the support team")
    got = [staff.wait_for(contains=REQUEST) for staff in (first_staff, second_staff)]
    number = number_of(got[0])
    assert requests_of(two_staff, 4001) == [(number, False)]
    for request in got:
        assert number_of(request) == number
        assert words in request.body, "the words arrive as typed, tags shown, not applied"
        assert not any(e["type"] == "bold" and e["length"] == 7 for e in request.entities)
        assert request.buttons == ["↩️ Answer"]
        # nothing about the person or their treatment: no name, id, zone, dates, times
        for secret in ("Kim", "Patient", "4001", "Chicago", "America", "Kesimpta", "dose"):
            assert secret not in request.body, secret
        assert not DATE.search(request.body) and not CLOCK.search(request.body), request.body
        assert not any(
            e["type"] in ("text_mention", "mention", "text_link") for e in request.entities
        )
        assert request.button("↩️ Answer")["callback_data"] == f"sup:answer:{number}"
    [call] = [
        c
        for c in api.calls_to("sendMessage", chat_id=9001, ok=True)
        if "request #" in c.params["text"]
    ]
    assert "&lt;b&gt;stopped&lt;/b&gt; &amp; I" in call.params["text"], "HTML-escaped"

    # the second staff member answers with the button
    second_staff.tap(got[1], "↩️ Answer")
    prompt = second_staff.wait_for(contains=f"Write your answer to request #{number}")
    assert prompt.buttons == ["✖️ Don't answer"]
    assert conversation_of(two_staff, second_staff) == ("support", "answer")
    reply = "Open /settings & check <i>the time</i>."
    second_staff.send(reply)
    answer = user.wait_for(contains=ANSWER_FROM)
    assert reply in answer.body
    for secret in ("Tess", "Helper", "tess_support", "9002", "Sam", "9001"):
        assert secret not in answer.body, secret
    assert answer.buttons == ["↩️ Reply"], "only a way to write back"
    delivered = second_staff.wait_for(contains="was delivered")
    assert delivered.body == f"✅ Your answer to request #{number} was delivered."
    assert requests_of(two_staff, 4001) == [(number, True)]
    assert conversation_of(two_staff, second_staff) is None, "the exchange is over"

    # the next message of that staff member is not relayed again
    second_staff.send("hello bot")
    second_staff.wait_for(lambda m: "was delivered" not in m.body)
    settle(user)
    assert len(with_text(user, ANSWER_FROM)) == 1

    # the other staff member answers by replying to the request message
    first_staff.reply_to(got[0], "And restart the app, please.")
    second = user.wait_for(contains="And restart the app, please.")
    assert second.body.startswith(ANSWER_FROM)
    assert "Sam" not in second.body and "9001" not in second.body
    first_staff.wait_for(contains=f"answer to request #{number} was delivered")
    assert conversation_of(two_staff, first_staff) is None

    # ✖️ Don't answer: nothing goes out, and the next message is not an answer
    second_staff.tap(got[1], "↩️ Answer")
    prompt = second_staff.wait_for(contains=f"Write your answer to request #{number}")
    second_staff.tap(prompt, "✖️ Don't answer")
    assert second_staff.wait_for_edit(prompt).body == "Okay, no answer sent."
    assert conversation_of(two_staff, second_staff) is None
    second_staff.send("not meant for the user")
    second_staff.wait_for(lambda m: True)
    settle(user)
    assert len(with_text(user, ANSWER_FROM)) == 2
    assert not with_text(user, "not meant for the user")

    # one staff member unreachable: the other still gets the request
    api.fail_chat(9002, 403)
    before = len(with_text(second_staff, REQUEST))
    [again] = write(user, "Still nothing.", first_staff)
    assert number_of(again) == number + 1
    assert len(with_text(second_staff, REQUEST)) == before


def test_usage_length_and_rate_limits(api: FakeBotApi, bot: BotProcess) -> None:
    staff = api.user(9001, "Sam")
    user = api.user(4101, "Lou")

    user.send("/support")
    usage = user.wait_for(contains="What would you like to ask the support team?")
    assert "/support I changed phones" in usage.body
    user.send("/support    ")
    user.wait_for(contains="What would you like to ask the support team?", after=usage)
    user.send("/support " + "x" * 3001)
    too_long = user.wait_for(contains="That's a bit long")
    assert "3000" in too_long.body
    settle(staff)
    assert not with_text(staff, REQUEST), "nothing reached the staff"
    assert requests_of(bot, 4101) == []

    longest = "y" * 3000
    [request] = write(user, longest, staff)
    assert longest in request.body
    for n in range(2, 6):
        write(user, f"request {n}", staff)
    assert len(requests_of(bot, 4101)) == 5

    user.send("/support a sixth one")
    user.wait_for(contains="You've written to the support team several times")
    settle(staff)
    assert len(with_text(staff, REQUEST)) == 5
    assert not with_text(staff, "a sixth one")
    assert len(requests_of(bot, 4101)) == 5

    other = api.user(4102, "Mia")
    write(other, "someone else is not limited", staff)
    other.send("/support@kesimpta_test_bot addressed to the bot by name")
    other.wait_for(contains=SENT)
    staff.wait_for(contains="addressed to the bot by name")


def test_no_staff_reachable_withdraws_the_request(api: FakeBotApi, bot: BotProcess) -> None:
    user = api.user(4201, "Ned")
    # 9001 never opened a chat with the bot: "chat not found"
    user.send("/support can anyone hear me?")
    sorry = user.wait_for(contains="couldn't reach the support team")
    assert sorry.body.startswith("Sorry, I couldn't reach the support team just now")
    assert not with_text(user, SENT)
    assert requests_of(bot, 4201) == []

    staff = api.user(9001, "Sam")
    api.fail_chat(9001, 403)  # the only staff member blocked the bot
    user.send("/support hello?")
    user.wait_for(contains="couldn't reach the support team")
    assert requests_of(bot, 4201) == []
    assert not staff.messages()

    api.clear_faults()
    [request] = write(user, "third try", staff)
    assert requests_of(bot, 4201) == [(number_of(request), False)]


def test_answer_too_long_refused_by_telegram_or_to_someone_who_blocked_the_bot(
    api: FakeBotApi, bot: BotProcess
) -> None:
    staff = api.user(9001, "Sam")
    user = api.user(4301, "Ola")
    # dose 1 tomorrow: no dose reminder of today's (sent at once after 09:00) may meet the
    # one failure injected for this chat below
    enrol(user, first="tomorrow")
    [request] = write(user, "please help", staff)
    staff.tap(request, "↩️ Answer")
    staff.wait_for(contains="Write your answer")

    staff.send("z" * 3501)  # too long: the staff member is asked again
    assert "under 3500 characters" in staff.wait_for(contains="That's a bit long").body
    assert conversation_of(bot, staff) == ("support", "answer")
    api.fail_next("sendMessage", 502, chat_id=4301)  # Telegram hiccups once
    staff.send("Here is the help.")
    staff.wait_for(contains="Telegram didn't take the answer just now")
    assert conversation_of(bot, staff) == ("support", "answer"), "the answer is still awaited"
    assert not with_text(user, ANSWER_FROM)

    user.block()
    staff.send("Here is the help.")
    staff.wait_for(contains="Not delivered: that person has blocked the bot.")
    assert not with_text(user, ANSWER_FROM)
    assert conversation_of(bot, staff) is None
    assert rows(bot, "SELECT blocked_at IS NOT NULL FROM patients WHERE user_id = 4301") == [(1,)]
    assert requests_of(bot, 4301) == [(number_of(request), False)]

    staff.reply_to(request, "Another try.")
    staff.wait_for(contains="Not delivered: that person has blocked the bot.")


def test_answer_to_someone_who_erased_their_data(api: FakeBotApi, bot: BotProcess) -> None:
    staff = api.user(9001, "Sam")
    user = api.user(4401, "Pat")
    enrol(user, first="today")
    [first, second] = [write(user, text, staff)[0] for text in ("one", "two")]

    staff.tap(first, "↩️ Answer")  # the staff member starts answering...
    staff.wait_for(contains="Write your answer")
    user.send("/deletedata")  # ...and the user erases everything meanwhile
    confirm = user.wait_for(contains="erases everything")
    user.tap(confirm, "✅ Yes, erase everything")
    user.wait_for_edit(confirm)
    assert requests_of(bot, 4401) == []

    staff.send("Answer after erasure")
    assert GONE in staff.wait_for(contains="deleted their data").body
    assert conversation_of(bot, staff) is None
    staff.tap(second, "↩️ Answer")
    staff.wait_for(contains="deleted their data")
    assert conversation_of(bot, staff) is None, "no answer flow for a request that is gone"
    staff.reply_to(second, "by reply")
    staff.wait_for(contains="deleted their data")
    settle(user)
    assert not with_text(user, ANSWER_FROM)


def test_an_erased_request_number_is_never_reused(api: FakeBotApi, bot: BotProcess) -> None:
    staff = api.user(9001, "Sam")
    earlier, leaver, newcomer = api.user(4501, "Ann"), api.user(4502, "Ben"), api.user(4503, "Cy")
    write(earlier, "an earlier request", staff)
    [leaving] = write(leaver, "private question from Ben", staff)
    leaver.send("/deletedata")  # nothing else stored about Ben: erased at once
    leaver.wait_for(contains="nothing to erase")
    assert requests_of(bot, 4502) == []
    [newest] = write(newcomer, "a new request", staff)

    assert number_of(newest) != number_of(leaving), "two different requests, one number"
    staff.reply_to(leaving, "Answer meant for Ben only")
    staff.wait_for(contains="deleted their data")
    settle(newcomer)
    assert not with_text(newcomer, "Answer meant for Ben only"), "answer went to someone else"


def test_forged_answer_taps_are_refused(api: FakeBotApi, bot: BotProcess) -> None:
    staff = api.user(9001, "Sam")
    user = api.user(4601, "Ray")
    stranger = api.user(4602, "Eve")
    [request] = write(user, "my question", staff)
    number = number_of(request)
    own = say(stranger, "/help", "What I can do")

    for data in (f"sup:answer:{number}", f"sup:drop:{number}", "sup:answer:1"):
        answered = api.wait_for_callback_answer(stranger.tap_data(own, data))
        assert answered.text == STAFF_ONLY and answered.show_alert, data
    assert conversation_of(bot, stranger) is None
    stranger.send("this is my fake answer")
    stranger.wait_for(lambda m: True)
    assert not with_text(stranger, "Write your answer")
    settle(user)
    assert not with_text(user, ANSWER_FROM)
    assert requests_of(bot, 4601) == [(number, False)]

    # staff with stale or malformed data
    assert api.wait_for_callback_answer(staff.tap_data(request, "sup:answer:x")).text == EXPIRED
    staff.tap_data(request, "sup:answer:999")
    staff.wait_for(contains="deleted their data or the request no longer exists")
    assert conversation_of(bot, staff) is None


def test_staff_member_answers_in_the_middle_of_their_own_sign_up(
    api: FakeBotApi, bot: BotProcess
) -> None:
    staff = api.user(9001, "Sam")
    user = api.user(4701, "Uma")
    begin(staff)  # consent given, now asked for the time zone
    assert conversation_of(bot, staff) == ("enrolment", "zone")
    begin(user)  # the one asking is half-way through signing up too
    [request] = write(user, "how do I pause?", staff)

    staff.tap(request, "↩️ Answer")
    staff.wait_for(contains="Write your answer")
    assert conversation_of(bot, staff) == ("support", "answer")
    staff.send("Europe/Berlin is not my answer, /settings is")
    assert "/settings is" in user.wait_for(contains=ANSWER_FROM).body
    staff.wait_for(contains="was delivered")
    assert conversation_of(bot, staff) == ("enrolment", "zone"), "sign-up is back where it was"

    # a Telegram reply to the request does not touch the sign-up either
    staff.reply_to(request, "One more thing: tap Pause.")
    user.wait_for(contains="One more thing")
    staff.wait_for(contains="was delivered")
    assert conversation_of(bot, staff) == ("enrolment", "zone")

    # ✖️ Don't answer also gives the sign-up back
    staff.tap(request, "↩️ Answer")
    prompt = staff.wait_for(contains="Write your answer")
    staff.tap(prompt, "✖️ Don't answer")
    staff.wait_for_edit(prompt)
    assert conversation_of(bot, staff) == ("enrolment", "zone")

    say(staff, "Europe/Berlin", "first")
    say(staff, "today", "remind you on dose days")
    say(staff, "09:00", "You're all set")
    assert rows(bot, "SELECT time_zone FROM patients WHERE user_id = 9001") == [("Europe/Berlin",)]
    settle(user)
    assert len(with_text(user, ANSWER_FROM)) == 2
    say(user, "Europe/Vienna", "first")  # the answers did not disturb their sign-up either


def test_a_forgotten_answer_prompt_stops_capturing_after_half_an_hour(
    api: FakeBotApi, tmp_path: Path
) -> None:
    """Under libfaketime: staff tap ↩️ Answer and walk away; half an hour later what they type
    is no longer sent to the user, and the exchange they had interrupted is back."""
    if libfaketime_path() is None:
        missing_tool("libfaketime is not installed (Debian package faketime)")
    env = {"ADMIN_IDS": "9001"}
    staff, user = api.user(9001, "Sam"), api.user(4601, "Ivy")
    bot = BotProcess(api, tmp_path, env, faketime="@2026-03-02 10:00:00").start()
    try:
        begin(staff)  # the staff member's own sign-up waits for their time zone
        [request] = write(user, "Where are my reminders?", staff)
        staff.tap(request, "↩️ Answer")
        staff.wait_for(contains="Write your answer")
        assert conversation_of(bot, staff) == ("support", "answer")
        bot.stop()
        bot = BotProcess(api, tmp_path, env, faketime="@2026-03-02 10:29:00").start()
        assert conversation_of(bot, staff) == ("support", "answer"), "still within 30 minutes"
        bot.stop()
        bot = BotProcess(api, tmp_path, env, faketime="@2026-03-02 10:31:00").start()
        say(staff, "Europe/Berlin", "first")  # the sign-up takes the zone again
        settle(user)
        assert not with_text(user, ANSWER_FROM)
        assert requests_of(bot, user.user_id) == [(number_of(request), False)]
    finally:
        bot.stop()
