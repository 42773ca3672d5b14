"""The information commands end to end, for someone who never signed up: each answers with
its page and buttons to related topics; a button opens that page; a forged one does nothing;
someone whose Telegram speaks German reads pages and buttons in German."""

from __future__ import annotations

import pytest

from tests.support.database import SQLITE_ONLY
from tests.support.fakebotapi import FakeBotApi
from tests.support.harness import BotProcess

pytestmark = SQLITE_ONLY

HEADINGS = {
    "sideeffects": "Side effects of Kesimpta",
    "precautions": "Before you start, and during treatment",
    "howto": "Injecting with the pen, step by step",
    "storage": "Keeping the pens",
    "missed": "If you missed a dose",
    "faq": "Questions people ask",
}


@pytest.mark.parametrize("command", sorted(HEADINGS))
def test_each_command_answers_with_its_page(api: FakeBotApi, bot: BotProcess, command: str) -> None:
    visitor = api.user(5100 + sorted(HEADINGS).index(command), "Vera")
    visitor.send(f"/{command}")
    page = visitor.wait_for(contains=HEADINGS[command])
    assert page.body.rstrip().endswith("pharmacist.")
    assert "package leaflet and your pen's Instructions for Use" in page.body
    assert page.buttons and all(label for label in page.buttons)


def test_buttons_lead_to_related_pages_and_forged_ones_do_nothing(
    api: FakeBotApi, bot: BotProcess
) -> None:
    visitor = api.user(5200, "Vera")
    visitor.send("/sideeffects")
    page = visitor.wait_for(contains=HEADINGS["sideeffects"])
    visitor.tap(page, "🩺 When to call the doctor")
    doctor = visitor.wait_for(contains="When to call your doctor promptly")
    assert "112 in Europe, 911 in North America, or your local emergency number" in doctor.body
    assert "or any other sign of a severe allergic reaction" in doctor.body
    assert "weakness on one side of the body that comes on suddenly" in doctor.body
    visitor.tap(doctor, "🛡 Precautions")
    visitor.wait_for(contains=HEADINGS["precautions"])
    before = len(visitor.messages())
    query = visitor.tap_data(page, "info:secrets")
    assert api.wait_for_callback_answer(query).text == "This button is no longer active."
    visitor.send("/myid")
    visitor.wait_for(contains="Telegram id")
    assert len(visitor.messages()) == before + 1


def test_a_german_speaker_reads_the_pages_and_buttons_in_german(
    api: FakeBotApi, bot: BotProcess
) -> None:
    visitor = api.user(5300, "Vera", language_code="de")
    visitor.send("/sideeffects")
    page = visitor.wait_for(contains="Nebenwirkungen von Kesimpta")
    assert "39%" in page.body and "112" in page.body and "Notruf" in page.body
    assert "und selten PML" in page.body and "sehr selten" not in page.body
    assert "Packungsbeilage" in page.body and "Rachen" in page.body and "Hals" not in page.body
    assert "Side effects" not in page.body
    assert "🩺 Wann zum Arzt" in page.buttons
    visitor.tap(page, "🩺 Wann zum Arzt")
    doctor = visitor.wait_for(contains="Wann Sie umgehend Ihre Ärztin oder Ihren Arzt anrufen")
    assert "112" in doctor.body and "911" in doctor.body
    visitor.tap(doctor, "🛡 Vorsichtsmaßnahmen")
    visitor.wait_for(contains="Vor dem Start und während der Behandlung")


def test_the_menu_lists_the_information_commands(api: FakeBotApi, bot: BotProcess) -> None:
    names = [c["command"] for c in api.commands({"type": "all_private_chats"})]
    assert set(HEADINGS) <= set(names)
