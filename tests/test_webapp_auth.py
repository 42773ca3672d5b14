"""The page's sign-in check (`bot.webapp.auth`): Telegram's initData signature as Telegram
documents it, the age limit, the user's id, and everything a forger might send instead."""

from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import quote, urlencode

import pytest

from bot.webapp import auth

TOKEN = "123456:ABC-real_token"
NOW = 1_800_000_000
MAX_AGE = 3600
USER = {"id": 4242, "first_name": "Ana", "language_code": "de"}


def init_data(token: str = TOKEN, **changes: str) -> str:
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(USER, separators=(",", ":")),
        "auth_date": str(NOW - 60),
    } | changes
    return urlencode(fields | {"hash": auth.sign(fields, token)}, quote_via=quote)


def check(data: str, now: int = NOW) -> int | None:
    return auth.user_id(data, TOKEN, now, MAX_AGE)


def test_telegrams_documented_recipe_by_hand() -> None:
    """The key is HMAC("WebAppData", token); the message the sorted key=value lines."""
    fields = {"auth_date": str(NOW), "user": '{"id":7}', "chat_type": "private"}
    secret = hmac.new(b"WebAppData", TOKEN.encode(), hashlib.sha256).digest()
    check_string = f'auth_date={NOW}\nchat_type=private\nuser={{"id":7}}'
    expected = hmac.new(secret, check_string.encode(), hashlib.sha256).hexdigest()
    assert auth.sign(fields, TOKEN) == expected
    assert check(urlencode(fields | {"hash": expected})) == 7


def test_a_valid_signature_names_the_user() -> None:
    assert check(init_data()) == 4242


def test_fields_in_any_order_and_the_signature_field_are_signed_too() -> None:
    data = init_data(signature="abc_def", chat_instance="-123")
    parts = data.split("&")
    assert check("&".join(reversed(parts))) == 4242


def test_a_hash_made_with_another_token_is_refused() -> None:
    assert check(init_data(token="654321:another")) is None


def test_another_persons_id_signed_with_a_wrong_key_is_refused() -> None:
    forged_user = json.dumps({"id": 1, "first_name": "Eve"})
    assert check(init_data(token="999:forger", user=forged_user)) is None


def test_a_changed_field_breaks_the_signature() -> None:
    data = init_data()
    assert check(data.replace("4242", "4243")) is None
    assert check(data.replace("Ana", "Eve")) is None
    assert check(data + "&extra=1") is None
    assert check(data.replace("query_id=", "query_ID=")) is None


def test_a_missing_or_malformed_hash_is_refused() -> None:
    data = init_data()
    without = "&".join(part for part in data.split("&") if not part.startswith("hash="))
    assert check(without) is None
    assert check(without + "&hash=") is None
    assert check(without + "&hash=" + "0" * 64) is None
    assert check(without + "&hash=%FF%FE") is None


def test_expired_and_future_dates_are_refused() -> None:
    assert check(init_data(auth_date=str(NOW - MAX_AGE))) == 4242
    assert check(init_data(auth_date=str(NOW - MAX_AGE - 1))) is None
    assert check(init_data(auth_date=str(NOW + 60))) == 4242
    assert check(init_data(auth_date=str(NOW + 61))) is None
    assert check(init_data(), now=NOW + MAX_AGE) is None


@pytest.mark.parametrize("auth_date", ["", "soon", "-5", "1e9", "１８００", "9" * 40])
def test_an_unreadable_date_is_refused(auth_date: str) -> None:
    assert check(init_data(auth_date=auth_date)) is None


def test_without_auth_date_it_is_refused() -> None:
    fields = {"user": json.dumps(USER)}
    assert check(urlencode(fields | {"hash": auth.sign(fields, TOKEN)})) is None


@pytest.mark.parametrize(
    "user",
    [
        None,
        "",
        "not json",
        "[4242]",
        '{"first_name":"Ana"}',
        '{"id":"4242"}',
        '{"id":4242.0}',
        '{"id":true}',
        '{"id":-5}',
        '{"id":0}',
        '{"id":99999999999999999999}',
        "[" * 1500 + "]" * 1500,
    ],
)
def test_a_signed_payload_without_a_proper_user_id_is_refused(user: str | None) -> None:
    fields = {"auth_date": str(NOW)} | ({} if user is None else {"user": user})
    data = urlencode(fields | {"hash": auth.sign(fields, TOKEN)})
    assert check(data) is None


def test_a_key_given_twice_is_refused_even_when_one_version_is_signed() -> None:
    data = init_data()
    assert check(data + "&user=" + quote(json.dumps({"id": 1}))) is None
    assert check(data + "&" + data.split("&")[-1]) is None  # the hash itself twice


@pytest.mark.parametrize(
    "data",
    ["", "&&&", "=", "hash", "a=1&&b=2", "%", "user=%ZZ", "\x00" * 10, "a=1;b=2"],
)
def test_malformed_strings_are_refused_without_an_error(data: str) -> None:
    assert check(data) is None


def test_a_huge_string_is_refused_before_it_is_parsed() -> None:
    assert check(init_data() + "&pad=" + "x" * auth.MAX_LENGTH) is None
    assert check("a=1&" * 100_000) is None
    many = "&".join(f"k{index}=v" for index in range(auth.MAX_FIELDS + 1))
    assert check(many) is None
