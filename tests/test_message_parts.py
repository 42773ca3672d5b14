"""Splitting long HTML texts into Telegram messages: measured as Telegram measures (UTF-16
code units after parsing), split at line ends, never inside a tag pair or an entity. Each part
is checked with the fake Bot API's own HTML parser, which refuses what Telegram refuses."""

from __future__ import annotations

import random

import pytest

from bot.domain.message_parts import MESSAGE_LIMIT, split_message, utf16_length, visible_length
from tests.support.fakebotapi import render_text, utf16_len


def visible(part: str) -> str:
    text, _ = render_text(part, "HTML", None)
    return text


def check(parts: list[str], limit: int = MESSAGE_LIMIT) -> None:
    for part in parts:
        assert 0 < utf16_len(visible(part)) <= limit, part[:80]
        assert visible_length(part) == utf16_len(visible(part))


def test_lengths_as_telegram_counts_them() -> None:
    assert utf16_length("😀") == 2 and utf16_length("ä✅") == 2
    assert visible_length("<b>😀</b> &lt;&amp;&#128512;") == 2 + 1 + 2 + 2


def test_a_short_text_is_one_part_and_an_empty_one_none() -> None:
    assert split_message("<b>Hello</b>\nthere") == ["<b>Hello</b>\nthere"]
    assert split_message("") == [] and split_message("\n\n") == []


def test_emoji_lines_that_len_thinks_fit() -> None:
    lines = [f"2026-01-{n % 28 + 1:02d} · " + "😀" * 500 for n in range(10)]
    text = "\n".join(lines)
    assert len(text) < 2 * MESSAGE_LIMIT < utf16_length(text)
    parts = split_message(text)
    check(parts)
    assert "\n".join(parts) == text, "split only at line ends, nothing lost"


def test_paragraphs_stay_whole_and_blank_lines_at_a_split_are_dropped() -> None:
    blocks = [f"<b>P{n}</b>\n" + "x" * 300 for n in range(40)]
    parts = split_message("\n\n".join(blocks))
    check(parts)
    assert all(not part.startswith("\n") and not part.endswith("\n") for part in parts)
    assert "\n\n".join(parts) == "\n\n".join(blocks)


def test_a_tag_pair_over_several_lines_stays_whole_when_it_fits() -> None:
    quote = "<blockquote>" + "\n".join("y" * 100 for _ in range(20)) + "</blockquote>"
    text = "\n".join(["x" * 1000] * 3 + [quote])
    parts = split_message(text)
    check(parts)
    assert parts[-1] == quote


def test_a_line_longer_than_a_message_is_split_at_spaces_with_its_tags_reopened() -> None:
    text = "<i>" + " ".join(["wörd😀"] * 2000) + "</i>"
    parts = split_message(text)
    check(parts)
    assert len(parts) == 4
    assert all(part.startswith("<i>") and part.endswith("</i>") for part in parts)
    assert " ".join(visible(part) for part in parts) == visible(text)


def test_no_space_at_all_still_splits_between_entities() -> None:
    text = "<code>" + "&amp;" * 5000 + "</code>"
    parts = split_message(text, limit=1000)
    check(parts, limit=1000)
    assert "".join(visible(part) for part in parts) == "&" * 5000


@pytest.mark.parametrize("seed", range(20))
def test_random_texts(seed: int) -> None:
    rng = random.Random(seed)
    pieces = ["a", "ä", "😀", " ", "\n", "&lt;", "&#128512;", "<i>x y</i>", "<u>\n😀\n</u>"]
    text = "<b>" + "".join(rng.choice(pieces) for _ in range(rng.randrange(100, 3000))) + "</b>"
    limit = rng.choice([50, 300, MESSAGE_LIMIT])
    parts = split_message(text, limit)
    check(parts, limit)
    assert "".join(visible(part).replace(" ", "").replace("\n", "") for part in parts) == (
        visible(text).replace(" ", "").replace("\n", "")
    )
