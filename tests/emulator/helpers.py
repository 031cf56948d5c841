"""Calls and markup the fake Bot API's self-tests share."""

from __future__ import annotations

import re
from typing import Any, TypeVar

import aiohttp
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.emulator import FakeBotApi

TOKEN = "123456:TEST-TOKEN"
T = TypeVar("T")


def tg(text: str) -> re.Pattern[str]:
    """Match an error text case-insensitively (PTB re-capitalizes descriptions)."""
    return re.compile(re.escape(text), re.IGNORECASE)


async def raw_call(
    fake: FakeBotApi,
    method: str,
    data: dict[str, str] | None = None,
    *,
    json_body: dict[str, Any] | None = None,
    query: dict[str, str] | None = None,
    token: str = TOKEN,
) -> tuple[int, Any]:
    """POST ``method`` as raw HTTP, past PTB's checks: the status and the decoded JSON answer."""
    url = f"{fake.base_url}{token}/{method}"
    async with (
        aiohttp.ClientSession() as s,
        s.post(url, data=data, json=json_body, params=query) as r,
    ):
        return r.status, await r.json(content_type=None)


def present(value: T | None) -> T:
    """``value``, which must be there: an assertion that also tells the type checker so."""
    assert value is not None
    return value


def kb(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t, callback_data=d) for t, d in row] for row in rows]
    )
