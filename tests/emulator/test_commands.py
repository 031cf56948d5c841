"""The bot's command list and descriptions."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
    MenuButtonDefault,
    MenuButtonWebApp,
    WebAppInfo,
)
from telegram.error import BadRequest

from bot.core.webapp_auth import InitDataError, validate
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


async def test_opening_a_web_app_hands_over_signed_init_data(
    fake: FakeBotApi, bot: Bot, user: FakeUser
) -> None:
    """The fake signs initData as Telegram documents it: the bot's own check accepts it, a
    bot with another token does not; the menu button and a message's button both open."""
    url = "https://sinau.example.go.id/app/"
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Dasbor", web_app=WebAppInfo(url))]])
    sent = await bot.send_message(user.id, "Laporan", reply_markup=keyboard)
    opened = user.open_web_app("Dasbor", sent.message_id, auth_date=1_780_000_000)
    assert opened.startswith(url + "#")
    fragment = parse_qs(urlsplit(opened).fragment)
    init_data = fragment["tgWebAppData"][0]
    signed = validate(init_data, fake.token, 1_780_000_100, 3600)
    assert (signed.telegram_id, signed.first_name) == (user.id, "Siti")
    assert json.loads(fragment["tgWebAppThemeParams"][0])["bg_color"] == "#ffffff"
    with pytest.raises(InitDataError):
        validate(init_data, "654321:OTHER-TOKEN-abcdefghijklmnopqrstuvw", 1_780_000_100, 3600)
    with pytest.raises(AssertionError, match="no Web App menu button"):
        user.open_web_app("")
    app = MenuButtonWebApp("Dasbor", WebAppInfo(url))
    await bot.set_chat_menu_button(chat_id=user.id, menu_button=app)
    assert user.open_web_app("").startswith(url + "#tgWebAppData=")
