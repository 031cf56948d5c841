"""The bot's command list and descriptions."""

from __future__ import annotations

import pytest
from telegram import (
    Bot,
    BotCommand,
    MenuButtonCommands,
    MenuButtonDefault,
    MenuButtonWebApp,
    WebAppInfo,
)
from telegram.error import BadRequest

from bot.emulator import FakeBotApi, FakeUser
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


async def test_chat_menu_button(fake: FakeBotApi, bot: Bot, user: FakeUser) -> None:
    """setChatMenuButton per private chat, checked as Telegram does: a Web App over HTTPS only,
    a known private chat; getChatMenuButton reads it back, else the default."""
    app = MenuButtonWebApp("Dasbor", WebAppInfo("https://sinau.example.go.id/app/"))
    assert await bot.set_chat_menu_button(chat_id=user.id, menu_button=app)
    got = await bot.get_chat_menu_button(chat_id=user.id)
    assert isinstance(got, MenuButtonWebApp) and got.web_app.url.endswith("/app/")
    assert isinstance(await bot.get_chat_menu_button(chat_id=999), MenuButtonCommands)
    plain = MenuButtonWebApp("Dasbor", WebAppInfo("http://sinau.example.go.id/app/"))
    with pytest.raises(BadRequest, match=r"(?i)only https links are allowed"):
        await bot.set_chat_menu_button(chat_id=user.id, menu_button=plain)
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.set_chat_menu_button(chat_id=999, menu_button=app)
    with pytest.raises(BadRequest, match=r"(?i)button_text_invalid"):
        await bot.set_chat_menu_button(
            chat_id=user.id, menu_button=MenuButtonWebApp(" ", WebAppInfo("https://x.example/"))
        )
    assert await bot.set_chat_menu_button(chat_id=user.id, menu_button=MenuButtonDefault())
    assert isinstance(await bot.get_chat_menu_button(chat_id=user.id), MenuButtonDefault)
    assert fake.menu_buttons[user.id] == {"type": "default"}
    assert len(fake.violations) == 3
