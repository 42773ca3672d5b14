"""The page's words (bot/texts/webapp.py): every key the page asks for exists in every language,
the German differs from the English, and none is markup (the page sets them as plain text)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.texts import webapp
from bot.texts.language import LANGUAGES

STATIC = Path(webapp.__file__).resolve().parents[1] / "webapp" / "static"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def keys_the_page_uses() -> set[str]:
    page = (STATIC / "index.html").read_text()
    script = (STATIC / "app.js").read_text()
    used = set(re.findall(r'data-(?:word|label|placeholder)="([a-z_]+)"', page))
    used |= set(re.findall(r'\bword\("([a-z_]+)"(?!\s*\+)', script))
    statuses = re.search(r"const STATUSES = \[([^\]]*)\]", script)
    assert statuses is not None
    used |= {"status_" + name for name in re.findall(r'"([a-z_]+)"', statuses.group(1))}
    return used


def test_the_page_asks_only_for_words_that_exist() -> None:
    used = keys_the_page_uses()
    assert len(used) > 40, "the page's words are found"
    missing = used - set(webapp.page_words("en"))
    assert not missing, f"the page shows words bot/texts/webapp.py lacks: {sorted(missing)}"
    quoted = set(re.findall(r'"([a-z_]+)"', (STATIC / "app.js").read_text()))
    quoted |= {"status_" + name for name in quoted}  # word("status_" + status)
    unused = set(webapp.page_words("en")) - used - quoted
    assert not unused, f"words no one shows: {sorted(unused)}"


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_every_language_has_every_word_as_plain_text(code: str) -> None:
    english, words = webapp.page_words("en"), webapp.page_words(code)
    assert words.keys() == english.keys()
    for key, text in words.items():
        assert text.strip(), key
        assert "<" not in text and "&" not in text, f"{key} is not plain text: {text!r}"
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(english[key])), key


def test_german_is_german() -> None:
    english, german = webapp.page_words("en"), webapp.page_words("de")
    same = {key for key in english if english[key] == german[key]}
    assert same == {"language_en", "language_de"}, same
    # A soft hyphen lets a long German word break inside a narrow tab, and nowhere else.
    assert german["tab_settings"].replace("\N{SOFT HYPHEN}", "") == "Einstellungen"


def test_an_unknown_language_gets_english() -> None:
    assert webapp.page_words("fr") == webapp.page_words("en")
