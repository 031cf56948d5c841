"""The web chat on the fake (no bot): what the page reads, what it may do, and the call
observer that feeds its event stream."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from urllib.parse import parse_qsl

import aiohttp
import pytest
from telegram import Bot, BotCommand, BotCommandScopeChat, InputFile

from bot.emulator import Call, FakeBotApi
from bot.emulator.webchat import Persona, WebChat, _Client
from tests.emulator.helpers import TOKEN, kb

PERSONA = Persona(2001, "Rina", "Wulandari", "+6281200001001", "PNS baru", started=True)


@pytest.fixture
async def served() -> AsyncIterator[tuple[FakeBotApi, WebChat, Bot, aiohttp.ClientSession]]:
    fake = FakeBotApi(token=TOKEN)
    chat = WebChat(fake, [PERSONA], labels={"title": "Judul"})
    await fake.start(setup=chat.setup)
    bot = Bot(TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url)
    async with bot, aiohttp.ClientSession(base_url=f"http://127.0.0.1:{fake.port}") as http:
        yield fake, chat, bot, http
    await fake.stop()


async def test_observers_see_every_call_once_recorded(served: tuple) -> None:
    fake, _chat, bot, _http = served
    seen: list[Call] = []
    fake.observers.append(seen.append)
    await bot.send_message(PERSONA.id, "<b>Halo</b>", parse_mode="HTML")
    with pytest.raises(Exception, match=r"(?i)too long"):
        await bot.send_message(PERSONA.id, "x" * 5000)
    assert [(c.method, c.response_ok) for c in seen] == [
        ("sendMessage", True),
        ("sendMessage", False),
    ]
    assert seen == fake.calls[-2:]


async def test_a_taken_port_raises_and_routes_are_added(served: tuple) -> None:
    fake, _chat, _bot, http = served
    with pytest.raises(OSError):
        await FakeBotApi(token=TOKEN).start(port=fake.port)
    async with http.get("/api/state") as response:
        state = await response.json()
    assert state["labels"] == {"title": "Judul"}
    assert state["personas"][0]["name"] == "Rina Wulandari"
    assert state["clock"]["enabled"] is False


async def test_a_message_is_read_with_entities_keyboards_and_edits(served: tuple) -> None:
    fake, chat, bot, http = served
    sent = await bot.send_message(
        PERSONA.id,
        "<b>Kartu</b> <tg-spoiler>rahasia</tg-spoiler> <a href='https://x.id'>tautan</a>",
        parse_mode="HTML",
        reply_markup=kb([("Lanjut", "next")]),
    )
    await bot.edit_message_text("Kartu 2", chat_id=PERSONA.id, message_id=sent.message_id)
    async with http.get(f"/api/chats/{PERSONA.id}") as response:
        shown = (await response.json())["messages"]
    assert shown[-1]["text"] == "Kartu 2" and shown[-1]["edited"]
    assert "inline_keyboard" not in shown[-1]  # the edit removed the keyboard
    first = chat.message_json(fake.chat(PERSONA.id).get(sent.message_id))
    assert first["text"] == "Kartu 2"


async def test_presses_votes_and_contacts_are_checked(served: tuple) -> None:
    fake, _chat, bot, http = served
    sent = await bot.send_message(PERSONA.id, "Pilih", reply_markup=kb([("A", "a")]))
    press = f"/api/chats/{PERSONA.id}/press"
    async with http.post(press, json={"message_id": sent.message_id, "data": "forged"}) as r:
        assert r.status == 400  # only a button the message has
    async with http.post(press, json={"message_id": sent.message_id, "data": "a"}) as r:
        assert r.status == 200
        query = (await r.json())["query_id"]
    assert fake.callback_queries[query].data == "a"
    poll = await bot.send_poll(
        PERSONA.id, "2+2?", ["3", "4"], type="quiz", correct_option_ids=[1], is_anonymous=False
    )
    vote = f"/api/chats/{PERSONA.id}/vote"
    async with http.post(vote, json={"poll_id": poll.poll.id, "option_ids": [7]}) as r:
        assert r.status == 400
    async with http.post(vote, json={"poll_id": poll.poll.id, "option_ids": [0]}) as r:
        assert r.status == 200
    async with http.get(f"/api/chats/{PERSONA.id}") as response:
        shown = (await response.json())["messages"][-1]["poll"]
    assert shown["my_vote"] == [0] and shown["correct"] == [1]
    async with http.post(f"/api/chats/{PERSONA.id}/contact", json={}) as r:
        assert r.status == 400  # no request_contact keyboard is shown


async def test_menus_are_per_chat_and_files_open_or_download(served: tuple) -> None:
    _fake, chat, bot, http = served
    await bot.set_my_commands([BotCommand("start", "Mulai")])
    await bot.set_my_commands([BotCommand("admin", "Admin")], scope=BotCommandScopeChat(PERSONA.id))
    assert [c["command"] for c in chat.commands(PERSONA.id)] == ["admin"]
    assert [c["command"] for c in chat.commands(9999)] == ["start"]
    pdf = await bot.send_document(PERSONA.id, InputFile(b"%PDF-1.4 x", filename="sertifikat.pdf"))
    xlsx = await bot.send_document(
        PERSONA.id,
        InputFile(b"PK\x03\x04", filename="rekap.xlsx"),
        disable_content_type_detection=True,
    )
    async with http.get(f"/api/chats/{PERSONA.id}") as response:
        docs = [m["document"] for m in (await response.json())["messages"] if "document" in m]
    assert [d["name"] for d in docs] == ["sertifikat.pdf", "rekap.xlsx"]
    async with http.get(docs[0]["url"]) as r:
        assert r.headers["Content-Type"] == "application/pdf"
        assert r.headers["Content-Disposition"].startswith("inline")
    async with http.get(docs[1]["url"]) as r:
        assert r.headers["Content-Disposition"].startswith("attachment")
        assert await r.read() == b"PK\x03\x04"
    assert pdf.document and xlsx.document


async def test_actions_toasts_and_rejected_calls_become_events(served: tuple) -> None:
    fake, chat, bot, http = served
    client = _Client()
    chat._clients.append(client)
    await bot.send_chat_action(PERSONA.id, "upload_document")
    sent = await bot.send_message(PERSONA.id, "Pilih", reply_markup=kb([("A", "a")]))
    query = fake.user(PERSONA.id).press(sent.message_id, "a")
    await bot.answer_callback_query(query, text="Tersimpan")
    with pytest.raises(Exception, match=r"(?i)too long"):
        await bot.send_message(PERSONA.id, "x" * 5000)
    events = []
    while not client.queue.empty():
        events.append(client.queue.get_nowait())
    kinds = [e["type"] for e in events]
    assert kinds == ["action", "message", "toast", "notice"]
    assert events[0]["action"] == "upload_document"
    assert events[2] == {"type": "toast", "chat": PERSONA.id, "text": "Tersimpan", "alert": False}
    assert events[3]["chat"] == PERSONA.id and events[3]["error_code"] == 400
    async with http.get(f"/api/chats/{PERSONA.id}") as response:
        shown = await response.json()
    assert shown["action"] is None  # a message ends the chat action, as in Telegram
    assert shown["notices"][-1]["method"] == "sendMessage"


async def test_a_web_app_button_opens_the_app_signed_through_the_chats_own_origin(
    served: tuple,
) -> None:
    """A ``web_app`` button (and the Web App menu button) gives the page the URL to open in
    its panel, with this persona's signed initData; an app served under ``/app/`` is proxied,
    its own headers (the policy) kept, so the frame is of the page's origin."""
    from aiohttp import web
    from aiohttp.test_utils import TestServer
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup, MenuButtonWebApp, WebAppInfo

    from bot.core.webapp_auth import validate

    seen: list[tuple[str, str, bytes]] = []

    async def app_page(request: web.Request) -> web.Response:
        seen.append((request.method, request.path_qs, await request.read()))
        headers = {"Content-Security-Policy": "frame-ancestors 'self'", "X-Secret": "no"}
        return web.json_response({"ok": True}, status=201, headers=headers)

    app_server = web.Application()
    app_server.router.add_route("*", "/app/{tail:.*}", app_page)
    backend = TestServer(app_server, host="127.0.0.1")
    await backend.start_server()
    fake = FakeBotApi(token=TOKEN)
    up = [True]
    chat = WebChat(
        fake,
        [PERSONA],
        web_app=lambda: f"http://127.0.0.1:{backend.port}" if up[0] else None,
    )
    await fake.start(setup=chat.setup)
    origin = f"http://127.0.0.1:{fake.port}"
    bot = Bot(TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url)
    try:
        async with bot, aiohttp.ClientSession(base_url=origin) as http:
            # Telegram takes https only: the demo names its own host so, and the page opens the
            # path on its own origin (plain http on this machine).
            app_url = f"https://127.0.0.1:{fake.port}/app/"
            button = InlineKeyboardButton("📊 Dasbor", web_app=WebAppInfo(app_url))
            sent = await bot.send_message(
                PERSONA.id, "Laporan", reply_markup=InlineKeyboardMarkup([[button]])
            )
            async with http.get(f"/api/chats/{PERSONA.id}") as r:
                state = await r.json()
            assert state["messages"][-1]["inline_keyboard"][0][0]["web_app"] == {"url": app_url}
            assert state["menu_button"] is None
            body = {"message_id": sent.message_id, "text": "📊 Dasbor"}
            async with http.post(f"/api/chats/{PERSONA.id}/web_app", json=body) as r:
                assert r.status == 200
                url = (await r.json())["url"]
            assert url.startswith("/app/#tgWebAppData=")  # the page's own origin
            fragment = dict(parse_qsl(url.split("#", 1)[1]))
            user = validate(fragment["tgWebAppData"], TOKEN, time.time(), 60)
            assert user.telegram_id == PERSONA.id
            for bad in ({"message_id": sent.message_id, "text": "Lain"}, {"message_id": 999}):
                async with http.post(f"/api/chats/{PERSONA.id}/web_app", json=bad) as r:
                    assert r.status == 400

            menu = MenuButtonWebApp("Dasbor", WebAppInfo(app_url))
            await bot.set_chat_menu_button(chat_id=PERSONA.id, menu_button=menu)
            async with http.get(f"/api/chats/{PERSONA.id}") as r:
                assert (await r.json())["menu_button"] == {"text": "Dasbor"}
            async with http.post(f"/api/chats/{PERSONA.id}/web_app", json={"menu": True}) as r:
                assert (await r.json())["url"].startswith("/app/#tgWebAppData=")

            async with http.post("/app/api/me?x=1", json={"init_data": "s"}) as r:
                assert r.status == 201 and await r.json() == {"ok": True}
                assert r.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
                assert "X-Secret" not in r.headers
            assert seen == [("POST", "/app/api/me?x=1", b'{"init_data": "s"}')]
            up[0] = False
            async with http.get("/app/") as r:
                assert r.status == 503
    finally:
        await fake.stop()
        await backend.close()
