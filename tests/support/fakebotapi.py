"""An in-process fake of Telegram's Bot API HTTP protocol, for end-to-end tests.

The real bot (or a ``telegram.Bot``) talks HTTP to this server exactly as it would to
api.telegram.org, while the test plays one or more users: it sends messages and button taps
as updates and reads back what the bot did. The server runs aiohttp on its own event loop in a
background thread, so synchronous and asynchronous tests can both drive it, and every public
method is thread-safe. Waiting is done with a ``threading.Condition``, never by sleeping.

Behaviour mirrors Telegram where a bot could get it wrong: Telegram-style error JSON and status
codes, HTML/Markdown parse errors, "message is not modified", edits without ``reply_markup``
removing the inline keyboard, ``getUpdates`` offset confirmation and long polling, users who
block the bot, plus fault injection (``fail_next``, ``delay_next``, ``hang_next``, ``fail_chat``).
"""

from __future__ import annotations

import asyncio
import contextlib
import html.parser
import itertools
import json
import re
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Self, TypeVar

from aiohttp import web
from aiohttp.web_request import FileField

DEFAULT_TOKEN = "123456:TEST-token"
DEFAULT_BOT_USERNAME = "kesimpta_test_bot"

JSONDict = dict[str, Any]
_T = TypeVar("_T")

# Parameters whose values PTB sends as plain strings; everything else arrives JSON-encoded.
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "url",
        "action",
        "description",
        "short_description",
        "name",
        "language_code",
        "inline_message_id",
        "secret_token",
        "ip_address",
        "message_effect_id",
        "business_connection_id",
        "title",
        "emoji",
        "question",
        "explanation",
        "address",
        "phone_number",
        "first_name",
        "last_name",
        "vcard",
        "document",
        "photo",
        "audio",
        "video",
        "voice",
        "animation",
        "sticker",
        "thumbnail",
        "custom_emoji_id",
        "payload",
        "currency",
    }
)

# Update types Telegram delivers when allowed_updates was never set (or set to []).
_DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
    }
)

_INLINE_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)

_MAX_TEXT = 4096
_MAX_CAPTION = 1024
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


class ApiError(Exception):
    """A Telegram-style failure; becomes ``{"ok": false, ...}`` with the given HTTP status."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def to_json(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def _bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


def _default_description(status: int, retry_after: int | None) -> str:
    if status == 429:
        return f"Too Many Requests: retry after {retry_after or 1}"
    return {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden: bot was blocked by the user",
        404: "Not Found",
        409: "Conflict",
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Unavailable",
        504: "Gateway Timeout",
    }.get(status, f"Error {status}")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram uses for entity offsets."""
    return len(text.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------------------------
# Formatting: parse_mode text -> (plain text, entities), raising Telegram's parse errors.
# --------------------------------------------------------------------------------------------

_HTML_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "blockquote": "blockquote",
    "a": "text_link",
    "span": "spoiler",
    "tg-emoji": "custom_emoji",
}


class _HtmlEntityParser(html.parser.HTMLParser):
    """Turns Telegram-flavoured HTML into plain text plus entities, or raises ApiError."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        # Not "offset": HTMLParser uses that attribute for its own source position.
        self.utf16_pos = 0
        self.entities: list[JSONDict] = []
        self.stack: list[tuple[str, int, dict[str, str | None]]] = []

    def _byte_offset(self) -> int:
        line, col = self.getpos()
        lines = self.rawdata.split("\n")
        prefix = "\n".join(lines[: line - 1]) + ("\n" if line > 1 else "")
        return len((prefix + lines[line - 1][:col]).encode())

    def _fail(self, detail: str) -> ApiError:
        return _bad_request(f"can't parse entities: {detail}")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.utf16_pos += utf16_len(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag not in _HTML_SIMPLE_TAGS or (
            tag == "span" and attributes.get("class") != "tg-spoiler"
        ):
            raise self._fail(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')
        self.stack.append((tag, self.utf16_pos, attributes))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise self._fail(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            raise self._fail(f"Unexpected end tag at byte offset {self._byte_offset()}")
        open_tag, start, attributes = self.stack.pop()
        if open_tag != tag:
            raise self._fail(f'Can\'t find end tag corresponding to start tag "{open_tag}"')
        length = self.utf16_pos - start
        if length <= 0:
            return
        entity: JSONDict = {"type": _HTML_SIMPLE_TAGS[tag], "offset": start, "length": length}
        if tag == "a":
            if not attributes.get("href"):
                return
            entity["url"] = attributes["href"]
        elif tag == "blockquote" and "expandable" in attributes:
            entity["type"] = "expandable_blockquote"
        elif tag == "tg-emoji":
            entity["custom_emoji_id"] = attributes.get("emoji-id") or ""
        elif tag == "code" and self.stack and self.stack[-1][0] == "pre":
            language = (attributes.get("class") or "").removeprefix("language-")
            if language:
                self.stack[-1][2]["language"] = language
            return
        elif tag == "pre" and attributes.get("language"):
            entity["language"] = attributes["language"]
        self.entities.append(entity)

    def finish(self) -> tuple[str, list[JSONDict]]:
        self.close()
        if self.stack:
            raise self._fail(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1][0]}"'
            )
        return "".join(self.parts), sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))


def _parse_html(text: str) -> tuple[str, list[JSONDict]]:
    parser = _HtmlEntityParser()
    parser.feed(text)
    return parser.finish()


_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_MARKERS = {
    "*": "bold",
    "_": "italic",
    "__": "underline",
    "~": "strikethrough",
    "||": "spoiler",
}
_ENTITY_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "code": "Code",
    "pre": "PreCode",
}


class _MarkdownParser:
    """A small MarkdownV2 / legacy Markdown parser, strict about reserved characters."""

    def __init__(self, text: str, *, v2: bool) -> None:
        self.src = text
        self.v2 = v2
        self.parts: list[str] = []
        self.offset = 0
        self.entities: list[JSONDict] = []

    def _fail(self, detail: str) -> ApiError:
        return _bad_request(f"can't parse entities: {detail}")

    def _byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode())

    def _emit(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.offset += utf16_len(chunk)

    def _find_closing(self, token: str, start: int) -> int:
        i = start
        while i < len(self.src):
            if self.src[i] == "\\" and self.v2:
                i += 2
                continue
            if self.src.startswith(token, i):
                return i
            i += 1
        return -1

    def _unescape(self, chunk: str) -> str:
        return re.sub(r"\\(.)", r"\1", chunk, flags=re.DOTALL) if self.v2 else chunk

    def _end_missing(self, kind: str, index: int) -> ApiError:
        if self.v2:
            return self._fail(
                f"Can't find end of {_ENTITY_NAMES[kind]} entity at byte offset "
                f"{self._byte_offset(index)}"
            )
        return self._fail(
            f"Can't find end of the entity starting at byte offset {self._byte_offset(index)}"
        )

    def parse(self) -> tuple[str, list[JSONDict]]:
        src = self.src
        open_styles: list[tuple[str, int, int]] = []
        link_starts: list[tuple[int, int]] = []
        i = 0
        while i < len(src):
            char = src[i]
            if char == "\\" and (self.v2 or (i + 1 < len(src) and src[i + 1] in "_*`[")):
                if i + 1 >= len(src):
                    raise self._fail("Character '\\' is reserved and must be escaped")
                self._emit(src[i + 1])
                i += 2
                continue
            if src.startswith("```", i):
                end = self._find_closing("```", i + 3)
                if end < 0:
                    raise self._end_missing("pre", i)
                body = src[i + 3 : end]
                language = ""
                first_line, newline, rest = body.partition("\n")
                if newline and first_line and " " not in first_line:
                    language, body = first_line, rest
                start = self.offset
                self._emit(self._unescape(body))
                entity: JSONDict = {"type": "pre", "offset": start, "length": self.offset - start}
                if language:
                    entity["language"] = language
                self.entities.append(entity)
                i = end + 3
                continue
            if char == "`":
                end = self._find_closing("`", i + 1)
                if end < 0:
                    raise self._end_missing("code", i)
                start = self.offset
                self._emit(self._unescape(src[i + 1 : end]))
                self.entities.append(
                    {"type": "code", "offset": start, "length": self.offset - start}
                )
                i = end + 1
                continue
            marker = self._style_marker(i)
            if marker:
                kind = _MDV2_MARKERS[marker]
                position = next((n for n, (m, _, _) in enumerate(open_styles) if m == marker), None)
                if position is None:
                    open_styles.append((marker, self.offset, i))
                else:
                    _, start, _ = open_styles.pop(position)
                    if self.offset > start:
                        self.entities.append(
                            {"type": kind, "offset": start, "length": self.offset - start}
                        )
                i += len(marker)
                continue
            if char == "[":
                link_starts.append((self.offset, i))
                i += 1
                continue
            if char == "]" and link_starts:
                start, _ = link_starts.pop()
                if not src.startswith("(", i + 1):
                    raise self._fail(f"Can't find end of a URL at byte offset {i}")
                end = self._find_closing(")", i + 2)
                if end < 0:
                    raise self._end_missing("text_link", i)
                url = self._unescape(src[i + 2 : end])
                if self.offset > start:
                    self.entities.append(
                        {
                            "type": "text_link",
                            "offset": start,
                            "length": self.offset - start,
                            "url": url,
                        }
                    )
                i = end + 1
                continue
            if self.v2 and char == ">" and (i == 0 or src[i - 1] == "\n"):
                i += 1
                continue
            if self.v2 and char in _MDV2_RESERVED:
                raise self._fail(
                    f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
                )
            self._emit(char)
            i += 1
        if open_styles:
            marker, _, index = open_styles[0]
            raise self._end_missing(_MDV2_MARKERS[marker], index)
        if link_starts:
            raise self._end_missing("text_link", link_starts[0][1])
        return "".join(self.parts), sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))

    def _style_marker(self, i: int) -> str | None:
        if self.v2:
            for marker in ("__", "||"):
                if self.src.startswith(marker, i):
                    return marker
            return self.src[i] if self.src[i] in "*_~" else None
        return self.src[i] if self.src[i] in "*_" else None


def render_text(
    text: str, parse_mode: str | None, entities: list[JSONDict] | None
) -> tuple[str, list[JSONDict]]:
    """Apply ``parse_mode`` the way Telegram does and return the visible text and entities."""
    mode = (parse_mode or "").lower()
    if not mode:
        return text, list(entities or [])
    if mode == "html":
        return _parse_html(text)
    if mode in ("markdownv2", "markdown"):
        return _MarkdownParser(text, v2=mode == "markdownv2").parse()
    raise _bad_request(f"unsupported parse_mode {parse_mode!r}")


# --------------------------------------------------------------------------------------------
# Public value objects
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SentFile:
    """A document or photo the bot sent: the uploaded bytes, or a file_id/URL reference."""

    file_id: str
    file_unique_id: str
    filename: str | None
    content: bytes
    mime_type: str | None

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass(frozen=True)
class HistoryEntry:
    """The text/caption and reply markup a message had before one of its edits."""

    text: str | None
    reply_markup: JSONDict | None


@dataclass(frozen=True)
class ChatMessage:
    """An immutable snapshot of one message in a private chat, as the user would see it."""

    message_id: int
    chat_id: int
    from_bot: bool
    date: int
    text: str | None
    caption: str | None
    entities: tuple[JSONDict, ...]
    reply_markup: JSONDict | None
    parse_mode: str | None
    reply_to_message_id: int | None
    document: SentFile | None
    photo: SentFile | None
    location: tuple[float, float] | None
    version: int
    history: tuple[HistoryEntry, ...]
    deleted: bool
    seq: int
    raw: JSONDict = field(repr=False, compare=False)

    @property
    def edited(self) -> bool:
        return self.version > 0

    @property
    def body(self) -> str:
        """Text or caption, whichever the message has ("" if neither)."""
        return self.text if self.text is not None else (self.caption or "")

    @property
    def button_rows(self) -> list[list[JSONDict]]:
        """Inline keyboard rows (button dicts as sent), or [] when there is no inline keyboard."""
        return [list(row) for row in (self.reply_markup or {}).get("inline_keyboard", [])]

    @property
    def buttons(self) -> list[str]:
        """Flat list of the inline button texts."""
        return [button["text"] for row in self.button_rows for button in row]

    def button(self, label: str) -> JSONDict:
        """The inline button whose text equals ``label``, else the first starting with it."""
        flat = [button for row in self.button_rows for button in row]
        for candidate in flat:
            if candidate["text"] == label:
                return candidate
        for candidate in flat:
            if candidate["text"].startswith(label):
                return candidate
        raise AssertionError(
            f"no inline button {label!r} on message {self.message_id}; buttons: {self.buttons}"
        )

    @property
    def reply_keyboard_rows(self) -> list[list[JSONDict]]:
        """Reply keyboard rows as dicts ({"text", "request_location"?, ...})."""
        rows = (self.reply_markup or {}).get("keyboard", [])
        return [[b if isinstance(b, dict) else {"text": b} for b in row] for row in rows]

    @property
    def reply_keyboard(self) -> list[str]:
        """Flat list of reply keyboard button texts attached to this message."""
        return [b["text"] for row in self.reply_keyboard_rows for b in row]

    @property
    def location_buttons(self) -> list[str]:
        """Texts of reply keyboard buttons that request the user's location."""
        return [
            b["text"] for row in self.reply_keyboard_rows for b in row if b.get("request_location")
        ]

    @property
    def removes_keyboard(self) -> bool:
        return bool((self.reply_markup or {}).get("remove_keyboard"))

    def describe(self) -> str:
        """One line for failure dumps."""
        who = "bot " if self.from_bot else "user"
        flags = "".join([" (edited)" if self.edited else "", " (deleted)" if self.deleted else ""])
        parts = [f"#{self.message_id} {who}{flags}: {self.body!r}"]
        if self.document:
            parts.append(f"document={self.document.filename!r} ({self.document.size} B)")
        if self.photo:
            parts.append(f"photo={self.photo.filename!r}")
        if self.location:
            parts.append(f"location={self.location}")
        if self.buttons:
            parts.append(f"buttons={self.buttons}")
        if self.reply_keyboard:
            parts.append(f"keyboard={self.reply_keyboard}")
        return " | ".join(parts)


@dataclass
class Call:
    """One API request the bot made. Unpacks as ``(method, params)``; status is set when done."""

    index: int
    method: str
    params: JSONDict
    time: float
    status: int | None = None
    description: str | None = None
    client: str | None = None
    """The tag of the base URL the request came through (see ``FakeBotApi.base_url_for``)."""

    def __iter__(self) -> Iterator[Any]:
        return iter((self.method, self.params))

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")


@dataclass(frozen=True)
class AnsweredCallback:
    """What the bot passed to answerCallbackQuery for one query."""

    query_id: str
    text: str | None
    show_alert: bool
    url: str | None


@dataclass
class _Fault:
    method: str
    status: int
    description: str
    retry_after: int | None
    times: int
    chat_id: int | str | None

    def matches(self, method: str, params: JSONDict) -> bool:
        return _targets(self.method, self.chat_id, method, params)


def _targets(rule_method: str, rule_chat: int | str | None, method: str, params: JSONDict) -> bool:
    """Whether an injected fault or delay applies to this call: its method (or "*") and, when
    it names one, its chat."""
    if rule_method not in ("*", method):
        return False
    return rule_chat is None or str(params.get("chat_id")) == str(rule_chat)


@dataclass
class _Delay:
    method: str
    seconds: float
    times: int
    chat_id: int | str | None = None
    deliver: bool = True

    def matches(self, method: str, params: JSONDict) -> bool:
        return _targets(self.method, self.chat_id, method, params)


@dataclass
class _StoredMessage:
    """Mutable server-side state of a message; tests only see ChatMessage snapshots."""

    message_id: int
    chat_id: int
    from_bot: bool
    date: int
    seq: int
    text: str | None = None
    caption: str | None = None
    entities: list[JSONDict] = field(default_factory=list)
    reply_markup: JSONDict | None = None
    parse_mode: str | None = None
    reply_to: int | None = None
    document: SentFile | None = None
    photo: SentFile | None = None
    location: tuple[float, float] | None = None
    version: int = 0
    edit_date: int | None = None
    history: list[HistoryEntry] = field(default_factory=list)
    deleted: bool = False
    sender: int | None = None
    """The user who wrote it, in a group (in a private chat the chat is the user)."""
    business_connection_id: str | None = None


# --------------------------------------------------------------------------------------------
# Users
# --------------------------------------------------------------------------------------------


class FakeUser:
    """A Telegram user in a private chat with the bot, driven by the test (thread-safe)."""

    def __init__(
        self,
        server: FakeBotApi,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
    ) -> None:
        self.server = server
        self.user_id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.cursor = 0
        self.reply_keyboard: list[str] = []

    @property
    def chat_id(self) -> int:
        return self.user_id

    def to_api(self) -> JSONDict:
        data: JSONDict = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data

    def chat_api(self) -> JSONDict:
        data: JSONDict = {"id": self.user_id, "type": "private", "first_name": self.first_name}
        for key in ("last_name", "username"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data

    # -- actions -----------------------------------------------------------------------------

    def send(self, text: str) -> ChatMessage:
        """Send a text message; a leading "/" gets a bot_command entity like Telegram adds."""
        return self.server._user_message(self, text=text, entities=_command_entities(text))

    def send_location(self, latitude: float, longitude: float) -> ChatMessage:
        """Share a location (as a reply-keyboard request_location button would)."""
        return self.server._user_message(self, location=(latitude, longitude))

    def reply_to(self, message: ChatMessage | int, text: str) -> ChatMessage:
        """Reply to a (bot) message with text, e.g. answering a ForceReply prompt."""
        message_id = message if isinstance(message, int) else message.message_id
        return self.server._user_message(self, text=text, reply_to=message_id)

    def edit(self, message: ChatMessage | int, text: str) -> ChatMessage:
        """Edit one of this user's own messages: Telegram sends an ``edited_message`` update."""
        message_id = message if isinstance(message, int) else message.message_id
        return self.server._user_edit(self, message_id, text)

    def send_business(self, text: str, connection_id: str = "business-1") -> ChatMessage:
        """A message this user, as a customer, writes to a business account that has the bot
        connected: a ``business_message`` update in the user's private chat."""
        return self.server._user_message(
            self, kind="business_message", text=text, business_connection_id=connection_id
        )

    def tap(self, message: ChatMessage | int, button: str) -> str:
        """Tap the inline button with this text (or text prefix); returns the callback query id."""
        current = self.server._current(self.chat_id, message)
        if current.deleted:
            raise AssertionError(f"message {current.message_id} was deleted; cannot tap {button!r}")
        found = current.button(button)
        if "callback_data" not in found:
            raise AssertionError(f"button {found['text']!r} has no callback_data: {found}")
        return self.server._callback_query(self, current.message_id, found["callback_data"])

    def tap_data(self, message: ChatMessage | int, data: str) -> str:
        """Send a callback query with arbitrary (possibly forged or stale) callback_data."""
        current = self.server._current(self.chat_id, message)
        return self.server._callback_query(self, current.message_id, data)

    def block(self) -> None:
        """Block the bot: sends to this chat answer 403 and a my_chat_member update is queued."""
        self.server._set_blocked(self, True)

    def unblock(self) -> None:
        """Unblock the bot (queues my_chat_member kicked -> member)."""
        self.server._set_blocked(self, False)

    # -- reading -----------------------------------------------------------------------------

    def messages(self, *, include_deleted: bool = False) -> list[ChatMessage]:
        """Current bot messages in this chat, oldest first, reflecting edits."""
        return [
            m
            for m in self.server.chat_messages(self.chat_id, include_deleted=include_deleted)
            if m.from_bot
        ]

    def history(self) -> list[ChatMessage]:
        """Every message of the chat (user and bot), oldest first, including deleted ones."""
        return self.server.chat_messages(self.chat_id, include_deleted=True)

    def last_message(self) -> ChatMessage | None:
        """The most recent non-deleted bot message, if any."""
        messages = self.messages()
        return messages[-1] if messages else None

    def dump(self) -> str:
        """The chat transcript, for assertion messages."""
        lines = [m.describe() for m in self.history()]
        return f"chat {self.chat_id} ({self.first_name}):\n  " + "\n  ".join(lines or ["<empty>"])

    def wait_for(
        self,
        predicate: Callable[[ChatMessage], bool] | None = None,
        *,
        contains: str | None = None,
        timeout: float = 10.0,
        after: ChatMessage | int | None = None,
    ) -> ChatMessage:
        """The first bot message sent after ``after`` (default: this user's last action) that
        matches; raise AssertionError with the chat transcript on timeout."""
        __tracebackhide__ = True
        cursor = self.cursor if after is None else after if isinstance(after, int) else after.seq

        def find() -> ChatMessage | None:
            for message in self.messages():
                if message.seq <= cursor:
                    continue
                if contains is not None and contains not in message.body:
                    continue
                if predicate is None or predicate(message):
                    return message
            return None

        wanted = f"containing {contains!r}" if contains is not None else "matching"
        return self.server._wait(
            find, timeout, lambda: f"no new bot message {wanted}\n{self.dump()}"
        )

    def wait_for_edit(
        self,
        message: ChatMessage,
        *,
        predicate: Callable[[ChatMessage], bool] | None = None,
        timeout: float = 10.0,
    ) -> ChatMessage:
        """Wait until ``message`` is edited (again) after the given snapshot; return it."""
        __tracebackhide__ = True

        def find() -> ChatMessage | None:
            current = self.server._current(self.chat_id, message.message_id)
            if current.version > message.version and (predicate is None or predicate(current)):
                return current
            return None

        return self.server._wait(
            find, timeout, lambda: f"message {message.message_id} not edited\n{self.dump()}"
        )

    def wait_for_deleted(self, message: ChatMessage, *, timeout: float = 10.0) -> ChatMessage:
        """Wait until the bot deletes ``message``."""
        __tracebackhide__ = True

        def find() -> ChatMessage | None:
            current = self.server._current(self.chat_id, message.message_id)
            return current if current.deleted else None

        return self.server._wait(
            find, timeout, lambda: f"message {message.message_id} not deleted\n{self.dump()}"
        )

    async def wait_for_async(
        self,
        predicate: Callable[[ChatMessage], bool] | None = None,
        *,
        contains: str | None = None,
        timeout: float = 10.0,
        after: ChatMessage | int | None = None,
    ) -> ChatMessage:
        """``wait_for`` without blocking the event loop (for bots running in-process)."""
        return await asyncio.to_thread(
            self.wait_for, predicate, contains=contains, timeout=timeout, after=after
        )


class FakeGroup:
    """A group, supergroup or channel with the bot in it, driven by the test (thread-safe)."""

    def __init__(self, server: FakeBotApi, chat_id: int, title: str, kind: str) -> None:
        self.server = server
        self.chat_id = chat_id
        self.title = title
        self.kind = kind
        self.reply_keyboard: list[str] = []
        self.bot_member = True

    def chat_api(self) -> JSONDict:
        return {"id": self.chat_id, "type": self.kind, "title": self.title}

    def add_bot(self, by: FakeUser) -> None:
        """Someone adds the bot: a ``my_chat_member`` update (left -> member or, in a channel,
        administrator)."""
        self.server._add_bot(self, by)

    def send(self, user: FakeUser | None, text: str) -> ChatMessage:
        """A message in the group from ``user``; in a channel, a ``channel_post`` (no user)."""
        return self.server._group_message(self, user, text)

    def messages(self) -> list[ChatMessage]:
        """The bot's messages in this chat, oldest first."""
        return [m for m in self.server.chat_messages(self.chat_id) if m.from_bot]


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


class FakeBotApi:
    """A fake Telegram Bot API server on 127.0.0.1 with an ephemeral port."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = DEFAULT_BOT_USERNAME,
        bot_first_name: str = "Kesimpta Test Bot",
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``clock``: where message dates come from (seconds since the epoch); a simulation
        on a controlled clock passes its own, so the bot sees dates of its own time."""
        self.token = token
        self._clock = clock
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1
        self.bot_user: JSONDict = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._seq = itertools.count(1)
        self._last_seq = 0
        self._users: dict[int, FakeUser] = {}
        self._groups: dict[int, FakeGroup] = {}
        self._chats: dict[int, list[_StoredMessage]] = {}
        self._next_message_id: dict[int, int] = {}
        self._updates: list[tuple[int, JSONDict]] = []
        self._next_update_id = 100_000
        self._allowed_updates: frozenset[str] = _DEFAULT_UPDATE_TYPES
        self._poll_generation = 0
        self._calls: list[Call] = []
        self._faults: list[_Fault] = []
        self._chat_faults: dict[str, ApiError] = {}
        self._delays: list[_Delay] = []
        self._blocked: set[int] = set()
        self._any_chat = False
        self._pending_callbacks: set[str] = set()
        self._answered: dict[str, AnsweredCallback] = {}
        self._query_ids = itertools.count(4_000_000_001)
        self._file_ids = itertools.count(1)
        self._files: dict[str, SentFile] = {}
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._menu_buttons: dict[int | None, JSONDict] = {}
        self._bot_texts: dict[str, str] = {}
        self.webhook: JSONDict | None = None
        self.chat_actions: list[tuple[int, str]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._update_event: asyncio.Event | None = None
        self._closing: asyncio.Event | None = None
        self._port: int | None = None
        self._startup_error: BaseException | None = None
        # Telegram method names are case-insensitive; calls are logged under these spellings.
        handlers: dict[str, Callable[[JSONDict], Any]] = {
            "getMe": self._get_me,
            "logOut": self._ok,
            "close": self._ok,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "sendChatAction": self._send_chat_action,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "getChat": self._get_chat,
            "leaveChat": self._leave_chat,
            "setMyDescription": self._set_bot_text("description"),
            "setMyShortDescription": self._set_bot_text("short_description"),
            "setMyName": self._set_bot_text("name"),
        }
        self._methods = {name.lower(): handler for name, handler in handlers.items()}
        self._canonical = {name.lower(): name for name in [*handlers, "getUpdates"]}

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> Self:
        """Start serving in a background thread; returns once the port is bound."""
        if self._thread is not None:
            raise RuntimeError("FakeBotApi already started")
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._serve, args=(ready,), name="FakeBotApi", daemon=True
        )
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("FakeBotApi did not start within 10 s")
        if self._startup_error is not None:
            raise RuntimeError("FakeBotApi failed to start") from self._startup_error
        return self

    def stop(self) -> None:
        """Answer pending long polls, close the server and join its thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self._begin_shutdown)
        thread.join(timeout=15)
        self._thread = None
        self._loop = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeBotApi not started")
        return self._port

    @property
    def base_url(self) -> str:
        """What to pass as PTB's ``base_url`` / TELEGRAM_API_BASE_URL (token is appended)."""
        return f"http://127.0.0.1:{self.port}/bot"

    def base_url_for(self, client: str) -> str:
        """A base URL whose calls are logged with ``Call.client == client``, so a test can tell
        apart several processes sharing one bot token (e.g. senders on one database)."""
        if not re.fullmatch(r"[A-Za-z0-9_-]+", client) or client.startswith("bot"):
            raise ValueError(f"client tag must be letters, digits, - or _, not {client!r}")
        return f"http://127.0.0.1:{self.port}/{client}/bot"

    def _serve(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            loop.run_until_complete(self._open())
        except BaseException as exc:
            self._startup_error = exc
            ready.set()
            loop.close()
            return
        ready.set()
        try:
            loop.run_forever()
        finally:
            assert self._runner is not None
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

    async def _open(self) -> None:
        self._update_event = asyncio.Event()
        self._closing = asyncio.Event()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=2.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self._port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def _begin_shutdown(self) -> None:
        assert self._closing is not None and self._loop is not None
        self._closing.set()
        self._wake_pollers()
        self._loop.stop()

    def _wake_pollers(self) -> None:
        """Runs on the server loop: release every long-polling getUpdates to re-check."""
        assert self._update_event is not None
        self._update_event.set()
        self._update_event = asyncio.Event()

    def _notify_update(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._wake_pollers)

    # -- users and test-side state -----------------------------------------------------------

    def user(
        self,
        user_id: int = 1001,
        first_name: str = "Ana",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> FakeUser:
        """Get or create the user with this id; their private chat id equals ``user_id``."""
        with self._lock:
            if user_id not in self._users:
                self._users[user_id] = FakeUser(
                    self,
                    user_id,
                    first_name,
                    last_name=last_name,
                    username=username,
                    language_code=language_code,
                )
                self._chats[user_id] = []
                self._next_message_id[user_id] = 1
            return self._users[user_id]

    def group(
        self, chat_id: int = -1_001_234, title: str = "Family", *, kind: str = "group"
    ) -> FakeGroup:
        """Get or create a group (``kind``: "group", "supergroup" or "channel")."""
        if chat_id >= 0 or kind not in ("group", "supergroup", "channel"):
            raise ValueError("a group has a negative id and a group, supergroup or channel kind")
        with self._lock:
            if chat_id not in self._groups:
                self._groups[chat_id] = FakeGroup(self, chat_id, title, kind)
                self._chats[chat_id] = []
                self._next_message_id[chat_id] = 1
            return self._groups[chat_id]

    @property
    def calls(self) -> list[Call]:
        """Every request with a valid token, in arrival order (a copy of the log)."""
        with self._lock:
            return list(self._calls)

    def calls_to(
        self, method: str, *, chat_id: int | None = None, ok: bool | None = None
    ) -> list[Call]:
        """Calls of one method, optionally for one chat and only successful/failed ones."""
        with self._lock:
            return [
                call
                for call in self._calls
                if call.method == method
                and (chat_id is None or str(call.chat_id) == str(chat_id))
                and (ok is None or call.ok == ok)
            ]

    def count(self, method: str, *, chat_id: int | None = None, ok: bool | None = True) -> int:
        """How many (by default successful) calls of ``method`` were made, e.g. per chat."""
        return len(self.calls_to(method, chat_id=chat_id, ok=ok))

    def calls_since(self, index: int) -> list[Call]:
        """The requests from ``index`` on (a copy): a long run reads the log as it grows."""
        with self._lock:
            return self._calls[index:]

    def call_index(self) -> int:
        """The index the next call will get; use as ``after_index`` for ``wait_for_call``."""
        with self._lock:
            return len(self._calls)

    def wait_for_call(
        self,
        method: str,
        timeout: float = 10.0,
        *,
        after_index: int = 0,
        predicate: Callable[[Call], bool] | None = None,
        alive: Callable[[], bool] | None = None,
    ) -> Call:
        """The first call of ``method`` with index >= after_index (as soon as it arrives).

        ``alive`` is polled while waiting; when it returns False the wait fails early (used by
        the process harness so a crashed bot does not cost the full timeout).
        """

        def find() -> Call | None:
            if alive is not None and not alive():
                raise AssertionError(f"gave up waiting for {method}: the client is gone")
            for call in self._calls[after_index:]:
                if call.method == method and (predicate is None or predicate(call)):
                    return call
            return None

        return self._wait(
            find,
            timeout,
            lambda: f"no {method} call within {timeout} s",
            poll=0.2 if alive is not None else None,
        )

    @property
    def answered_callbacks(self) -> dict[str, AnsweredCallback]:
        with self._lock:
            return dict(self._answered)

    def wait_for_callback_answer(self, query_id: str, timeout: float = 10.0) -> AnsweredCallback:
        """Wait until the bot answers the callback query returned by ``user.tap``."""
        __tracebackhide__ = True
        return self._wait(
            lambda: self._answered.get(query_id),
            timeout,
            lambda: f"callback query {query_id} not answered",
        )

    @property
    def pending_updates(self) -> list[JSONDict]:
        """Updates not yet confirmed by a getUpdates offset."""
        with self._lock:
            return [update for _, update in self._updates]

    def commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        """The command list the bot set for this scope (exact scope, as getMyCommands)."""
        with self._lock:
            return list(self._commands.get((_scope_key(scope), language_code), []))

    @property
    def all_commands(self) -> dict[tuple[str, str], list[JSONDict]]:
        """Every stored command list keyed by (scope key, language code)."""
        with self._lock:
            return {key: list(value) for key, value in self._commands.items()}

    def menu_button(self, chat_id: int | None = None) -> JSONDict | None:
        with self._lock:
            return self._menu_buttons.get(chat_id)

    def chat_messages(self, chat_id: int, *, include_deleted: bool = False) -> list[ChatMessage]:
        """Snapshots of a chat's messages (user and bot), oldest first."""
        with self._lock:
            return [
                self._snapshot(m)
                for m in self._chats.get(chat_id, [])
                if include_deleted or not m.deleted
            ]

    # -- fault injection ---------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` ("*" = any) fail with a Telegram error.

        A 429 gets ``parameters.retry_after`` (default 1). Failed calls have no side effects.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        with self._lock:
            self._faults.append(
                _Fault(
                    method,
                    status,
                    description or _default_description(status, retry_after),
                    retry_after,
                    times,
                    chat_id,
                )
            )

    def delay_next(
        self, method: str, seconds: float, times: int = 1, *, chat_id: int | str | None = None
    ) -> None:
        """Hold the next ``times`` calls of ``method`` ("*" = any; optionally only those to
        ``chat_id``) for ``seconds`` first."""
        with self._lock:
            self._delays.append(_Delay(method, seconds, times, chat_id))

    def hang_next(
        self,
        method: str,
        seconds: float = 60.0,
        times: int = 1,
        *,
        chat_id: int | str | None = None,
    ) -> None:
        """Hold the next ``times`` matching calls for ``seconds`` (or until the server stops),
        then drop them: no side effect, answered 502. Simulates a request lost with its process
        (kill the client while it waits) without the message arriving later, as it would after
        ``delay_next``."""
        with self._lock:
            self._delays.append(_Delay(method, seconds, times, chat_id, deliver=False))

    def accept_any_chat(self, enabled: bool = True) -> None:
        """Treat every positive integer chat id as a user's private chat, creating the user on
        first use, so a test can address thousands of recipients without creating each one."""
        with self._lock:
            self._any_chat = enabled

    def fail_chat(
        self,
        chat_id: int,
        status: int = 403,
        description: str | None = None,
        *,
        retry_after: int | None = None,
    ) -> None:
        """Make every call that targets ``chat_id`` fail until ``clear_faults``."""
        with self._lock:
            self._chat_faults[str(chat_id)] = ApiError(
                status,
                description or _default_description(status, retry_after),
                retry_after=retry_after,
            )

    def clear_faults(self) -> None:
        """Drop all pending fail_next/delay_next/fail_chat injections."""
        with self._lock:
            self._faults.clear()
            self._delays.clear()
            self._chat_faults.clear()

    # -- internals: waiting, snapshots -------------------------------------------------------

    def _wait(
        self,
        find: Callable[[], _T | None],
        timeout: float,
        describe: Callable[[], str],
        *,
        poll: float | None = None,
    ) -> _T:
        __tracebackhide__ = True  # pytest: show the caller's line, not this loop
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = find()
                if found is not None:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out after {timeout} s: {describe()}")
                self._cond.wait(remaining if poll is None else min(remaining, poll))

    def _bump(self) -> int:
        """Allocate the next global sequence number (orders messages vs. user actions)."""
        self._last_seq = next(self._seq)
        return self._last_seq

    def _snapshot(self, message: _StoredMessage) -> ChatMessage:
        return ChatMessage(
            message_id=message.message_id,
            chat_id=message.chat_id,
            from_bot=message.from_bot,
            date=message.date,
            text=message.text,
            caption=message.caption,
            entities=tuple(message.entities),
            reply_markup=json.loads(json.dumps(message.reply_markup))
            if message.reply_markup
            else None,
            parse_mode=message.parse_mode,
            reply_to_message_id=message.reply_to,
            document=message.document,
            photo=message.photo,
            location=message.location,
            version=message.version,
            history=tuple(message.history),
            deleted=message.deleted,
            seq=message.seq,
            raw=self._message_api(message),
        )

    def _current(self, chat_id: int, message: ChatMessage | int) -> ChatMessage:
        message_id = message if isinstance(message, int) else message.message_id
        with self._lock:
            stored = self._find_message(chat_id, message_id)
            if stored is None:
                raise AssertionError(f"no message {message_id} in chat {chat_id}")
            return self._snapshot(stored)

    def _find_message(self, chat_id: int, message_id: int) -> _StoredMessage | None:
        for message in self._chats.get(chat_id, []):
            if message.message_id == message_id:
                return message
        return None

    def _chat_api(self, chat_id: int) -> JSONDict:
        group = self._groups.get(chat_id)
        return group.chat_api() if group is not None else self._users[chat_id].chat_api()

    def _sender_api(self, message: _StoredMessage) -> JSONDict | None:
        if message.from_bot:
            return self.bot_user
        if message.sender is not None:
            return self._users[message.sender].to_api()
        if message.chat_id in self._groups:
            return None  # a channel post has no sender
        return self._users[message.chat_id].to_api()

    def _message_api(self, message: _StoredMessage, *, nested: bool = True) -> JSONDict:
        """The Telegram ``Message`` object for a stored message."""
        data: JSONDict = {
            "message_id": message.message_id,
            "date": message.date,
            "chat": self._chat_api(message.chat_id),
        }
        sender = self._sender_api(message)
        if sender is not None:
            data["from"] = sender
        else:
            data["sender_chat"] = self._chat_api(message.chat_id)
        if message.business_connection_id is not None:
            data["business_connection_id"] = message.business_connection_id
        if message.text is not None:
            data["text"] = message.text
            if message.entities:
                data["entities"] = message.entities
        if message.caption is not None:
            data["caption"] = message.caption
            if message.entities:
                data["caption_entities"] = message.entities
        if message.document is not None:
            data["document"] = _document_api(message.document)
        if message.photo is not None:
            data["photo"] = _photo_api(message.photo)
        if message.location is not None:
            data["location"] = {"latitude": message.location[0], "longitude": message.location[1]}
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            data["reply_markup"] = message.reply_markup
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        if nested and message.reply_to is not None:
            target = self._find_message(message.chat_id, message.reply_to)
            if target is not None and not target.deleted:
                data["reply_to_message"] = self._message_api(target, nested=False)
        return data

    def _new_message(self, chat_id: int, *, from_bot: bool, **fields: Any) -> _StoredMessage:
        message_id = self._next_message_id[chat_id]
        self._next_message_id[chat_id] = message_id + 1
        message = _StoredMessage(
            message_id=message_id,
            chat_id=chat_id,
            from_bot=from_bot,
            date=int(self._clock()),
            seq=self._bump(),
            **fields,
        )
        self._chats[chat_id].append(message)
        return message

    def _enqueue(self, kind: str, payload: JSONDict) -> None:
        self._updates.append(
            (self._next_update_id, {"update_id": self._next_update_id, kind: payload})
        )
        self._next_update_id += 1
        self._cond.notify_all()
        self._notify_update()

    def _user_message(self, user: FakeUser, kind: str = "message", **fields: Any) -> ChatMessage:
        with self._lock:
            message = self._new_message(user.chat_id, from_bot=False, **fields)
            user.cursor = message.seq
            self._enqueue(kind, self._message_api(message))
            return self._snapshot(message)

    def _user_edit(self, user: FakeUser, message_id: int, text: str) -> ChatMessage:
        with self._lock:
            stored = self._find_message(user.chat_id, message_id)
            if stored is None or stored.from_bot or stored.deleted:
                raise AssertionError(f"no message {message_id} of {user.first_name} to edit")
            stored.history.append(HistoryEntry(stored.text, stored.reply_markup))
            stored.text = text
            stored.entities = _command_entities(text)
            stored.version += 1
            stored.edit_date = int(self._clock())
            user.cursor = self._bump()
            self._enqueue("edited_message", self._message_api(stored))
            return self._snapshot(stored)

    def _group_message(self, group: FakeGroup, user: FakeUser | None, text: str) -> ChatMessage:
        channel = group.kind == "channel"
        if channel != (user is None):
            raise ValueError("a channel post has no user; a group message has one")
        with self._lock:
            message = self._new_message(
                group.chat_id,
                from_bot=False,
                text=text,
                entities=_command_entities(text),
                sender=None if user is None else user.user_id,
            )
            if user is not None:
                user.cursor = message.seq
            self._enqueue("channel_post" if channel else "message", self._message_api(message))
            return self._snapshot(message)

    def _add_bot(self, group: FakeGroup, by: FakeUser) -> None:
        with self._lock:
            group.bot_member = True
            by.cursor = self._bump()
            status = "administrator" if group.kind == "channel" else "member"
            joined: JSONDict = {"status": status, "user": self.bot_user}
            if status == "administrator":
                joined.update(_ADMIN_RIGHTS)
            self._enqueue(
                "my_chat_member",
                {
                    "chat": group.chat_api(),
                    "from": by.to_api(),
                    "date": int(self._clock()),
                    "old_chat_member": {"status": "left", "user": self.bot_user},
                    "new_chat_member": joined,
                },
            )

    def _callback_query(self, user: FakeUser, message_id: int, data: str) -> str:
        with self._lock:
            stored = self._find_message(user.chat_id, message_id)
            assert stored is not None
            query_id = str(next(self._query_ids))
            self._pending_callbacks.add(query_id)
            user.cursor = self._bump()
            self._enqueue(
                "callback_query",
                {
                    "id": query_id,
                    "from": user.to_api(),
                    "message": self._message_api(stored),
                    "chat_instance": str(-4_242_000_000 - user.chat_id),
                    "data": data,
                },
            )
            return query_id

    def _set_blocked(self, user: FakeUser, blocked: bool) -> None:
        with self._lock:
            if (user.chat_id in self._blocked) == blocked:
                return
            (self._blocked.add if blocked else self._blocked.discard)(user.chat_id)
            user.cursor = self._bump()
            member = {"status": "member", "user": self.bot_user}
            kicked = {"status": "kicked", "user": self.bot_user, "until_date": 0}
            self._enqueue(
                "my_chat_member",
                {
                    "chat": user.chat_api(),
                    "from": user.to_api(),
                    "date": int(self._clock()),
                    "old_chat_member": member if blocked else kicked,
                    "new_chat_member": kicked if blocked else member,
                },
            )

    # -- HTTP --------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        path = request.match_info["tail"]
        client, _, rest = path.partition("/")
        if not client.startswith("bot") and rest.startswith("bot"):
            path = rest
        else:
            client = ""
        if not path.startswith("bot") or "/" not in path:
            return _json_response(ApiError(404, "Not Found").to_json(), 404)
        token, _, method = path[3:].partition("/")
        if token != self.token:
            return _json_response(ApiError(401, "Unauthorized").to_json(), 401)
        try:
            params = await _read_params(request)
        except ApiError as exc:
            return _json_response(exc.to_json(), exc.status)
        key = method.lower()
        name = self._canonical.get(key, method)
        with self._lock:
            call = Call(len(self._calls), name, params, time.time(), client=client or None)
            self._calls.append(call)
            self._cond.notify_all()
        try:
            if not await self._apply_delay(name, params):
                raise ApiError(502, "Bad Gateway")
            self._raise_injected(name, params)
            if key == "getupdates":
                result: Any = await self._get_updates(params)
            elif key in self._methods:
                with self._lock:
                    result = self._methods[key](params)
            else:
                raise ApiError(404, "Not Found: method not found")
        except ApiError as exc:
            status, body = exc.status, exc.to_json()
            description: str | None = exc.description
        else:
            status, body, description = 200, {"ok": True, "result": result}, None
        with self._lock:
            call.status, call.description = status, description
            self._cond.notify_all()
        return _json_response(body, status)

    def answer(
        self, method: str, params: JSONDict, client: str | None = None
    ) -> tuple[int, JSONDict] | None:
        """Serve one call without HTTP, by the same rules and into the same log, for a client
        in this process (a long simulation would spend most of its time in sockets). A delay
        is not waited out; a hung call returns None, for the client to time out. getUpdates
        never waits."""
        key = method.lower()
        name = self._canonical.get(key, method)
        params = {k: _decode_value(k, v) for k, v in params.items()}
        with self._lock:
            call = Call(len(self._calls), name, params, self._clock(), client=client)
            self._calls.append(call)
            delay = next((d for d in self._delays if d.matches(name, params)), None)
            if delay is not None:
                delay.times -= 1
                if delay.times <= 0:
                    self._delays.remove(delay)
        try:
            if delay is not None and not delay.deliver:
                raise ApiError(502, "Bad Gateway")
            self._raise_injected(name, params)
            with self._lock:
                if key == "getupdates":
                    result: Any = self._take_updates(params)
                elif key in self._methods:
                    result = self._methods[key](params)
                else:
                    raise ApiError(404, "Not Found: method not found")
        except ApiError as exc:
            status, body, description = exc.status, exc.to_json(), exc.description
        else:
            status, body, description = 200, {"ok": True, "result": result}, None
        with self._lock:
            call.status, call.description = status, description
            self._cond.notify_all()
        if delay is not None and not delay.deliver:
            return None
        return status, body

    def _take_updates(self, params: JSONDict) -> list[JSONDict]:
        """getUpdates as `_get_updates` answers it, without long polling."""
        offset = _int_param(params, "offset", 0)
        limit = max(1, min(100, _int_param(params, "limit", 100)))
        if offset > 0:
            self._updates = [(uid, u) for uid, u in self._updates if uid >= offset]
        return [u for _, u in self._updates[:limit]]

    async def _apply_delay(self, method: str, params: JSONDict) -> bool:
        """Wait as a matching delay_next/hang_next says; returns False if the call is dropped."""
        with self._lock:
            delay = next((d for d in self._delays if d.matches(method, params)), None)
            if delay is not None:
                delay.times -= 1
                if delay.times <= 0:
                    self._delays.remove(delay)
        if delay is None:
            return True
        assert self._closing is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), delay.seconds)
        return delay.deliver

    def _raise_injected(self, method: str, params: JSONDict) -> None:
        with self._lock:
            fault = next((f for f in self._faults if f.matches(method, params)), None)
            if fault is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                raise ApiError(fault.status, fault.description, retry_after=fault.retry_after)
            chat_fault = self._chat_faults.get(str(params.get("chat_id")))
            if chat_fault is not None and "chat_id" in params:
                raise chat_fault

    # -- getUpdates --------------------------------------------------------------------------

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        assert self._loop is not None and self._closing is not None
        offset = _int_param(params, "offset", 0)
        limit = max(1, min(100, _int_param(params, "limit", 100)))
        timeout = max(0, _int_param(params, "timeout", 0))
        with self._lock:
            if self.webhook is not None:
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            allowed = params.get("allowed_updates")
            if isinstance(allowed, list):
                self._allowed_updates = frozenset(allowed) or _DEFAULT_UPDATE_TYPES
            if offset < 0:
                self._updates = self._updates[offset:]
            elif offset > 0:
                self._updates = [(uid, u) for uid, u in self._updates if uid >= offset]
            self._poll_generation += 1
            generation = self._poll_generation
        self._wake_pollers()
        deadline = self._loop.time() + timeout
        while True:
            event = self._update_event
            assert event is not None
            with self._lock:
                if generation != self._poll_generation:
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; "
                        "make sure that only one bot instance is running",
                    )
                self._updates = [
                    (uid, u) for uid, u in self._updates if _update_kind(u) in self._allowed_updates
                ]
                batch = [u for _, u in self._updates[:limit]]
            remaining = deadline - self._loop.time()
            if batch or remaining <= 0 or self._closing.is_set():
                return batch
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    # -- method handlers (run under self._lock) ----------------------------------------------

    def _ok(self, params: JSONDict) -> bool:
        return True

    def _get_me(self, params: JSONDict) -> JSONDict:
        return dict(self.bot_user)

    def _delete_webhook(self, params: JSONDict) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _set_webhook(self, params: JSONDict) -> bool:
        if not params.get("url"):
            self.webhook = None
            return True
        self.webhook = dict(params)
        return True

    def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        return {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _target_chat(self, params: JSONDict) -> FakeUser | FakeGroup:
        """Resolve chat_id to a known user's private chat or a group, enforcing blocks and
        membership."""
        chat_id = params.get("chat_id")
        if chat_id in (None, ""):
            raise _bad_request("chat_id is empty")
        group = self._groups.get(chat_id) if isinstance(chat_id, int) else None
        if group is not None:
            if not group.bot_member:
                raise ApiError(403, f"Forbidden: bot is not a member of the {group.kind} chat")
            return group
        user = self._users.get(chat_id) if isinstance(chat_id, int) else None
        if user is None and self._any_chat and isinstance(chat_id, int) and chat_id > 0:
            user = self.user(chat_id, f"User {chat_id}")
        if user is None:
            raise _bad_request("chat not found")
        if user.chat_id in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return user

    def _reply_target(self, chat_id: int, params: JSONDict) -> int | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            message_id, allow = reply.get("message_id"), reply.get("allow_sending_without_reply")
        else:
            message_id = params.get("reply_to_message_id")
            allow = params.get("allow_sending_without_reply")
        if message_id is None:
            return None
        target = self._find_message(chat_id, int(message_id))
        if target is None or target.deleted:
            if allow:
                return None
            raise _bad_request("message to be replied not found")
        return target.message_id

    def _finish_send(self, user: FakeUser | FakeGroup, params: JSONDict, **fields: Any) -> JSONDict:
        markup = _validate_markup(params.get("reply_markup"), private=isinstance(user, FakeUser))
        reply_to = self._reply_target(user.chat_id, params)
        message = self._new_message(
            user.chat_id,
            from_bot=True,
            reply_markup=markup,
            reply_to=reply_to,
            parse_mode=params.get("parse_mode"),
            **fields,
        )
        if markup and "keyboard" in markup:
            user.reply_keyboard = [
                b["text"] if isinstance(b, dict) else b for row in markup["keyboard"] for b in row
            ]
        elif markup and markup.get("remove_keyboard"):
            user.reply_keyboard = []
        self._cond.notify_all()
        return self._message_api(message)

    def _send_message(self, params: JSONDict) -> JSONDict:
        user = self._target_chat(params)
        if not isinstance(params.get("allow_paid_broadcast", False), bool):
            raise _bad_request("allow_paid_broadcast must be a boolean")
        raw = params.get("text")
        if not isinstance(raw, str) or not raw.strip():
            raise _bad_request("message text is empty")
        text, entities = render_text(raw, params.get("parse_mode"), params.get("entities"))
        if not text.strip():
            raise _bad_request("message text is empty")
        if utf16_len(text) > _MAX_TEXT:
            raise _bad_request("message is too long")
        return self._finish_send(user, params, text=text, entities=entities)

    def _caption(self, params: JSONDict) -> tuple[str | None, list[JSONDict]]:
        raw = params.get("caption")
        if not raw:
            return None, []
        caption, entities = render_text(
            str(raw), params.get("parse_mode"), params.get("caption_entities")
        )
        if utf16_len(caption) > _MAX_CAPTION:
            raise _bad_request("message caption is too long")
        return caption, entities

    def _file(self, params: JSONDict, key: str, prefix: str) -> SentFile:
        value = params.get(key)
        if isinstance(value, _Upload):
            if not value.content:
                raise _bad_request("file must be non-empty")
            return self._store_file(prefix, value.filename, value.content, value.content_type)
        if isinstance(value, str) and value:
            if value in self._files:
                return self._files[value]
            if value.startswith(("http://", "https://")):
                name = value.rsplit("/", 1)[-1] or None
                return self._store_file(prefix, name, b"", None)
            raise _bad_request("wrong file identifier/HTTP URL specified")
        raise _bad_request(f"there is no {key} in the request")

    def _store_file(
        self, prefix: str, filename: str | None, content: bytes, mime: str | None
    ) -> SentFile:
        number = next(self._file_ids)
        sent = SentFile(
            file_id=f"{prefix}{number:010d}",
            file_unique_id=f"AgAD{number:06d}",
            filename=filename,
            content=content,
            mime_type=mime,
        )
        self._files[sent.file_id] = sent
        return sent

    def _send_document(self, params: JSONDict) -> JSONDict:
        user = self._target_chat(params)
        document = self._file(params, "document", "BQACAgIAAxkBAAI")
        caption, entities = self._caption(params)
        return self._finish_send(
            user, params, document=document, caption=caption, entities=entities
        )

    def _send_photo(self, params: JSONDict) -> JSONDict:
        user = self._target_chat(params)
        photo = self._file(params, "photo", "AgACAgIAAxkBAAI")
        caption, entities = self._caption(params)
        return self._finish_send(user, params, photo=photo, caption=caption, entities=entities)

    def _editable(self, params: JSONDict) -> tuple[FakeUser, _StoredMessage]:
        if params.get("inline_message_id"):
            raise _bad_request("MESSAGE_ID_INVALID")
        user = self._target_chat(params)
        message_id = params.get("message_id")
        stored = (
            self._find_message(user.chat_id, message_id) if isinstance(message_id, int) else None
        )
        if stored is None or stored.deleted:
            raise _bad_request("message to edit not found")
        if not stored.from_bot:
            raise _bad_request("message can't be edited")
        return user, stored

    def _apply_edit(
        self,
        stored: _StoredMessage,
        *,
        body: str | None,
        entities: list[JSONDict],
        markup: JSONDict | None,
        is_caption: bool,
    ) -> JSONDict:
        old_body = stored.caption if is_caption else stored.text
        if old_body == body and stored.entities == entities and stored.reply_markup == markup:
            raise _bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        stored.history.append(HistoryEntry(old_body, stored.reply_markup))
        if is_caption:
            stored.caption = body
        else:
            stored.text = body
        stored.entities = entities
        stored.reply_markup = markup
        stored.version += 1
        stored.edit_date = int(self._clock())
        self._bump()
        self._cond.notify_all()
        return self._message_api(stored)

    def _edit_message_text(self, params: JSONDict) -> JSONDict:
        _, stored = self._editable(params)
        raw = params.get("text")
        if not isinstance(raw, str) or not raw.strip():
            raise _bad_request("message text is empty")
        if stored.text is None:
            raise _bad_request("there is no text in the message to edit")
        text, entities = render_text(raw, params.get("parse_mode"), params.get("entities"))
        if utf16_len(text) > _MAX_TEXT:
            raise _bad_request("MESSAGE_TOO_LONG")
        markup = _validate_markup(params.get("reply_markup"), inline_only=True)
        return self._apply_edit(
            stored, body=text, entities=entities, markup=markup, is_caption=False
        )

    def _edit_message_caption(self, params: JSONDict) -> JSONDict:
        _, stored = self._editable(params)
        if stored.document is None and stored.photo is None:
            raise _bad_request("there is no caption in the message to edit")
        caption, entities = self._caption(params)
        markup = _validate_markup(params.get("reply_markup"), inline_only=True)
        return self._apply_edit(
            stored, body=caption, entities=entities, markup=markup, is_caption=True
        )

    def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict:
        _, stored = self._editable(params)
        markup = _validate_markup(params.get("reply_markup"), inline_only=True)
        is_caption = stored.text is None
        return self._apply_edit(
            stored,
            body=stored.caption if is_caption else stored.text,
            entities=stored.entities,
            markup=markup,
            is_caption=is_caption,
        )

    def _delete_message(self, params: JSONDict) -> bool:
        user = self._target_chat(params)
        message_id = params.get("message_id")
        stored = (
            self._find_message(user.chat_id, message_id) if isinstance(message_id, int) else None
        )
        if stored is None or stored.deleted:
            raise _bad_request("message to delete not found")
        stored.deleted = True
        self._bump()
        self._cond.notify_all()
        return True

    def _answer_callback_query(self, params: JSONDict) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self._pending_callbacks:
            raise _bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        self._pending_callbacks.discard(query_id)
        self._answered[query_id] = AnsweredCallback(
            query_id=query_id,
            text=params.get("text"),
            show_alert=bool(params.get("show_alert")),
            url=params.get("url"),
        )
        self._cond.notify_all()
        return True

    def _set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad_request("can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND_RE.match(
                str(command.get("command", ""))
            ):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _bad_request("command description must be non-empty")
        key = (_scope_key(params.get("scope")), params.get("language_code") or "")
        self._check_scope_chat(params.get("scope"))
        self._commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _check_scope_chat(self, scope: Any) -> None:
        if isinstance(scope, dict) and "chat_id" in scope and scope["chat_id"] not in self._users:
            raise _bad_request("chat not found")

    def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        key = (_scope_key(params.get("scope")), params.get("language_code") or "")
        return list(self._commands.get(key, []))

    def _delete_my_commands(self, params: JSONDict) -> bool:
        key = (_scope_key(params.get("scope")), params.get("language_code") or "")
        self._commands.pop(key, None)
        return True

    def _send_chat_action(self, params: JSONDict) -> bool:
        user = self._target_chat(params)
        action = params.get("action")
        if not action:
            raise _bad_request("action is empty")
        self.chat_actions.append((user.chat_id, str(action)))
        return True

    def _set_chat_menu_button(self, params: JSONDict) -> bool:
        chat_id = params.get("chat_id")
        if chat_id is not None:
            self._target_chat(params)
        button = params.get("menu_button") or {"type": "default"}
        if isinstance(button, str):  # sent as a JSON string, as in a form post
            button = json.loads(button)
        if button.get("type") == "web_app":
            if not button.get("text"):
                raise _bad_request("BUTTON_TEXT_EMPTY")
            _validate_web_app(button.get("web_app"))
        self._menu_buttons[chat_id] = button
        return True

    def _get_chat_menu_button(self, params: JSONDict) -> JSONDict:
        return self._menu_buttons.get(
            params.get("chat_id"), self._menu_buttons.get(None, {"type": "commands"})
        )

    def _get_chat(self, params: JSONDict) -> JSONDict:
        chat_id = params.get("chat_id")
        user = self._users.get(chat_id) if isinstance(chat_id, int) else None
        if user is None:
            raise _bad_request("chat not found")
        return {
            **user.chat_api(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        }

    def _leave_chat(self, params: JSONDict) -> bool:
        """The bot leaves a group: a ``my_chat_member`` update (member -> left) follows."""
        chat = self._target_chat(params)
        if not isinstance(chat, FakeGroup):
            raise _bad_request("chat member status can't be changed in private chats")
        chat.bot_member = False
        self._enqueue(
            "my_chat_member",
            {
                "chat": chat.chat_api(),
                "from": self.bot_user,
                "date": int(self._clock()),
                "old_chat_member": {"status": "member", "user": self.bot_user},
                "new_chat_member": {"status": "left", "user": self.bot_user},
            },
        )
        return True

    def _set_bot_text(self, key: str) -> Callable[[JSONDict], bool]:
        def handler(params: JSONDict) -> bool:
            self._bot_texts[key] = str(params.get(key) or "")
            return True

        return handler


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Upload:
    filename: str | None
    content: bytes
    content_type: str | None


_ADMIN_RIGHTS: JSONDict = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": False,
    "can_manage_video_chats": False,
    "can_restrict_members": False,
    "can_promote_members": False,
    "can_change_info": False,
    "can_invite_users": False,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_post_messages": True,
}


def _command_entities(text: str) -> list[JSONDict]:
    """The bot_command entity Telegram adds to a text starting with "/"."""
    if not text.startswith("/"):
        return []
    command = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]


def _json_response(body: JSONDict, status: int) -> web.Response:
    return web.Response(status=status, text=json.dumps(body), content_type="application/json")


def _decode_value(key: str, value: Any) -> Any:
    """PTB JSON-encodes every non-string parameter; undo that except for string fields."""
    if not isinstance(value, str) or key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


async def _read_params(request: web.Request) -> JSONDict:
    """Collect parameters from the query string and a form, multipart or JSON body."""
    params: JSONDict = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError as exc:
                raise _bad_request("can't parse JSON request body") from exc
            if not isinstance(body, dict):
                raise _bad_request("request body must be a JSON object")
            params.update(body)
        else:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, FileField):
                    params[key] = _Upload(value.filename, value.file.read(), value.content_type)
                else:
                    params[key] = value
    return {key: _decode_value(key, value) for key, value in params.items()}


def _int_param(params: JSONDict, key: str, default: int) -> int:
    value = params.get(key, default)
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise _bad_request(f"wrong parameter {key}") from exc


def _update_kind(update: JSONDict) -> str:
    return next(key for key in update if key != "update_id")


def _scope_key(scope: Any) -> str:
    """A stable key for a BotCommandScope dict ("default" when absent)."""
    if not isinstance(scope, dict):
        return "default"
    parts = [str(scope.get("type", "default"))]
    for name in ("chat_id", "user_id"):
        if name in scope:
            parts.append(f"{name}={scope[name]}")
    return ":".join(parts)


def _validate_markup(
    markup: Any, *, inline_only: bool = False, private: bool = True
) -> JSONDict | None:
    """Reject reply markup Telegram would reject; return it unchanged otherwise. A web-app
    button needs an https URL and a private chat."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
            )
        for button in (b for row in rows for b in row):
            if not isinstance(button, dict):
                raise _bad_request("can't parse inline keyboard button")
            if not button.get("text"):
                raise _bad_request("BUTTON_TEXT_EMPTY")
            actions = [key for key in _INLINE_BUTTON_ACTIONS if key in button]
            if not actions:
                raise _bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                raise _bad_request("BUTTON_DATA_INVALID")
            if "web_app" in button:
                _validate_web_app(button["web_app"])
                if not private:
                    raise _bad_request("BUTTON_TYPE_INVALID")
        return markup
    if inline_only:
        raise _bad_request("inline keyboard expected")
    if not any(key in markup for key in ("keyboard", "remove_keyboard", "force_reply")):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    return markup


def _validate_web_app(web_app: Any) -> None:
    url = web_app.get("url") if isinstance(web_app, dict) else None
    if not isinstance(url, str) or not url.startswith("https://"):
        raise _bad_request("BUTTON_URL_INVALID")


def _document_api(sent: SentFile) -> JSONDict:
    data: JSONDict = {"file_id": sent.file_id, "file_unique_id": sent.file_unique_id}
    if sent.filename:
        data["file_name"] = sent.filename
    if sent.mime_type:
        data["mime_type"] = sent.mime_type
    if sent.content:
        data["file_size"] = sent.size
    return data


def _image_size(content: bytes) -> tuple[int, int]:
    """Width/height from a PNG header, else a plausible default."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    return 320, 320


def _photo_api(sent: SentFile) -> list[JSONDict]:
    width, height = _image_size(sent.content)
    scale = min(1.0, 90 / max(width, height, 1))
    return [
        {
            "file_id": f"{sent.file_id}_s",
            "file_unique_id": f"{sent.file_unique_id}s",
            "width": max(1, int(width * scale)),
            "height": max(1, int(height * scale)),
            "file_size": max(1, sent.size // 10),
        },
        {
            "file_id": sent.file_id,
            "file_unique_id": sent.file_unique_id,
            "width": width,
            "height": height,
            "file_size": sent.size,
        },
    ]


__all__ = [
    "DEFAULT_TOKEN",
    "AnsweredCallback",
    "ApiError",
    "Call",
    "ChatMessage",
    "FakeBotApi",
    "FakeUser",
    "HistoryEntry",
    "SentFile",
    "render_text",
    "utf16_len",
]
