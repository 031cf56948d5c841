"""Calls and markup the fake Bot API's self-tests share."""

from __future__ import annotations

import re

import aiohttp
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

TOKEN = "123456:TEST-TOKEN"


def tg(text: str) -> re.Pattern:
    """Match an error text case-insensitively (PTB re-capitalizes descriptions)."""
    return re.compile(re.escape(text), re.IGNORECASE)


async def raw_call(fake, method, data=None, *, json_body=None, query=None, token=TOKEN):
    url = f"{fake.base_url}{token}/{method}"
    async with (
        aiohttp.ClientSession() as s,
        s.post(url, data=data, json=json_body, params=query) as r,
    ):
        return r.status, await r.json(content_type=None)


def kb(*rows):
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t, callback_data=d) for t, d in row] for row in rows]
    )
