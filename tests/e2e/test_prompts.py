"""After a prompt, the next plain message is its answer: "/log" then what the person noticed,
"/support" then their question, and a reply to the support team's answer goes back to the staff
as a follow-up of the same request. In English and German, as testers typed them; "I took it"
records the due dose as /taken does."""

from __future__ import annotations

from pathlib import Path

from tests.support.database import SQLITE_ONLY, rows
from tests.support.fakebotapi import FakeBotApi, FakeUser
from tests.support.harness import BotProcess
from tests.support.people import enrol, say
from tests.support.seed import seed

pytestmark = SQLITE_ONLY

NOTED = "Noted in your diary"
NOT_UNDERSTOOD = "didn't understand"
REQUEST = "💬 Support request #"
FOLLOW_UP = "💬 Follow-up to support request #"
ANSWER_FROM = "💬 Answer from the support team"


def diary_of(workdir: Path, user_id: int) -> list[str]:
    found = rows(
        workdir, "SELECT text FROM diary_entries WHERE patient_id = ? ORDER BY id", user_id
    )
    return [text for (text,) in found]


def conversation_of(workdir: Path, user: FakeUser) -> list[tuple[str, str]]:
    say(user, "/myid", "Telegram")  # a round trip: the last update is fully handled
    found = rows(workdir, "SELECT flow, step FROM conversations WHERE user_id = ?", user.user_id)
    return [(flow, step) for flow, step in found]


def test_the_message_after_log_is_the_note(api: FakeBotApi, bot: BotProcess) -> None:
    ana = api.user(6201, "Ana")
    enrol(ana)
    say(ana, "/log", "What did you notice?")
    ana.send("mild headache since yesterday")
    noted = ana.wait_for(contains=NOTED)
    assert "mild headache since yesterday" in noted.body
    assert "112" in noted.body and "doctor" in noted.body, "the advice, once, with the note"
    assert len([m for m in ana.messages() if "112" in m.body]) == 1
    assert diary_of(bot.workdir, 6201) == ["mild headache since yesterday"]
    assert conversation_of(bot.workdir, ana) == [], "the prompt is answered"
    fallback = say(ana, "blue banana", NOT_UNDERSTOOD)
    assert NOTED not in fallback.body
    assert diary_of(bot.workdir, 6201) == ["mild headache since yesterday"]

    ask = say(ana, "/log", "What did you notice?")
    ana.tap(ask, "😴 Tiredness or aching muscles")
    ana.wait_for(contains="tiredness or aching muscles")
    assert conversation_of(bot.workdir, ana) == [], "a button answers the prompt too"
    say(ana, "/log", "What did you notice?")
    say(ana, "x" * 600, "bit long")
    assert conversation_of(bot.workdir, ana) == [("diary", "note")], "still waiting for it"
    say(ana, "itchy spot", NOTED)
    assert diary_of(bot.workdir, 6201)[-1] == "itchy spot"


def test_a_german_note_after_log(api: FakeBotApi, tmp_path: Path) -> None:
    seed(tmp_path, patients=[6202])
    fritz = api.user(6202, "Fritz", language_code="de")
    with BotProcess(api, tmp_path) as bot:
        say(fritz, "/log", "Was haben Sie bemerkt?")
        fritz.send("leichte Kopfschmerzen seit gestern")
        noted = fritz.wait_for(contains="In Ihrem Tagebuch")
        assert "leichte Kopfschmerzen seit gestern" in noted.body
        assert "112" in noted.body and "Ärztin" in noted.body
        assert diary_of(bot.workdir, 6202) == ["leichte Kopfschmerzen seit gestern"]
        assert NOT_UNDERSTOOD not in " ".join(m.body for m in fritz.messages())


def test_support_prompt_answer_and_follow_ups(api: FakeBotApi, bot: BotProcess) -> None:
    staff = api.user(9001, "Sam")
    lou = api.user(6203, "Lou")
    say(lou, "/support", "What would you like to ask the support team?")
    lou.send("My reminders stopped after I changed phones")
    lou.wait_for(contains="📨 Sent to the support team")
    request = staff.wait_for(contains=REQUEST)
    assert "My reminders stopped after I changed phones" in request.body
    assert conversation_of(bot.workdir, lou) == []

    staff.reply_to(request, "Open /settings and set the time again.")
    answer = lou.wait_for(contains=ANSWER_FROM)
    assert answer.buttons == ["↩️ Reply"]
    seen = max(m.seq for m in staff.messages())
    lou.reply_to(answer, "Thanks, it works now!")
    lou.wait_for(contains="with your earlier request")
    follow_up = staff.wait_for(contains=FOLLOW_UP, after=seen)
    assert "Thanks, it works now!" in follow_up.body
    assert follow_up.body.split("#")[1][:3] == request.body.split("#")[1][:3], "same request"
    assert follow_up.buttons == ["↩️ Answer"]
    assert NOT_UNDERSTOOD not in " ".join(m.body for m in lou.messages())

    lou.reply_to(answer, "And one more thing")
    lou.wait_for(contains="hasn't answered your last message yet")
    staff.reply_to(follow_up, "Glad to hear it!")
    second = lou.wait_for(contains="Glad to hear it!")
    lou.tap(second, "↩️ Reply")
    lou.wait_for(contains="Write your message to the support team")
    seen = max(m.seq for m in staff.messages())
    lou.send("Could you also explain /pen?")
    lou.wait_for(contains="with your earlier request")
    assert "Could you also explain /pen?" in staff.wait_for(contains=FOLLOW_UP, after=seen).body
    found = rows(bot.workdir, "SELECT COUNT(*) FROM support_requests WHERE user_id = 6203")
    assert found == [(1,)], "follow-ups are not new requests"

    stranger = api.user(6204, "Sol")
    own = say(stranger, "/myid", "Telegram")
    query = stranger.tap_data(own, second.button("↩️ Reply")["callback_data"])  # not theirs
    assert api.wait_for_callback_answer(query).text == "This button is no longer active."
    assert conversation_of(bot.workdir, stranger) == []


def test_german_support_prompt(api: FakeBotApi, bot: BotProcess) -> None:
    staff = api.user(9001, "Sam")
    lena = api.user(6205, "Lena", language_code="de")
    say(lena, "/support", "Was möchten Sie das Support-Team fragen?")
    lena.send("Meine Erinnerungen kommen nicht mehr")
    lena.wait_for(contains="📨 An das Support-Team gesendet")
    assert "Meine Erinnerungen kommen nicht mehr" in staff.wait_for(contains=REQUEST).body
    say(lena, "Kundendienst", "Was möchten Sie das Support-Team fragen?")


def test_i_took_it_records_the_due_dose(api: FakeBotApi, bot: BotProcess) -> None:
    ida = api.user(6206, "Ida")
    enrol(ida, first="today")
    recorded = say(ida, "I took it", "recorded as injected")
    assert "Dose 1" in recorded.body and "↩️ Undo" in recorded.buttons
    found = rows(
        bot.workdir,
        "SELECT number FROM dose_records WHERE patient_id = 6206 AND source = 'command'",
    )
    assert found == [(1,)]
