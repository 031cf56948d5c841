"""initData validation against a vector computed here, independently of the code under test."""

from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import quote, urlencode

import pytest

from bot.core.webapp_auth import InitDataError, InitDataProblem, validate

TOKEN = "123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz"
NOW = 1_780_000_000
USER = {"id": 424242, "first_name": "Sri", "last_name": "Rahayu", "language_code": "id"}


def reference(fields: dict[str, str], token: str = TOKEN) -> str:
    """Telegram's algorithm, spelled out step by step from its documentation."""
    secret = hmac.new(key=b"WebAppData", msg=token.encode("utf-8"), digestmod=hashlib.sha256)
    lines = sorted(f"{key}={value}" for key, value in fields.items())
    check = "\n".join(lines).encode("utf-8")
    return hmac.new(secret.digest(), check, hashlib.sha256).hexdigest()


def init_data(auth_date: int = NOW, user: dict | None = None, **extra: str) -> str:
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(user or USER, separators=(",", ":")),
        "auth_date": str(auth_date),
        **extra,
    }
    fields["hash"] = reference(fields)
    return urlencode(fields, quote_via=quote)


def test_a_vector_signed_by_the_reference_is_accepted() -> None:
    user = validate(init_data(), TOKEN, NOW + 5, 3600)
    assert (user.telegram_id, user.auth_date, user.first_name) == (424242, NOW, "Sri")


def test_a_fixed_vector() -> None:
    """A literal vector (its hash computed once with the reference above and frozen), so a
    change of both the code and the reference cannot pass unnoticed."""
    raw = (
        "auth_date=1780000000&query_id=AAHdF6IQAAAAAN0XohDhrOrc"
        "&user=%7B%22id%22%3A424242%2C%22first_name%22%3A%22Sri%22%7D"
        "&hash=" + FIXED_HASH
    )
    assert validate(raw, TOKEN, NOW, 3600).telegram_id == 424242


FIXED_HASH = "7f94e3f356fedd07f434f49950834f014c0185e8e3eba72b8dac128458d41640"


def test_the_reference_gives_the_fixed_hash() -> None:
    fields = {
        "auth_date": "1780000000",
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": '{"id":424242,"first_name":"Sri"}',
    }
    assert reference(fields) == FIXED_HASH


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (None, InitDataProblem.MISSING),
        ("", InitDataProblem.MISSING),
        ("no-equals-sign", InitDataProblem.MALFORMED),
        ("a=1&a=2&hash=00", InitDataProblem.MALFORMED),
        ("x" * 5000, InitDataProblem.MALFORMED),
    ],
)
def test_missing_or_malformed(raw: str | None, problem: InitDataProblem) -> None:
    with pytest.raises(InitDataError) as caught:
        validate(raw, TOKEN, NOW, 3600)
    assert caught.value.problem is problem


def test_a_tampered_user_is_refused() -> None:
    raw = init_data().replace("424242", "424243")
    with pytest.raises(InitDataError) as caught:
        validate(raw, TOKEN, NOW, 3600)
    assert caught.value.problem is InitDataProblem.BAD_HASH


def test_an_added_field_is_refused() -> None:
    with pytest.raises(InitDataError) as caught:
        validate(init_data() + "&start_param=x", TOKEN, NOW, 3600)
    assert caught.value.problem is InitDataProblem.BAD_HASH


def test_another_bots_signature_is_refused() -> None:
    with pytest.raises(InitDataError) as caught:
        validate(init_data(), "654321:OTHER-TOKEN-abcdefghijklmnopqrstuvw", NOW, 3600)
    assert caught.value.problem is InitDataProblem.BAD_HASH


def test_a_missing_hash_is_refused() -> None:
    raw = urlencode({"auth_date": str(NOW), "user": json.dumps(USER)})
    with pytest.raises(InitDataError) as caught:
        validate(raw, TOKEN, NOW, 3600)
    assert caught.value.problem is InitDataProblem.BAD_HASH


def test_expiry_at_the_edge() -> None:
    assert validate(init_data(), TOKEN, NOW + 3600, 3600).telegram_id == 424242
    with pytest.raises(InitDataError) as caught:
        validate(init_data(), TOKEN, NOW + 3601, 3600)
    assert caught.value.problem is InitDataProblem.EXPIRED


def test_a_date_far_in_the_future_is_refused() -> None:
    with pytest.raises(InitDataError) as caught:
        validate(init_data(auth_date=NOW + 3600), TOKEN, NOW, 3600)
    assert caught.value.problem is InitDataProblem.EXPIRED


@pytest.mark.parametrize("user", [{"first_name": "x"}, {"id": "1"}, {"id": True}, {"id": -5}])
def test_a_signed_string_without_a_usable_user(user: dict) -> None:
    with pytest.raises(InitDataError) as caught:
        validate(init_data(user=user), TOKEN, NOW, 3600)
    assert caught.value.problem is InitDataProblem.NO_USER
