"""Fixtures of the fake Bot API's self-tests: a running fake, a PTB Bot on it, a started user."""

from __future__ import annotations

import pytest
from telegram import Bot

from bot.emulator import FakeBotApi
from tests.emulator.helpers import TOKEN


@pytest.fixture
async def fake():
    f = FakeBotApi(token=TOKEN)
    await f.start()
    yield f
    await f.stop()


@pytest.fixture
async def bot(fake):
    b = Bot(TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url)
    async with b:
        yield b


@pytest.fixture
async def user(fake):
    u = fake.user(1001, first_name="Siti", last_name="Aminah")
    u.send_text("/start")
    return u
