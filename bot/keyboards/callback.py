"""The one protocol for what an inline button sends back: a frozen dataclass per kind of button,
a prefix and typed fields, written `prefix:field:field`. Anyone can forge callback data, so
`parse` is strict and never raises: a wrong prefix, a wrong number of fields, a number that is
not ASCII digits or too large, an unknown enum value or anything `__post_init__` refuses gives
None. The wire format is what buttons already sitting in chats send, so it must not change."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import date
from enum import Enum
from typing import Annotated, Any, ClassVar, Self, TypeVar, get_args, get_origin, get_type_hints

from telegram import InlineKeyboardButton, Message

from bot.domain.numbers import LARGEST, ROW_ID_LARGEST, parse_number

SEPARATOR = ":"
MAX_BYTES = 64
"""Telegram refuses a button whose callback data is longer (in UTF-8)."""


@dataclass(frozen=True)
class Codec:
    """How one field is written and read back; `read` gives None for anything it would not
    have written."""

    write: Callable[[Any], str]
    read: Callable[[str], Any | None]


def whole_number(largest: int) -> Codec:
    """0 to `largest` in ASCII digits (see `parse_number`)."""
    return Codec(str, lambda raw: parse_number(raw, largest))


def _day_in(pattern: str, write: Callable[[date], str], suffix: str = "") -> Codec:
    shape = re.compile(pattern)

    def read(raw: str) -> date | None:
        if shape.fullmatch(raw) is None:
            return None
        try:
            return date.fromisoformat(raw + suffix)
        except ValueError:
            return None

    return Codec(write, read)


def _compact_day(raw: str) -> date | None:
    if len(raw) != 8 or parse_number(raw) is None:
        return None
    try:
        return date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]))
    except ValueError:
        return None


COMPACT_DAY = Codec(lambda day: format(day, "%Y%m%d"), _compact_day)
"""A date as `YYYYMMDD`."""
ISO_DAY = _day_in(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", date.isoformat)
"""A date as `YYYY-MM-DD`."""
ISO_MONTH = _day_in(r"[0-9]{4}-[0-9]{2}", lambda month: format(month, "%Y-%m"), "-01")
"""A month as `YYYY-MM`, read as its first day."""

RowId = Annotated[int, whole_number(ROW_ID_LARGEST)]
"""A row id or dose number: an INTEGER column, so PostgreSQL would refuse a larger one."""


def _text(raw: str) -> str | None:
    return raw or None


def _enum(kind: type[Enum]) -> Codec:
    by_value = {member.value: member for member in kind}
    return Codec(lambda member: member.value, by_value.get)


def _codec(hint: Any) -> Codec:
    if get_origin(hint) is Annotated:
        extra = [meta for meta in get_args(hint)[1:] if isinstance(meta, Codec)]
        if extra:
            return extra[0]
        hint = get_args(hint)[0]
    if isinstance(hint, type) and issubclass(hint, Enum):
        return _enum(hint)
    if hint is int:
        return whole_number(LARGEST)
    if hint is str:
        return Codec(str, _text)
    raise TypeError(f"no codec for a callback field of type {hint!r}")


@dataclass(frozen=True)
class _Field:
    name: str
    codec: Codec
    optional: bool


class CallbackData:
    """Base of every button's data. A subclass is a frozen dataclass naming its prefix:

        @dataclass(frozen=True)
        class PenTap(CallbackData, prefix="pen"):
            action: PenAction
            period_id: RowId

    Fields are int (0 to the BIGINT maximum), `RowId`, non-empty str without ':', an Enum, or
    `Annotated[T, codec]`. Trailing fields may be `T | None = None`: left out when None. A
    `__post_init__` raising ValueError refuses a combination."""

    prefix: ClassVar[str]

    def __init_subclass__(cls, prefix: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.prefix = prefix

    def pack(self) -> str:
        """The callback data; ValueError if it would not read back as itself or is too long
        for Telegram."""
        written = [self.prefix]
        for field in _layout(type(self)):
            value = getattr(self, field.name)
            if value is not None:  # only trailing optional fields may be None
                written.append(field.codec.write(value))
        data = SEPARATOR.join(written)
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
        if type(self).parse(data) != self:
            raise ValueError(f"callback data that does not read back: {data!r}")
        return data

    @classmethod
    def parse(cls, data: str | None) -> Self | None:
        """The button `data` stands for, or None if it is not one of this class."""
        if not isinstance(data, str) or len(data.encode(errors="replace")) > MAX_BYTES:
            return None
        head = cls.prefix + SEPARATOR
        layout = _layout(cls)
        if data == cls.prefix and not layout:
            return cls()
        if not data.startswith(head) or not layout:
            return None
        parts = data[len(head) :].split(SEPARATOR)
        required = sum(not field.optional for field in layout)
        if not required <= len(parts) <= len(layout):
            return None
        values: dict[str, Any] = {}
        for field, raw in zip(layout, parts, strict=False):
            value = field.codec.read(raw)
            if value is None:
                return None
            values[field.name] = value
        try:
            return cls(**values)
        except ValueError:
            return None

    @classmethod
    def pattern(cls) -> str:
        """The regular expression for `CallbackQueryHandler`: this prefix. Kinds that share a
        first prefix (`enrol` and `enrol:dose`) are registered once, with the shorter one."""
        escaped = re.escape(cls.prefix)
        return f"^{escaped}{SEPARATOR}" if _layout(cls) else f"^{escaped}$"


Tap = TypeVar("Tap", bound=CallbackData)
_LAYOUTS: dict[type[CallbackData], tuple[_Field, ...]] = {}


def _layout(cls: type[CallbackData]) -> tuple[_Field, ...]:
    """The fields of a kind of button, with their codecs (worked out once per class)."""
    if cls not in _LAYOUTS:
        _LAYOUTS[cls] = _fields_of(cls)
    return _LAYOUTS[cls]


def _fields_of(cls: type[CallbackData]) -> tuple[_Field, ...]:
    hints = get_type_hints(cls, include_extras=True)
    layout: list[_Field] = []
    for field in fields(cls):  # type: ignore[arg-type]
        hint = hints[field.name]
        options = [arg for arg in get_args(hint) if arg is not type(None)]
        optional = get_origin(hint) is not Annotated and len(options) < len(get_args(hint))
        if layout and layout[-1].optional and not optional:
            raise TypeError(f"{cls.__name__}.{field.name}: optional fields come last")
        codec = _codec(options[0] if optional else hint)
        layout.append(_Field(field.name, codec, optional))
    return tuple(layout)


def taps_in(message: Message | None, kind: type[Tap]) -> Iterator[Tap]:
    """The buttons of `kind` under a message, in order: a reply to a bot message says what it
    answers through them."""
    if message is None or message.reply_markup is None:
        return
    for row in message.reply_markup.inline_keyboard:
        for button in row:
            data = button.callback_data
            tap = kind.parse(data) if isinstance(data, str) else None
            if tap is not None:
                yield tap


def button(label: str, tap: CallbackData) -> InlineKeyboardButton:
    """An inline button sending `tap`."""
    return InlineKeyboardButton(label, callback_data=tap.pack())
