"""The information pages: the facts (figures the reference confirms), the disclaimers, the
emergency advice where it matters, valid HTML that fits a phone screen, and buttons that lead
somewhere."""

from __future__ import annotations

import re

import pytest

from bot.domain.broadcast import check_formatting
from bot.texts import en, information

PHONE_SCREEN = 1500  # characters of text, tags removed


def plain(page: str) -> str:
    return re.sub(r"<[^>]+>", "", page)


@pytest.mark.parametrize("topic", sorted(information.PAGES))
def test_every_page_is_valid_short_and_ends_with_the_disclaimer(topic: str) -> None:
    page = information.PAGES[topic]
    check_formatting(page)
    assert len(plain(page)) <= PHONE_SCREEN
    assert page.endswith(en.NOT_MEDICAL_ADVICE)
    assert "doctor" in en.NOT_MEDICAL_ADVICE and "pharmacist" in en.NOT_MEDICAL_ADVICE
    related = information.RELATED[topic]
    assert related and topic not in related and set(related) <= set(information.PAGES)
    assert set(information.BUTTONS) == set(information.PAGES)


@pytest.mark.parametrize(
    ("topic", "facts"),
    [
        (
            "sideeffects",
            ["39%", "38%", "21%", "15%", "13%", "12%", "11%", "6%", "first", "MedWatch"],
        ),
        ("help_now", ["fever", "yellow", "weakness on one side", "vision"]),
        ("precautions", ["Hepatitis B", "Immunoglobulins", "4 weeks", "2 weeks", "6 months"]),
        ("howto", ["15–30 minutes", "5 cm", "upper outer arm", "someone else", "5 minutes"]),
        ("storage", ["2–8 °C", "freeze", "shake", "30 °C", "7 days", "first time"]),
        ("missed", ["as soon as you can", "/taken", "check the timing with your doctor"]),
        ("faq", ["chemotherapy", "Ocrevus", "adults only", "insurance"]),
    ],
)
def test_pages_state_the_facts(topic: str, facts: list[str]) -> None:
    text = plain(information.PAGES[topic])
    for fact in facts:
        assert fact in text, f"{topic}: {fact!r} missing"


@pytest.mark.parametrize("topic", ["sideeffects", "help_now"])
def test_where_it_matters_the_emergency_numbers_are_given(topic: str) -> None:
    text = plain(information.PAGES[topic])
    for words in ("trouble breathing", "swelling", "112", "911", "local emergency number"):
        assert words in text


def test_unverified_figures_are_not_stated() -> None:
    """The reference gives no exact US figures for urinary infections or back pain."""
    text = plain(information.SIDE_EFFECTS)
    sentence = next(line for line in text.splitlines() if "Urinary" in line)
    assert not re.search(r"\d", sentence)
