"""The safety net for free text: only a clearly fine answer is reassured; everything else gets
the emergency and the doctor advice. The phrasings below are written as people type (typos,
English and German), not from the patterns in the code."""

from __future__ import annotations

import pytest

from bot.domain.triage import (
    Urgency,
    advice_order,
    is_clearly_fine,
    signs_in,
    triage_answer,
    triage_message,
)
from bot.texts import safety
from bot.texts.language import speaking

EMERGENCY_PHRASINGS = [
    "my tongue feels swollen",
    "I can't swallow",
    "chest feels tight",
    "hives all over",
    "collapsed",
    "Zunge ist dick",
    "Hals schnürt sich zu",
    "everything itches and my throat is tight",
    "lips went puffy about an hour after the shot",
    "my face blew up like a balloon",
    "struggling to get air in",
    "i cant breath properly",
    "hard to breathe when I lie down",
    "I passed out in the kitchen",
    "keep blacking out",
    "my eyes are swelling shut",
    "big itchy welts on my back and arms",
    "bumps everywhere on my skin and very itchy",
    "throat feels like its closing up",
    "my mouth is tingling and my lips feel funny",
    "suddenly cant move my right arm",
    "my speech is slurred and my face drooped",
    "Ich krieg kaum Luft",
    "mir ist schwarz vor Augen geworden und ich bin umgefallen",
    "meine Lippen sind ganz dick",
    "Ausschlag am ganzen Körper",
    "Quaddeln überall und es juckt",
    "das Schlucken fällt schwer",
    "Engegefühl in der Brust",
    "plötzlich kann ich meinen linken Arm nicht mehr bewegen",
    "bin kurz ohnmächtig geworden",
    "I think I'm having a seizure",
    "my lips look blue",
    "I don't want to live anymore, I want to die",
    "Krampfanfall vorhin",
]
UNWELL_PHRASINGS = [
    "blurry vision since yesterday",
    "weakness in my left arm",
    "I feel really rough today",
    "running a temp of 38.9",
    "shivering and sweating all night",
    "it burns when I pee",
    "my skin and eyes look a bit yellow",
    "seeing double since this morning",
    "my legs are numb and tingly",
    "the spot where i injected is hot and red",
    "headache wont go away",
    "I've been throwing up",
    "my MS feels like its getting worse",
    "feel terrible after the injection",
    "not feeling great tbh",
    "really achy and wiped out",
    "Ich habe 39 Grad",
    "mir ist übel",
    "Ich sehe alles verschwommen",
    "Brennen beim Wasserlassen",
    "Kopfweh seit gestern",
    "Einstichstelle ist rot und heiß",
    "ich fühl mich schlapp und krank",
    "meine Beine kribbeln",
    "Mir gehts nicht gut",
    "Husten und Halskratzen",
    "bin total erschöpft",
    "I feel off",
    "something is wrong with my arm",
    "es geht mir schlecht",
    "my heart is racing since the shot",
    "sweating and shaking",
    "everything is spinning",
    "I fell and hit my head",
    "Herzrasen seit heute früh",
    "Mir ist heiß und ich zittere",
    "kann nicht schlafen vor Schmerzen",
    "blood in my pee",
    "geht so",
    "could be better",
]

FINE_PHRASINGS = [
    "fine",
    "Fine, thanks!",
    "all good 👍",
    "yes all good",
    "went well",
    "no problems at all",
    "👍",
    "Alles gut",
    "alles gut, danke",
    "mir geht's gut",
    "Keine Beschwerden",
    "passt",
]
NOT_CLEARLY_FINE = [
    "not fine",
    "fine but my lips tingle",
    "fine 🤒",
    "good question",
    "ok I guess, a bit dizzy",
    "alles gut außer Fieber",
    "nicht so gut",
    "meh",
    "?",
    "",
]
OTHER_MESSAGES = [
    "what's my next dose?",
    "when is my next injection",
    "hello",
    "Danke!",
    "help",
    "2026-03-04",
    "Europe/Berlin",
    "I'm travelling to Spain next week",
]


def test_there_are_at_least_forty_phrasings() -> None:
    assert len(EMERGENCY_PHRASINGS) + len(UNWELL_PHRASINGS) >= 40


@pytest.mark.parametrize("text", EMERGENCY_PHRASINGS)
def test_signs_of_an_emergency_put_the_emergency_advice_first(text: str) -> None:
    assert triage_answer(text) is Urgency.EMERGENCY
    assert triage_message(text) is Urgency.EMERGENCY
    assert advice_order(Urgency.EMERGENCY)[0] is Urgency.EMERGENCY


@pytest.mark.parametrize("text", EMERGENCY_PHRASINGS + UNWELL_PHRASINGS)
def test_no_description_of_feeling_unwell_is_reassured(text: str) -> None:
    assert triage_answer(text) is not Urgency.FINE
    assert triage_message(text) is not None, "a plain message about feeling unwell gets advice"
    assert set(advice_order(triage_answer(text))) == {Urgency.EMERGENCY, Urgency.DOCTOR}


@pytest.mark.parametrize("text", FINE_PHRASINGS)
def test_only_a_clearly_fine_answer_is_fine(text: str) -> None:
    assert is_clearly_fine(text)
    assert triage_answer(text) is Urgency.FINE
    assert advice_order(Urgency.FINE) == ()


@pytest.mark.parametrize("text", NOT_CLEARLY_FINE)
def test_anything_else_to_a_check_in_gets_both_pieces_of_advice(text: str) -> None:
    assert not is_clearly_fine(text)
    assert triage_answer(text) in {Urgency.EMERGENCY, Urgency.DOCTOR, Urgency.UNCLEAR}


@pytest.mark.parametrize("text", OTHER_MESSAGES)
def test_a_plain_message_that_is_not_about_health_gets_no_advice(text: str) -> None:
    """Otherwise every question would drown in warnings; its "I didn't understand" still
    carries the safety line."""
    assert triage_message(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "I have trouble breathing",
        "can't breathe properly",
        "swelling of my lips",
        "my tongue is swelling",
        "Throat feels tight",
        "WHEEZING since the shot",
        "fever and swollen lips",
        "Ich habe Atemnot",
        "Bekomme keine Luft",
        "Schwellung im Gesicht und an den Lippen",
        "die Zunge ist geschwollen",
        "a faint feeling",
    ],
)
def test_what_was_an_emergency_before_still_is(text: str) -> None:
    assert signs_in(text) is Urgency.EMERGENCY


@pytest.mark.parametrize(
    "text",
    ["Schüttelfrost", "Schuettelfrost", "schuttelfrost", "Fieber seit gestern Abend"],
)
def test_german_is_read_with_or_without_umlauts(text: str) -> None:
    assert signs_in(text) is Urgency.DOCTOR


def test_a_huge_message_is_read_quickly_and_safely() -> None:
    text = "lorem ipsum " * 300 + "my throat is closing"
    assert triage_message(text) is Urgency.EMERGENCY


@pytest.mark.parametrize("code", ["en", "de"])
def test_the_advice_has_both_blocks_and_every_emergency_number(code: str) -> None:
    with speaking(code):
        for urgency in (Urgency.EMERGENCY, Urgency.DOCTOR, Urgency.UNCLEAR):
            text = safety.advice(urgency)
            assert "112" in text and "911" in text
            assert text.count("\n\n") == 2
        first, second = safety.advice(Urgency.DOCTOR).split("\n\n")[1:]
        assert "🩺" in first and "🚑" in second
        first, second = safety.advice(Urgency.UNCLEAR).split("\n\n")[1:]
        assert "🚑" in first and "🩺" in second
        assert "112" in safety.with_safety_line("x")


def test_the_advice_names_the_signs_the_issue_lists() -> None:
    with speaking("en"):
        text = safety.advice(Urgency.UNCLEAR)
    for sign in (
        "trouble breathing or swallowing",
        "swelling of the face, lips, tongue or throat",
        "hives",
        "fainting",
        "any other sign of a severe allergic reaction",
        "local emergency number",
        "fever or other signs of an infection",
        "vision",
        "weakness or numbness",
        "burning when passing urine",
        "a reaction that is getting worse",
        "comes on suddenly",
    ):
        assert sign in text, sign
