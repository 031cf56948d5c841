"""Telegram's rate limits: overall and per chat, answered with 429."""

from __future__ import annotations

from bot.emulator import FakeBotApi
from tests.emulator.helpers import TOKEN, raw_call


async def test_rate_limits() -> None:
    fake = FakeBotApi(TOKEN, rate_limit_per_second=5)
    fake.user(1001, started=True)
    await fake.start()
    try:
        codes = [
            (await raw_call(fake, "sendChatAction", {"chat_id": "1001", "action": "typing"}))[0]
            for _ in range(12)
        ]
        assert codes[:5] == [200] * 5 and 429 in codes
        assert fake.rate_limited == codes.count(429) and fake.violations == []
    finally:
        await fake.stop()
    fake = FakeBotApi(TOKEN, per_chat_per_second=1)
    await fake.start()
    try:
        a, b = fake.user(1, started=True), fake.user(2, started=True)
        codes = [
            (await raw_call(fake, "sendMessage", {"chat_id": str(u.id), "text": "x"}))[0]
            for u in (a, a, a, a, b)
        ]
        assert codes == [200, 200, 200, 429, 200]  # burst of 3 per chat
        _, body = await raw_call(fake, "sendMessage", {"chat_id": "1", "text": "x"})
        assert body["parameters"] == {"retry_after": 1} and fake.rate_limited == 2
    finally:
        await fake.stop()
