"""The chat's texts for the page: the chat writes Telegram's HTML (`<b>`, `<i>`, `<a>`, escaped
`&lt;`); the page shows plain text (set as text, never as markup), so the tags go and the
entities are read back here, with the standard library's HTML parser."""

from __future__ import annotations

from html.parser import HTMLParser


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain(html: str) -> str:
    """`html` as the person reads it in Telegram, without the markup."""
    reader = _Text()
    reader.feed(html)
    reader.close()
    return "".join(reader.parts)
