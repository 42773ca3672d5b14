"""Who is asking: Telegram's `initData`, checked as Telegram documents it for Mini Apps
(docs/webapp.md, "Authentication"). Pure: the bot token, the string and the time in, a user id
or None out. None covers everything that is not a valid, fresh signature of one user, so the
caller answers every failure alike and tells a forger nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import parse_qsl

MAX_LENGTH = 4096
"""Telegram's initData is well under 1 KiB (a user with a long name and photo URL); anything
far bigger is not Telegram's and is not parsed at all."""
FUTURE_SKEW = 60
"""Seconds an `auth_date` may lie ahead of our clock (clocks differ a little)."""
MAX_FIELDS = 32


def secret_key(token: str) -> bytes:
    """The key Telegram signs a bot's Mini App data with: HMAC-SHA256 of the token, keyed
    with the constant "WebAppData"."""
    return hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()


def sign(fields: dict[str, str], token: str) -> str:
    """The `hash` Telegram would give these fields (for tests and the fake Telegram)."""
    check = "\n".join(f"{key}={fields[key]}" for key in sorted(fields))
    return hmac.new(secret_key(token), check.encode(), hashlib.sha256).hexdigest()


def user_id(init_data: str, token: str, now: float, max_age: int) -> int | None:
    """The signed-in user's id, or None when `init_data` is absent, malformed, forged, older
    than `max_age` seconds at `now` (Unix seconds), from the future, or names no user."""
    if not init_data or len(init_data) > MAX_LENGTH:
        return None
    try:
        pairs = parse_qsl(
            init_data,
            keep_blank_values=True,
            strict_parsing=True,
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except ValueError:  # malformed, not UTF-8, or too many fields
        return None
    fields = dict(pairs)
    if len(fields) != len(pairs):  # a key twice: which one was signed is anyone's guess
        return None
    given = fields.pop("hash", "")
    expected = sign(fields, token)
    if not hmac.compare_digest(given.encode(errors="replace"), expected.encode()):
        return None
    if not _fresh(fields.get("auth_date", ""), now, max_age):
        return None
    return _user(fields.get("user", ""))


def _fresh(auth_date: str, now: float, max_age: int) -> bool:
    if not (auth_date.isascii() and auth_date.isdigit()) or len(auth_date) > 12:
        return False
    age = now - int(auth_date)
    return -FUTURE_SKEW <= age <= max_age


def _user(raw: str) -> int | None:
    try:
        user = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    found = user.get("id") if isinstance(user, dict) else None
    # bool is an int in Python; Telegram's ids are positive and fit in 52 bits
    if type(found) is not int or not 0 < found < 2**52:
        return None
    return found
