"""Inline keyboards: callback data size, shape and button rules."""

from __future__ import annotations

import json

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from bot.emulator import FakeBotApi, FakeUser
from tests.emulator.helpers import kb, raw_call, tg


async def test_callback_data_limit_is_64_bytes(fake: FakeBotApi, bot: Bot, user: FakeUser) -> None:
    await bot.send_message(1001, "ok", reply_markup=kb([("a", "x" * 64)]))
    with pytest.raises(BadRequest, match=tg("BUTTON_DATA_INVALID")):
        await bot.send_message(1001, "bad", reply_markup=kb([("a", "x" * 65)]))
    with pytest.raises(BadRequest, match=tg("BUTTON_DATA_INVALID")):  # 33 chars, 66 bytes
        await bot.send_message(1001, "bad", reply_markup=kb([("a", "é" * 33)]))
    assert len(fake.violations) == 2


async def test_keyboard_shape_limits(fake: FakeBotApi, bot: Bot, user: FakeUser) -> None:
    await bot.send_message(1001, "8 ok", reply_markup=kb([(str(i), str(i)) for i in range(8)]))
    with pytest.raises(BadRequest, match=tg("too many buttons")):
        await bot.send_message(1001, "9", reply_markup=kb([(str(i), str(i)) for i in range(9)]))
    rows = [[(f"{r}.{c}", f"{r}.{c}") for c in range(5)] for r in range(21)]
    with pytest.raises(BadRequest, match=tg("REPLY_MARKUP_TOO_LONG")):
        await bot.send_message(1001, "105", reply_markup=kb(*rows))
    bad_buttons = [
        ({"text": "t"}, "Text buttons are unallowed"),
        ({"text": "t", "callback_data": ""}, "Text buttons are unallowed"),
        ({"text": "t", "callback_data": "a", "url": "https://x.org"}, "exactly one"),
        ({"text": " ", "callback_data": "a"}, "Text must be non-empty"),
        ({"text": "t", "url": "ftp://x.org"}, "Unsupported URL protocol"),
        ({"text": "t", "url": "not-a-url"}, "Wrong HTTP URL"),
        ({"callback_data": "a"}, 'Can\'t find field "text"'),
    ]
    for button, error in bad_buttons:
        status, body = await raw_call(
            fake,
            "sendMessage",
            {
                "chat_id": "1001",
                "text": "x",
                "reply_markup": json.dumps({"inline_keyboard": [[button]]}),
            },
        )
        assert status == 400 and error in body["description"], (button, body)
    await bot.send_message(
        1001,
        "url",
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Web", url="https://example.org"),
                    InlineKeyboardButton("Bot", url="tg://resolve?domain=x"),
                ]
            ]
        ),
    )
    assert len(fake.violations) == 2 + len(bad_buttons)
