"""Webhooks: delivery with the secret, conflicts with polling, retries, PTB's webhook mode."""

from __future__ import annotations

import socket

import pytest
from aiohttp import web
from telegram import Bot, Update
from telegram.error import BadRequest, Conflict
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.emulator import FakeBotApi
from tests.emulator.helpers import TOKEN, present, tg


async def test_webhook_delivery_and_conflict(fake: FakeBotApi, bot: Bot) -> None:
    received: list[tuple[dict, str | None]] = []

    async def hook(request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        if secret != "s3cret":
            return web.Response(status=403)
        received.append((await request.json(), secret))
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    url = f"http://127.0.0.1:{port}/hook"
    try:
        with pytest.raises(BadRequest, match=tg("HTTPS URL must be provided")):
            await bot.set_webhook("http://example.org/hook")
        assert await bot.set_webhook(url, secret_token="s3cret")
        u = fake.user(1001)
        u.send_text("/start")
        u.send_text("halo")
        await fake.wait_for(lambda: len(received) == 2)
        assert [r[0]["message"]["text"] for r in received] == ["/start", "halo"]
        assert [d.status for d in fake.webhook_deliveries] == [200, 200]
        info = await bot.get_webhook_info()
        assert info.url == url and info.pending_update_count == 0
        with pytest.raises(Conflict, match=tg("webhook is active")):
            await bot.get_updates(timeout=0)
        assert await fake.post_update_to(url, {"update_id": 1}, "wrong") == 403
        assert await bot.delete_webhook()
        u.send_text("polling lagi")
        assert present((await bot.get_updates(timeout=0))[-1].message).text == "polling lagi"
        assert len(fake.violations) == 2  # the http:// webhook URL and the 409
    finally:
        await runner.cleanup()


async def test_preconfigured_webhook_posts_updates() -> None:
    got: list[tuple[dict, str | None]] = []

    async def hook(request: web.Request) -> web.Response:
        got.append((await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        return web.Response(status=200 if len(got) > 1 else 500)  # first attempt fails

    app = web.Application()
    app.router.add_post("/wh", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    fake = FakeBotApi(TOKEN, webhook_url=f"http://127.0.0.1:{port}/wh", webhook_secret="abc")
    await fake.start()
    try:
        fake.user(7).send_text("hai")
        await fake.wait_for(lambda: len(got) == 2)
        assert got[0] == got[1] and got[1][1] == "abc" and got[1][0]["message"]["text"] == "hai"
        assert [d.status for d in fake.webhook_deliveries] == [500, 200]
    finally:
        await fake.stop()
        await runner.cleanup()


async def test_ptb_webhook_mode_end_to_end(fake: FakeBotApi) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text(f"echo: {update.message.text}")

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = Application.builder().token(TOKEN).base_url(fake.base_url).build()
    assert app.updater is not None
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        await app.start()
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="tg",
            webhook_url=f"http://127.0.0.1:{port}/tg",
            secret_token="s3cret",
        )
        try:
            u = fake.user(1001)
            u.send_text("halo")
            assert (await u.wait_for_reply()).text == "echo: halo"
            assert fake.webhook_deliveries[-1].status == 200
            assert (
                await fake.post_update_to(f"http://127.0.0.1:{port}/tg", {"update_id": 1}, "wrong")
                == 403
            )
        finally:
            await app.updater.stop()
            await app.stop()
    assert fake.violations == []
