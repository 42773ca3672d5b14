"""Fitting a text into Telegram messages. Telegram allows 4,096 characters per message, but
counts them in UTF-16 code units after parsing the HTML: an emoji such as 😀 is two, a tag is
none, `&lt;` is one. A text that can grow with what people write (diaries, patient lists, support
requests) is split at line ends, and a part never ends inside a tag pair: where a split inside
one cannot be avoided, the part closes the open tags and the next part opens them again."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape

MESSAGE_LIMIT = 4096
"""Telegram's limit for a text message, in UTF-16 code units after entity parsing."""

_TOKEN = re.compile(r"<[^<>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z]+);|.", re.DOTALL)
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9-]*)")
_BLANK = frozenset({"\n", " "})


def utf16_length(text: str) -> int:
    """Length as Telegram counts it: characters outside the BMP (most emoji) count twice."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class _Atom:
    """A tag, an entity or one character, with the length Telegram sees of it."""

    raw: str
    weight: int
    tag: str | None = None
    closing: bool = False


def _atoms(text: str) -> Iterator[_Atom]:
    for match in _TOKEN.finditer(text):
        raw = match.group()
        name = _TAG_NAME.match(raw) if len(raw) > 2 and raw[0] == "<" else None
        if name is not None:
            yield _Atom(raw, 0, name.group(1).lower(), raw.startswith("</"))
        elif len(raw) > 1:
            yield _Atom(raw, utf16_length(unescape(raw)))
        else:
            yield _Atom(raw, utf16_length(raw))


def visible_length(html_text: str) -> int:
    """The length Telegram counts for an HTML message (tags none, entities as what they stand
    for, in UTF-16 code units)."""
    return sum(atom.weight for atom in _atoms(html_text))


def _track(stack: list[_Atom], atom: _Atom) -> None:
    """Keep the list of tags open so far up to date."""
    if atom.tag is None:
        return
    if not atom.closing:
        stack.append(atom)
        return
    for index in range(len(stack) - 1, -1, -1):
        if stack[index].tag == atom.tag:
            del stack[index]
            return


def split_message(html_text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The text in as few parts as its lines allow, each at most `limit` long as Telegram
    counts it. A part ends, by preference, at a blank line outside any tag pair (between
    paragraphs) if that fills at least half of it, else at a line end outside any, else at a
    line end inside one, else at a space, else anywhere but inside a tag or an entity. Blank
    lines at a split are dropped; an empty text gives no part."""
    atoms = list(_atoms(html_text))
    parts: list[str] = []
    start, opened = 0, list[_Atom]()
    while True:
        while start < len(atoms) and atoms[start].raw in _BLANK:
            start += 1
        if start >= len(atoms):
            return parts
        end, resume, stack = _cut(atoms, start, opened, limit)
        while end > start and atoms[end - 1].raw in _BLANK:
            end -= 1
        body = "".join(atom.raw for atom in atoms[start:end])
        closing = "".join(f"</{atom.tag}>" for atom in reversed(stack))
        if body.strip():
            parts.append("".join(atom.raw for atom in opened) + body + closing)
        start, opened = resume, stack


def _cut(
    atoms: list[_Atom], start: int, opened: list[_Atom], limit: int
) -> tuple[int, int, list[_Atom]]:
    """Where the part from `start` ends (exclusive), where the next begins, and the tags open
    at that point."""
    stack = list(opened)
    weight = 0
    paragraph = clean_line = line = space = None
    for index in range(start, len(atoms)):
        atom = atoms[index]
        if weight + atom.weight > limit:
            break
        weight += atom.weight
        _track(stack, atom)
        if atom.raw == "\n":
            line = (index, index + 1, list(stack))
            clean_line = line if not stack else clean_line
            after_blank = index > start and atoms[index - 1].raw == "\n"
            filled = 2 * weight >= limit
            paragraph = line if not stack and after_blank and filled else paragraph
        elif atom.raw == " ":
            space = (index, index + 1, list(stack))
    else:
        return len(atoms), len(atoms), stack
    return paragraph or clean_line or line or space or (index, index, stack)
