"""The information pages, in every language the bot speaks: the facts (figures the reference
confirms), the disclaimers, the emergency advice where it matters, valid HTML that fits a phone
screen, and buttons that lead somewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

from bot import texts
from bot.domain.broadcast import check_formatting
from bot.keyboards.info import related
from bot.texts import information, language
from bot.texts.language import _

ROOT = Path(__file__).resolve().parents[1]
PHONE_SCREEN = 1500  # characters of text, tags removed
BUTTON_LABEL = 30  # characters: a row of buttons shares one phone screen's width
LANGUAGES = sorted(language.LANGUAGES)

FIGURES = {
    "sideeffects": ["39%", "38%", "21%", "15%", "13%", "12%", "11%", "6%", "MedWatch"],
    "help_now": [],
    "precautions": ["Hepatitis B", "Kesimpta"],
    "howto": ["5 cm", "/taken"],
    "storage": ["2–8 °C", "30 °C"],
    "missed": ["/taken", "/schedule"],
    "faq": ["Kesimpta", "Ocrevus"],
}
"""What each page states the same way in every language: figures, names, commands."""

WORDS = {
    "en": {
        "sideeffects": ["first", "teriflunomide", "(IgM) in the blood: 7.7%", "rarely PML"],
        "help_now": ["fever", "yellow", "weakness on one side", "vision"],
        "precautions": [
            "Immunoglobulins",
            "during and after treatment",
            "4 weeks",
            "2 weeks",
            "if you could become pregnant, use contraception",
            "6 months",
        ],
        "howto": [
            "With an infection or a fever, ask your doctor before injecting.",
            "15–30 minutes",
            "upper outer arm",
            "someone else",
            "5 minutes",
        ],
        "storage": ["freeze", "shake", "7 days", "first time"],
        "missed": ["as soon as you can", "check the timing with your doctor", "/taken 2026-03-02"],
        "faq": [
            "chemotherapy",
            "mainly as an infusion",
            "adults only",
            "insurance",
            "at the time of writing there is no cheaper biosimilar",
        ],
    },
    "de": {
        "sideeffects": ["ersten", "Teriflunomid", "IgM) im Blut: 7,7%", "und selten PML"],
        "help_now": ["Fieber", "gelb", "Schwäche auf einer Körperseite", "Sehen", "Rachen"],
        "precautions": [
            "Immunglobuline",
            "während und nach der Behandlung",
            "4 Wochen",
            "2 Wochen",
            "Können Sie schwanger werden, verhüten Sie",
            "6 Monate",
        ],
        "howto": [
            "Bei einer Infektion oder Fieber fragen Sie vor der Injektion",
            "15–30 Minuten",
            "äußeren Oberarm",
            "jemand anderes",
            "5 Minuten",
        ],
        "storage": ["einfrieren", "schütteln", "7 Tage", "ersten Herausnehmen"],
        "missed": [
            "so bald wie möglich",
            "klären Sie den Zeitplan mit Ihrer Ärztin",
            "/taken 02.03.2026",
        ],
        "faq": [
            "Chemotherapie",
            "vor allem als Infusion",
            "nur für Erwachsene",
            "Krankenversicherung",
            "zum Zeitpunkt, da dies geschrieben wurde",
        ],
    },
}
"""The same facts in each language's own words."""

DISCLAIMER = {"en": ("doctor", "pharmacist"), "de": ("Arzt", "Apothek")}
EMERGENCY = {
    "en": (
        "trouble breathing",
        "swelling",
        "911 in North America, or your local emergency number",
        "or any other sign of a severe allergic reaction",
        "weakness on one side of the body that comes on suddenly",
    ),
    "de": (
        "Atemnot",
        "Schwellungen",
        "Rachen",
        "911 in Nordamerika oder Ihre örtliche Notrufnummer",
        "anderen Zeichen einer schweren allergischen Reaktion",
        "plötzlicher Schwäche auf einer Körperseite",
    ),
}
LEAFLET = {
    "en": ("package leaflet", "Instructions for Use"),
    "de": ("Packungsbeilage", "Gebrauchsanweisung"),
}
OUTDATED = {
    "en": ("very rarely", "Less common", "low level of antibodies", "Hals"),
    "de": ("sehr selten", "Seltener, aber", "Hals"),
}
"""Wordings the facts no longer support (IgM was lowered in 7.7%, PML is rare), and the
German word for throat that is not used."""
URINARY = {"en": "Urinary", "de": "Harnwegsinfekte"}


def extracted_messages() -> list[str]:
    """Every message marked in bot/ (what `pybabel extract` finds), in English."""
    keywords = dict(DEFAULT_KEYWORDS) | {"N_": None}
    found = extract_from_dir(str(ROOT / "bot"), method_map=[("**.py", "python")], keywords=keywords)
    return [
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _notes, _context in found
    ]


def plain(page: str) -> str:
    return re.sub(r"<[^>]+>", "", page)


def page_in(code: str, topic: str) -> str:
    with language.speaking(code):
        return information.page(topic)


def test_every_language_has_its_words() -> None:
    assert set(WORDS) == set(DISCLAIMER) == set(EMERGENCY) == set(URINARY) == set(LANGUAGES)
    assert set(LEAFLET) == set(OUTDATED) == set(LANGUAGES)
    for words in WORDS.values():
        assert set(words) == set(FIGURES) == set(information.PAGES)


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("topic", sorted(information.PAGES))
def test_every_page_is_valid_short_and_ends_with_the_disclaimer(code: str, topic: str) -> None:
    page = page_in(code, topic)
    check_formatting(page)
    assert len(plain(page)) <= PHONE_SCREEN
    with language.speaking(code):
        disclaimer = texts.common.not_medical_advice()
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
                    assert _(part) != part, f"{topic}: {part[:40]!r} is not translated"
        for topic, label in information.BUTTONS.items():
            assert _(label) != label, f"button {topic} is not translated"


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
@pytest.mark.parametrize("topic", sorted(information.PAGES))
def test_every_page_points_to_the_leaflet_and_no_page_keeps_old_wording(
    code: str, topic: str
) -> None:
    text = plain(page_in(code, topic))
    for words in LEAFLET[code]:
        assert words in text, f"{code} {topic}: {words!r} missing"
    for words in OUTDATED[code]:
        assert words not in text, f"{code} {topic}: {words!r} is outdated"


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_emergency_number_comes_with_the_local_one(code: str) -> None:
    """Wherever 112 or 911 is named, the local number is too, for everyone elsewhere."""
    local = {"en": "local emergency number", "de": "örtliche Notrufnummer"}[code]
    with language.speaking(code):
        found = [language._(message) for message in extracted_messages() if "911" in message]
        own = [
            _(information.EMERGENCY),
            texts.account.about(),
            texts.reminders.problem_advice(2),
        ]
    assert len(found) >= 4
    for text in found:
        assert local in text, text[:80]
    same_words = {
        "en": "112 in Europe, 911 in North America, or your local emergency number",
        "de": "112 in Europa, 911 in Nordamerika oder Ihre örtliche Notrufnummer",
    }[code]
    for text in own:
        assert same_words in text, text[:80]


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
        labels = information.button_labels()
        markup = related(topic)
    buttons = [button for row in markup.inline_keyboard for button in row]
    assert [button.callback_data for button in buttons] == [
        f"info:{other}" for other in information.RELATED[topic]
    ]
    assert [button.text for button in buttons] == [
        labels[other] for other in information.RELATED[topic]
    ]
    assert len(set(labels.values())) == len(labels)
    assert all(0 < len(label) <= BUTTON_LABEL for label in labels.values())
