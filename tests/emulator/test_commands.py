"""The bot's command list and descriptions."""

from __future__ import annotations

import pytest
from telegram import Bot, BotCommand
from telegram.error import BadRequest

from bot.emulator import FakeBotApi
from tests.emulator.helpers import tg


async def test_set_my_commands(fake: FakeBotApi, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Mulai"), BotCommand("kuis_1", "Kuis")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "kuis_1"]
    for bad in ["Start", "with-dash", "x" * 33, ""]:
        with pytest.raises(BadRequest, match=tg("BOT_COMMAND_INVALID")):
            await bot.set_my_commands([BotCommand(bad, "desc")])
    with pytest.raises(BadRequest, match=tg("DESCRIPTION_INVALID")):
        await bot.set_my_commands([BotCommand("ok", "x" * 257)])
    with pytest.raises(BadRequest, match=tg("TOO_MUCH")):
        await bot.set_my_commands([BotCommand(f"c{i}", "d") for i in range(101)])
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
    assert await bot.set_my_description("Belajar bareng") and await bot.set_my_short_description(
        "Sinau"
    )
    assert (await bot.get_my_description()).description == "Belajar bareng"
    assert len(fake.violations) == 6
