"""Faults on demand: failed calls with Telegram's error shapes, slow calls."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import NetworkError, RetryAfter, TimedOut

from bot.emulator import FakeBotApi, FakeUser
from tests.emulator.helpers import present, raw_call, tg


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_fail_next_429_shape(fake: FakeBotApi, bot: Bot, user: FakeUser) -> None:
    fake.fail_next("sendMessage", status=429, retry_after=3)
    status, body = await raw_call(fake, "sendMessage", {"chat_id": "1001", "text": "x"})
    assert status == 429
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    fake.fail_next("sendMessage", count=2)
    for _ in range(2):
        with pytest.raises(RetryAfter):
            await bot.send_message(1001, "x")
    await bot.send_message(1001, "now it works")
    fake.fail_next("*", status=500)
    with pytest.raises(NetworkError, match=tg("Internal Server Error")):
        await bot.send_message(1001, "x")
    fake.fail_next("sendMessage", status=502)
    with pytest.raises(NetworkError, match=tg("Bad Gateway")):
        await bot.send_message(1001, "x")
    assert fake.violations == [] and fake.rate_limited == 0


async def test_delay_next_causes_client_timeout_but_call_is_processed(
    fake: FakeBotApi, bot: Bot, user: FakeUser
) -> None:
    fake.delay_next("sendMessage", 0.5)
    with pytest.raises(TimedOut):
        await bot.send_message(1001, "lambat", read_timeout=0.1)
    await fake.wait_for(lambda: fake.chat(1001).last_message())
    assert present(fake.chat(1001).last_message()).text == "lambat"
