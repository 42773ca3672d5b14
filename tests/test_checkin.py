"""What a check-in answer calls for: emergency, doctor promptly, or the diary."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.checkin import Urgency, needs_checkin, still_worth_asking, urgency_of


@pytest.mark.parametrize(
    "answer",
    [
        "I have trouble breathing",
        "can't breathe properly",
        "swelling of my lips",
        "my tongue is swelling",
        "Throat feels tight",
        "WHEEZING since the shot",
    ],
)
def test_signs_of_a_severe_allergic_reaction_are_an_emergency(answer: str) -> None:
    assert urgency_of(answer) is Urgency.EMERGENCY


@pytest.mark.parametrize(
    "answer",
    ["fever of 38.5", "chills all night", "the redness is getting worse", "a rash on my arm"],
)
def test_fever_chills_or_worsening_mean_the_doctor_promptly(answer: str) -> None:
    assert urgency_of(answer) is Urgency.DOCTOR


@pytest.mark.parametrize("answer", ["all fine", "a bit tired", "slight headache", ""])
def test_the_rest_goes_to_the_diary(answer: str) -> None:
    assert urgency_of(answer) is Urgency.DIARY


def test_fever_with_swollen_lips_is_still_an_emergency() -> None:
    assert urgency_of("fever and swollen lips") is Urgency.EMERGENCY


def test_check_ins_follow_the_loading_doses_only() -> None:
    assert [n for n in range(1, 8) if needs_checkin(n)] == [1, 2, 3]


@pytest.mark.parametrize(
    ("answer", "urgency"),
    [
        ("Ich habe Atemnot", Urgency.EMERGENCY),
        ("Bekomme keine Luft", Urgency.EMERGENCY),
        ("Schwellung im Gesicht und an den Lippen", Urgency.EMERGENCY),
        ("die Zunge ist geschwollen", Urgency.EMERGENCY),
        ("Fieber seit gestern Abend", Urgency.DOCTOR),
        ("Schüttelfrost", Urgency.DOCTOR),
        ("die Rötung wird schlimmer", Urgency.DOCTOR),
        ("alles gut", Urgency.DIARY),
        ("etwas müde", Urgency.DIARY),
    ],
)
def test_german_answers_are_read_too(answer: str, urgency: Urgency) -> None:
    assert urgency_of(answer) is urgency


def test_a_check_in_is_not_asked_a_week_late() -> None:
    injected = date(2026, 3, 2)
    assert still_worth_asking(injected, date(2026, 3, 3))
    assert still_worth_asking(injected, date(2026, 3, 4))
    assert not still_worth_asking(injected, date(2026, 3, 5))
    assert not still_worth_asking(injected, date(2026, 3, 9))
