"""/log end to end: a patient notes side effects (typed or by button) and sees them in
/history; a stranger is asked to sign up; forged buttons note nothing; /deletedata erases
them."""

from __future__ import annotations

from tests.support.database import SQLITE_ONLY, rows
from tests.support.fakebotapi import FakeBotApi
from tests.support.harness import BotProcess
from tests.support.people import enrol, say

pytestmark = SQLITE_ONLY


def diary_rows(bot: BotProcess, user_id: int) -> list[str]:
    found = rows(
        bot.workdir, "SELECT text FROM diary_entries WHERE patient_id = ? ORDER BY id", user_id
    )
    return [text for (text,) in found]


def test_noting_side_effects_and_reading_them_back(api: FakeBotApi, bot: BotProcess) -> None:
    ana = api.user(6101, "Ana")
    enrol(ana)
    noted = say(ana, "/log headache <b>since</b> this morning", "Noted in your diary")
    assert "headache <b>since</b> this morning" in noted.body, "shown as typed, not as HTML"
    assert "112" in noted.body and "doctor" in noted.body

    ask = say(ana, "/log", "What did you notice?")
    ana.tap(ask, "🌡 Fever or chills")
    ana.wait_for(contains="fever or chills")
    assert diary_rows(bot, 6101) == ["headache <b>since</b> this morning", "fever or chills"]

    history = say(ana, "/history", "Your diary").body
    assert history.index("fever or chills") < history.index("headache <b>since</b>")

    say(ana, "/log " + "x" * 501, "bit long")
    assert len(diary_rows(bot, 6101)) == 2


def test_strangers_and_forged_buttons_note_nothing(api: FakeBotApi, bot: BotProcess) -> None:
    stranger = api.user(6102, "Sol")
    say(stranger, "/log dizzy", "haven't signed up")
    refusal = say(stranger, "/log", "haven't signed up")
    ana = api.user(6103, "Ana")
    enrol(ana)
    ask = say(ana, "/log", "What did you notice?")
    query = ana.tap_data(ask, "log:<script>")
    assert api.wait_for_callback_answer(query).text == "This button is no longer active."
    query = stranger.tap_data(refusal, "log:headache")  # a button the bot never gave them
    api.wait_for_callback_answer(query)
    stranger.wait_for(contains="haven't signed up")
    assert diary_rows(bot, 6103) == [] and diary_rows(bot, 6102) == []


def test_deletedata_erases_the_diary(api: FakeBotApi, bot: BotProcess) -> None:
    ana = api.user(6104, "Ana")
    enrol(ana)
    say(ana, "/log itchy spot on the thigh", "Noted in your diary")
    confirm = say(ana, "/deletedata", "your diary notes")
    ana.tap(confirm, "✅ Yes, erase everything")
    ana.wait_for_edit(confirm, predicate=lambda m: "is erased" in m.body)
    assert diary_rows(bot, 6104) == []
