"""/history end to end: after the text, a patient with a recorded dose gets the adherence chart
as a PNG photo in their own chat; someone with nothing recorded yet gets no chart."""

from __future__ import annotations

from tests.support.database import SQLITE_ONLY
from tests.support.fakebotapi import FakeBotApi
from tests.support.harness import BotProcess
from tests.support.people import enrol, say
from tests.test_chart import png_size

pytestmark = SQLITE_ONLY


def test_history_sends_the_chart_to_the_patient_only(api: FakeBotApi, bot: BotProcess) -> None:
    ana = api.user(6601, "Ana")
    sol = api.user(6602, "Sol")
    enrol(ana, first="today")
    enrol(sol, first="today")
    say(ana, "/taken", "Dose 1 recorded")

    text = say(ana, "/history", "Your injections")
    chart = ana.wait_for(lambda m: m.photo is not None, after=text)

    assert "Dose 1" in text.body
    assert chart.caption
    assert png_size(chart.photo.content) == (800, 500)
    assert chart.photo.content.endswith(b"IEND\xaeB`\x82")
    sends = api.calls_to("sendPhoto")
    assert [str(call.chat_id) for call in sends] == [str(ana.chat_id)]
    assert all(message.photo is None for message in sol.messages())


def test_no_chart_before_any_dose_is_recorded(api: FakeBotApi, bot: BotProcess) -> None:
    sol = api.user(6603, "Sol")
    enrol(sol, first="today")
    say(sol, "/history", "No injections recorded yet")
    # Updates are handled one at a time: once /myid is answered, /history has finished.
    say(sol, "/myid", "Telegram id")
    assert all(message.photo is None for message in sol.messages())
    assert api.calls_to("sendPhoto") == []
