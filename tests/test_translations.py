"""The catalogs are complete: every text marked in the code has a translation in every
language, with the same placeholders, tags, commands and numbers; and no sentence escapes
marking (an f-string with words, or an unmarked constant, would stay English)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from bot import texts
from bot.texts import language
from bot.texts.language import LANGUAGES, Joined, catalog_path

ROOT = Path(__file__).resolve().parents[1]
TEXT_MODULES = [getattr(texts, name) for name in texts.__all__]
TRANSLATED = sorted(code for code in LANGUAGES if code != language.DEFAULT)
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
TAG = re.compile(r"</?[a-z][a-z0-9-]*")
COMMAND = re.compile(r"/[a-z]{2,}\b")
NUMBER = re.compile(r"\d+")
WORD = re.compile(r"[A-Za-z]{2,}")
DATA = re.compile(r"^[A-Z][a-z]+/[A-Za-z_]+$|^[a-z0-9_]+$")
"""Strings that are data, not text: time zone names, keys and callback data."""


def extracted() -> dict[str, str | tuple[str, ...]]:
    """Every message marked in bot/, by its id (what `pybabel extract` would find)."""
    keywords = dict(DEFAULT_KEYWORDS) | {"N_": None}
    found = extract_from_dir(str(ROOT / "bot"), method_map=[("**.py", "python")], keywords=keywords)
    return {
        (message if isinstance(message, str) else message[0]): message
        for _file, _line, message, _comments, _context in found
    }


def catalog(code: str) -> dict[str, object]:
    with catalog_path(code).open("rb") as po:
        return {
            message.id if isinstance(message.id, str) else message.id[0]: message
            for message in read_po(po, locale=code)
            if message.id
        }


def signature(text: str) -> tuple[list[str], ...]:
    return (
        sorted(PLACEHOLDER.findall(text)),
        sorted(TAG.findall(text)),
        sorted(set(COMMAND.findall(text))),
        sorted(set(NUMBER.findall(text))),
    )


def test_the_code_marks_messages() -> None:
    assert len(extracted()) > 300, "the extraction finds the texts"


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_has_a_translation(code: str) -> None:
    entries = catalog(code)
    missing = [key for key in extracted() if key not in entries]
    assert not missing, f"{len(missing)} texts lack a {code} translation, e.g. {missing[:3]}"
    for key, source in extracted().items():
        entry = entries[key]
        assert not entry.fuzzy, f"fuzzy: {key[:60]}"
        sources = (source,) if isinstance(source, str) else source
        targets = (entry.string,) if isinstance(entry.string, str) else entry.string
        assert all(targets), f"empty translation: {key[:60]}"
        for target in targets:
            assert signature(target) == signature(sources[0]), f"differs: {key[:60]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_catalog_holds_no_stale_entries(code: str) -> None:
    stale = set(catalog(code)) - set(extracted())
    assert not stale, f"no longer in the code: {sorted(stale)[:3]}"


def test_no_f_string_carries_words() -> None:
    """Words inside an f-string cannot be extracted, so they would stay English."""
    for path in sorted((ROOT / "bot").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.JoinedStr) and path.parent.name == "texts":
                words = [
                    part.value
                    for part in node.values
                    if isinstance(part, ast.Constant) and WORD.search(str(part.value))
                ]
                assert not words, f"{path.name}:{node.lineno}: {words}"


def strings_in(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings_in(item)]
    if isinstance(value, tuple):
        return [text for item in value for text in strings_in(item)]
    return []


def test_every_text_constant_is_marked() -> None:
    marked = set(extracted())
    for module in TEXT_MODULES:
        for name, value in vars(module).items():
            if not name.isupper() or isinstance(value, Joined) or hasattr(language, name):
                continue  # functions, joined texts, and the language module's own names
            for text in strings_in(value):
                if WORD.search(text) and not DATA.match(text):
                    assert text in marked, f"{module.__name__}.{name}: {text[:50]!r}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_a_constant_reads_in_the_current_language(code: str) -> None:
    english = texts.common.button_expired()
    with language.speaking(code):
        assert english != texts.common.button_expired()
        assert texts.common.status_marks()  # dicts of labels translate too
    assert english == texts.common.button_expired(), "the language goes back after the block"


def test_language_from_telegram_codes() -> None:
    assert language.choose("de") == "de"
    assert language.choose("de-AT") == "de"
    assert language.choose("en-GB") == "en"
    assert language.choose("fr") == "en", "a language the bot lacks falls back to English"
    assert language.choose(None) == "en"
