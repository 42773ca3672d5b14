"""The safety net for free text, end to end: only a clearly fine answer is reassured; any other
answer to the check-in (by Reply or just typed that day), any plain message about feeling
unwell and any /log note get the emergency and the doctor advice, and the advice comes first,
whatever happens to the diary write after it."""

from __future__ import annotations

from tests.e2e.conftest import Start
from tests.support.database import SQLITE_ONLY, rows
from tests.support.fakebotapi import FakeBotApi
from tests.support.harness import BotProcess
from tests.support.people import checked_in, enrol, say

pytestmark = SQLITE_ONLY

EMERGENCY = "Call 112 / 911 or your local emergency number now"
DOCTOR = "Contact your doctor promptly"
UNCLEAR = "I can't judge from a message how you are"
NOTED = "Noted in your diary"
SAFETY_LINE = "If you feel unwell: your doctor; in an emergency 112 / 911"


def test_a_typed_answer_without_reply_is_the_check_in_answer_and_gets_both_advices(
    api: FakeBotApi, start_at: Start
) -> None:
    ana = api.user(6501, "Ana")
    question, bot = checked_in(ana, start_at)
    ana.send("meh, hard to say")
    advice = ana.wait_for(contains=UNCLEAR, after=question)
    assert advice.body.index(EMERGENCY) < advice.body.index(DOCTOR)
    assert "any other sign of a severe allergic reaction" in advice.body
    ana.wait_for_edit(advice, predicate=lambda m: NOTED in m.body)
    assert "Thanks, noted" not in advice.body and "usually mild" not in advice.body

    later = say(ana, "where do I keep the pens?", "I didn't understand")
    assert SAFETY_LINE in later.body, "the day's question was answered: back to normal"
    history = say(ana, "/history", "Your diary").body
    assert "check-in after dose 1: meh, hard to say" in history
    assert "where do I keep the pens" not in history
    answers = rows(bot.workdir, "SELECT checkin_dose FROM diary_entries WHERE patient_id = ?", 6501)
    assert [dose for (dose,) in answers] == [1]


def test_a_clearly_fine_answer_is_reassured_and_noted(api: FakeBotApi, start_at: Start) -> None:
    ben = api.user(6502, "Ben")
    checked_in(ben, start_at)
    reply = say(ben, "All good, thanks!", "Glad to hear it went well")
    assert NOTED in reply.body
    assert EMERGENCY not in reply.body
    assert "check-in after dose 1: All good, thanks!" in say(ben, "/history", "Your diary").body


def test_a_long_reply_about_a_swollen_tongue_gets_the_emergency_advice_and_is_kept(
    api: FakeBotApi, start_at: Start
) -> None:
    """~700 characters used to fail the insert on PostgreSQL, and the patient got only
    "something went wrong"; the note is now cut to its column."""
    cleo = api.user(6503, "Cleo")
    question, _bot = checked_in(cleo, start_at)
    long_reply = "my tongue feels swollen and " + "it is getting harder to talk, " * 23
    assert len(long_reply) > 600
    cleo.reply_to(question, long_reply)
    advice = cleo.wait_for(contains=EMERGENCY)
    assert "severe reaction" in advice.body
    cleo.wait_for_edit(advice, predicate=lambda m: NOTED in m.body)
    history = say(cleo, "/history", "Your diary").body
    assert "check-in after dose 1: my tongue feels swollen" in history
    assert "Sorry, something went wrong" not in "".join(m.body for m in cleo.messages())


def test_the_advice_comes_first_for_an_undone_dose_and_when_the_database_fails(
    api: FakeBotApi, start_at: Start
) -> None:
    dan = api.user(6504, "Dan")
    question, bot = checked_in(dan, start_at)
    rows(bot.workdir, "ALTER TABLE diary_entries RENAME TO diary_entries_gone")
    dan.reply_to(question, "not sure, a bit odd")
    advice = dan.wait_for(contains=UNCLEAR)
    apology = dan.wait_for(contains="Sorry, something went wrong", after=advice)
    assert SAFETY_LINE in apology.body

    dan.send("I feel dizzy and my legs are weak")
    advice = dan.wait_for(contains=DOCTOR)
    assert advice.body.index(DOCTOR) < advice.body.index(EMERGENCY)
    dan.wait_for(contains="Sorry, something went wrong", after=advice)

    rows(bot.workdir, "ALTER TABLE diary_entries_gone RENAME TO diary_entries")
    rows(bot.workdir, "ALTER TABLE languages RENAME TO languages_gone")
    asked = dan.send("my throat is closing up")
    first = dan.wait_for(after=asked)
    assert EMERGENCY in first.body, "a failing first step of every update holds nothing back"
    dan.wait_for_edit(first, predicate=lambda m: NOTED in m.body)
    rows(bot.workdir, "ALTER TABLE languages_gone RENAME TO languages")

    rows(bot.workdir, "DELETE FROM dose_records WHERE patient_id = ?", 6504)
    dan.reply_to(question, "hives all over")
    advice = dan.wait_for(contains=EMERGENCY)
    say(dan, "/myid", "Telegram id")
    assert NOTED not in dan.server._current(dan.chat_id, advice.message_id).body
    notes = [text for (text,) in rows(bot.workdir, "SELECT text FROM diary_entries")]
    assert notes == ["check-in after dose 1: my throat is closing up"], "not the undone dose's"


def test_plain_messages_and_log_notes_about_feeling_unwell_get_the_advice(
    api: FakeBotApi, bot: BotProcess
) -> None:
    eva = api.user(6505, "Eva")
    enrol(eva)
    advice = say(eva, "everything itches and my throat is tight", EMERGENCY)
    assert DOCTOR in advice.body
    fallback = say(eva, "blue banana", "I didn't understand")
    assert SAFETY_LINE in fallback.body
    assert EMERGENCY not in fallback.body

    essay = "It started yesterday evening. " * 70 + "Now my face is swollen."
    assert len(essay) > 2000
    advice = say(eva, essay, EMERGENCY)
    eva.wait_for(contains="too long for me", after=advice)

    noted = say(eva, "/log my lips are tingling since the shot", EMERGENCY)
    eva.wait_for_edit(noted, predicate=lambda m: NOTED in m.body)
    fine = say(eva, "/log feeling great", NOTED)
    assert EMERGENCY not in fine.body
    texts = [text for (text,) in rows(bot.workdir, "SELECT text FROM diary_entries ORDER BY id")]
    assert texts == ["my lips are tingling since the shot", "feeling great"]


def test_a_caregiver_and_a_german_patient_get_the_advice_in_their_words(
    api: FakeBotApi, bot: BotProcess
) -> None:
    fritz = api.user(6506, "Fritz", language_code="de")
    fritz.send("/start")
    fritz.wait_for(contains="Hallo")
    advice = say(fritz, "Zunge ist dick und der Hals schnürt sich zu", "Rufen Sie jetzt die 112")
    assert "Rachen" in advice.body and "örtliche Notrufnummer" in advice.body
    assert rows(bot.workdir, "SELECT user_id FROM patients") == []
