"""Telegram Mini App ``initData``: the official validation, over the standard library.

Telegram signs the query string it hands a Mini App: every field but ``hash``, as ``key=value``
sorted by key and joined with newlines (the data-check string), HMAC-SHA256-signed with a key
that is itself HMAC-SHA256 of the bot token keyed by the constant ``"WebAppData"``
(https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app). The digest
is compared in constant time, and ``auth_date`` may be at most ``max_age`` seconds old: the
string is a bearer credential, so an old one that leaked (a log, a screenshot) stops working.

Pure: the caller passes the token and the current time; nothing here reads a clock or a file.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qsl

SECRET_KEY_CONSTANT = b"WebAppData"
MAX_INIT_DATA = 4096  # Telegram's initData is a few hundred bytes; anything far larger is junk
CLOCK_SKEW = 60  # seconds an auth_date may lie in the future (clocks differ a little)


class InitDataProblem(StrEnum):
    MISSING = "missing"
    MALFORMED = "malformed"
    BAD_HASH = "bad_hash"
    EXPIRED = "expired"
    NO_USER = "no_user"


class InitDataError(Exception):
    def __init__(self, problem: InitDataProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class WebAppUser:
    """Who opened the Mini App, as Telegram signed it."""

    telegram_id: int
    auth_date: int
    first_name: str = ""


def secret_key(bot_token: str) -> bytes:
    return hmac.new(SECRET_KEY_CONSTANT, bot_token.encode(), hashlib.sha256).digest()


def data_check_string(fields: dict[str, str]) -> str:
    return "\n".join(f"{k}={fields[k]}" for k in sorted(fields) if k != "hash")


def sign(fields: dict[str, str], bot_token: str) -> str:
    """The ``hash`` Telegram would put beside ``fields`` (for the tests and the local harness)."""
    check = data_check_string(fields).encode()
    return hmac.new(secret_key(bot_token), check, hashlib.sha256).hexdigest()


def validate(init_data: str | None, bot_token: str, now: float, max_age: float) -> WebAppUser:
    """The signed user of ``init_data``, or ``InitDataError`` saying why not."""
    if not init_data:
        raise InitDataError(InitDataProblem.MISSING)
    if len(init_data) > MAX_INIT_DATA:
        raise InitDataError(InitDataProblem.MALFORMED)
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise InitDataError(InitDataProblem.MALFORMED) from None
    fields = dict(pairs)
    if len(fields) != len(pairs):  # a repeated key: which one was signed?
        raise InitDataError(InitDataProblem.MALFORMED)
    given = fields.get("hash", "")
    expected = sign(fields, bot_token)
    # Compared as bytes of equal meaning; compare_digest is constant-time in the length given.
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise InitDataError(InitDataProblem.BAD_HASH)
    try:
        auth_date = int(fields.get("auth_date", ""))
    except ValueError:
        raise InitDataError(InitDataProblem.MALFORMED) from None
    if now - auth_date > max_age or auth_date - now > CLOCK_SKEW:
        raise InitDataError(InitDataProblem.EXPIRED)
    try:
        user = json.loads(fields.get("user", ""))
        telegram_id = user["id"]
    except (ValueError, KeyError, TypeError):
        raise InitDataError(InitDataProblem.NO_USER) from None
    if not isinstance(telegram_id, int) or isinstance(telegram_id, bool) or telegram_id <= 0:
        raise InitDataError(InitDataProblem.NO_USER)
    name = user.get("first_name")
    return WebAppUser(telegram_id, auth_date, name if isinstance(name, str) else "")
