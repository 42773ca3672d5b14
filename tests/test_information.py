"""The information pages, in every language the bot speaks: the facts (figures the reference
confirms), the disclaimers, the emergency advice where it matters, valid HTML that fits a phone
screen, and buttons that lead somewhere."""

from __future__ import annotations

import re

import pytest

from bot import texts
from bot.domain.broadcast import check_formatting
from bot.handlers import info
from bot.texts import information, language
from bot.texts.language import translate

PHONE_SCREEN = 1500  # characters of text, tags removed
BUTTON_LABEL = 30  # characters: a row of buttons shares one phone screen's width
LANGUAGES = sorted(language.LANGUAGES)

FIGURES = {
    "sideeffects": ["39%", "38%", "21%", "15%", "13%", "12%", "11%", "6%", "MedWatch"],
    "help_now": [],
    "precautions": ["Hepatitis B", "Kesimpta"],
    "howto": ["5 cm", "/taken"],
    "storage": ["2–8 °C", "30 °C"],
    "missed": ["/taken", "/taken 2026-03-02", "/schedule"],
    "faq": ["Kesimpta", "Ocrevus"],
}
"""What each page states the same way in every language: figures, names, commands."""

WORDS = {
    "en": {
        "sideeffects": ["first", "teriflunomide"],
        "help_now": ["fever", "yellow", "weakness on one side", "vision"],
        "precautions": ["Immunoglobulins", "4 weeks", "2 weeks", "6 months"],
        "howto": ["15–30 minutes", "upper outer arm", "someone else", "5 minutes"],
        "storage": ["freeze", "shake", "7 days", "first time"],
        "missed": ["as soon as you can", "check the timing with your doctor"],
        "faq": ["chemotherapy", "adults only", "insurance"],
    },
    "de": {
        "sideeffects": ["ersten", "Teriflunomid"],
        "help_now": ["Fieber", "gelb", "Schwäche auf einer Körperseite", "Sehen"],
        "precautions": ["Immunglobuline", "4 Wochen", "2 Wochen", "6 Monate"],
        "howto": ["15–30 Minuten", "äußeren Oberarm", "jemand anderes", "5 Minuten"],
        "storage": ["einfrieren", "schütteln", "7 Tage", "ersten Herausnehmen"],
        "missed": ["so bald wie möglich", "klären Sie den Zeitplan mit Ihrer Ärztin"],
        "faq": ["Chemotherapie", "nur für Erwachsene", "Krankenversicherung"],
    },
}
"""The same facts in each language's own words."""

DISCLAIMER = {"en": ("doctor", "pharmacist"), "de": ("Arzt", "Apothek")}
EMERGENCY = {
    "en": ("trouble breathing", "swelling", "local emergency number"),
    "de": ("Atemnot", "Schwellungen", "örtliche Notrufnummer"),
}
URINARY = {"en": "Urinary", "de": "Harnwegsinfekte"}


def plain(page: str) -> str:
    return re.sub(r"<[^>]+>", "", page)


def page_in(code: str, topic: str) -> str:
    with language.speaking(code):
        return translate(information.PAGES[topic])


def test_every_language_has_its_words() -> None:
    assert set(WORDS) == set(DISCLAIMER) == set(EMERGENCY) == set(URINARY) == set(LANGUAGES)
    for words in WORDS.values():
        assert set(words) == set(FIGURES) == set(information.PAGES)


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("topic", sorted(information.PAGES))
def test_every_page_is_valid_short_and_ends_with_the_disclaimer(code: str, topic: str) -> None:
    page = page_in(code, topic)
    check_formatting(page)
    assert len(plain(page)) <= PHONE_SCREEN
    with language.speaking(code):
        disclaimer = texts.NOT_MEDICAL_ADVICE
    assert page.endswith("\n\n" + disclaimer)
    for words in DISCLAIMER[code]:
        assert words in disclaimer
    related = information.RELATED[topic]
    assert related and topic not in related and set(related) <= set(information.PAGES)
    assert set(information.BUTTONS) == set(information.PAGES)


@pytest.mark.parametrize("code", [code for code in LANGUAGES if code != language.DEFAULT])
def test_every_page_and_button_is_translated(code: str) -> None:
    """A missing catalog entry would silently show the English text."""
    with language.speaking(code):
        for topic, page in information.PAGES.items():
            for part in page:
                if part.strip():
                    assert translate(part) != part, f"{topic}: {part[:40]!r} is not translated"
        for topic, label in information.BUTTONS.items():
            assert translate(label) != label, f"button {topic} is not translated"


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("topic", sorted(information.PAGES))
def test_pages_state_the_facts(code: str, topic: str) -> None:
    text = plain(page_in(code, topic))
    for fact in FIGURES[topic] + WORDS[code][topic]:
        assert fact in text, f"{code} {topic}: {fact!r} missing"


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("topic", ["sideeffects", "help_now"])
def test_where_it_matters_the_emergency_numbers_are_given(code: str, topic: str) -> None:
    text = plain(page_in(code, topic))
    for words in ("112", "911", *EMERGENCY[code]):
        assert words in text, f"{code} {topic}: {words!r} missing"


@pytest.mark.parametrize("code", LANGUAGES)
def test_unverified_figures_are_not_stated(code: str) -> None:
    """The reference gives no exact US figures for urinary infections or back pain."""
    text = plain(page_in(code, "sideeffects"))
    sentence = next(line for line in text.splitlines() if URINARY[code] in line)
    assert not re.search(r"\d", sentence)


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("topic", sorted(information.PAGES))
def test_buttons_are_short_and_in_the_language_of_the_page(code: str, topic: str) -> None:
    with language.speaking(code):
        labels = translate(information.BUTTONS)
        markup = info.related(topic)
    buttons = [button for row in markup.inline_keyboard for button in row]
    assert [button.callback_data for button in buttons] == [
        f"{info.PREFIX}:{other}" for other in information.RELATED[topic]
    ]
    assert [button.text for button in buttons] == [
        labels[other] for other in information.RELATED[topic]
    ]
    assert len(set(labels.values())) == len(labels)
    assert all(0 < len(label) <= BUTTON_LABEL for label in labels.values())
