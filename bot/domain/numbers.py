"""Whole numbers in text that comes from outside: typed answers, button data (which a client
can forge), settings. `str.isdigit()` accepts "²" and `int()` accepts "٣", " 7", "+7" and
"1_0", so neither is a check; only the ASCII digits 0-9 are a number here."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"[0-9]{1,19}")
LARGEST = 2**63 - 1
"""The largest BIGINT (Telegram user ids); larger numbers never name anything."""
ROW_ID_LARGEST = 2**31 - 1
"""The largest INTEGER, the type of row ids and dose numbers: PostgreSQL refuses a larger
one in a query instead of finding nothing."""


def parse_number(text: str, largest: int = LARGEST) -> int | None:
    """`text` as a whole number from 0 to `largest`, written with 0-9 only and nothing else
    (no sign, space or underscore); None otherwise."""
    if _DIGITS.fullmatch(text) is None:
        return None
    number = int(text)
    return number if number <= largest else None
