"""Fixtures of the fake Bot API's self-tests: a running fake, a PTB Bot on it, a started user."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from bot.emulator import FakeBotApi, FakeUser
from tests.emulator.helpers import TOKEN


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    f = FakeBotApi(token=TOKEN)
    await f.start()
    yield f
    await f.stop()


@pytest.fixture
async def bot(fake: FakeBotApi) -> AsyncIterator[Bot]:
    b = Bot(TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url)
    async with b:
        yield b


@pytest.fixture
async def user(fake: FakeBotApi) -> FakeUser:
    u = fake.user(1001, first_name="Siti", last_name="Aminah")
    u.send_text("/start")
    return u
