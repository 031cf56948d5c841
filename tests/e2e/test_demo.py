"""``python -m bot demo``: the emulator, the real bot and the web chat in one process, driven
through the web chat's HTTP API as the page drives it (the browser tests click the page)."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot import texts
from bot.app.application import services_of
from bot.config import Settings
from bot.demo import seed
from bot.demo.runner import DEMO_TOKEN, DemoError, DemoOptions, exposure_warning, running
from bot.emulator import BotMessage, FakeUser
from db.models import AdminRole, Employee
from tests.support import CONTENT_DIR, TEST_TOKEN

LEARNER = seed.LEARNER.persona.id
ADMIN = seed.OPD_ADMIN.persona.id
COLLEAGUE = seed.COLLEAGUE.persona.id


def base_settings() -> Settings:
    return Settings(
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,  # replaced by the demo token
        SINAU_CONTENT_DIR=CONTENT_DIR,
        _env_file=None,
    )


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[Any]:
    options = DemoOptions(port=0, database=tmp_path / "demo.db", run_ticks=False)
    async with running(options, base_settings()) as running_demo:
        yield running_demo
    assert running_demo.fake.violations == []


@pytest.fixture
async def http(demo: Any) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=demo.url) as session:
        yield session


async def post(http: aiohttp.ClientSession, path: str, body: dict) -> dict:
    async with http.post(path, json=body) as response:
        assert response.status == 200, await response.text()
        return dict(await response.json())


async def reply(user: FakeUser, expect: str) -> BotMessage:
    return await user.wait_for_reply(lambda m: expect in (m.text or ""), timeout=10)


async def send(http: aiohttp.ClientSession, user: FakeUser, text: str, expect: str) -> BotMessage:
    await post(http, f"/api/chats/{user.id}/send", {"text": text})
    return await reply(user, expect)


async def tap(
    http: aiohttp.ClientSession, user: FakeUser, message: BotMessage, label: str, expect: str
) -> BotMessage:
    button = message.button(label)
    await post(
        http,
        f"/api/chats/{user.id}/press",
        {"message_id": message.message_id, "data": button["callback_data"]},
    )
    return await reply(user, expect)


async def register_learner(http: aiohttp.ClientSession, user: FakeUser) -> None:
    notice = await send(http, user, "/start", "Pemberitahuan Privasi")
    await tap(http, user, notice, "Saya sudah membaca", "Kirimkan NIP")
    await send(http, user, seed.LEARNER.nip, "Bagikan nomor HP saya")
    await post(http, f"/api/chats/{user.id}/contact", {})
    consent = await reply(user, "Konfirmasi pendaftaran")
    await tap(http, user, consent, "Daftar, dengan pengingat", "Pendaftaran berhasil")


async def test_the_demo_starts_seeded_with_the_demo_token_on_loopback(demo: Any) -> None:
    assert demo.seeded
    assert demo.started_in < 10  # about 0.5 s on an idle laptop; generous for a busy CI
    assert demo.settings.token == DEMO_TOKEN
    assert demo.settings.telegram_api_base_url.startswith("http://127.0.0.1:")
    assert demo.settings.database_url.endswith("demo.db")
    db = services_of(demo.application).db
    async with db.transaction() as s:
        people = set((await s.scalars(select(Employee.nip))).all())
        roles = (await s.scalars(select(AdminRole.role))).all()
    assert seed.LEARNER.nip not in people  # the new civil servant registers in the page
    for person in (seed.OPD_ADMIN, seed.SUPERADMIN, seed.COLLEAGUE):
        assert person.nip in people
    assert list(roles) == ["opd_admin"]
    # Every call the bot made reached the emulator, none went anywhere else.
    assert {c.method for c in demo.fake.calls} >= {"getMe", "setMyCommands"}


async def test_a_second_start_keeps_the_data_and_fresh_starts_over(tmp_path: Path) -> None:
    options = DemoOptions(port=0, database=tmp_path / "demo.db", run_ticks=False)
    async with running(options, base_settings()) as first:
        assert first.seeded
        first.clock.advance_to("19:30")
        moved = first.clock.offset
    async with running(options, base_settings()) as second:
        assert not second.seeded
        assert second.clock.offset == moved  # the demo keeps its day
    options.fresh = True
    async with running(options, base_settings()) as third:
        assert third.seeded
        assert third.clock.offset.total_seconds() == 0


async def test_a_busy_port_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        options = DemoOptions(port=port, database=tmp_path / "demo.db", run_ticks=False)
        with pytest.raises(DemoError, match=f"--port {port + 1}"):
            async with running(options, base_settings()):
                pass


async def test_broken_content_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "content"
    broken.mkdir()
    (broken / "opd.yaml").write_text("opd: [", encoding="utf-8")
    options = DemoOptions(port=0, database=tmp_path / "demo.db", content=broken, run_ticks=False)
    with pytest.raises(DemoError, match="problems"):
        async with running(options, base_settings()):
            pass


async def test_the_page_is_served_with_a_strict_policy(http: aiohttp.ClientSession) -> None:
    async with http.get("/") as page:
        assert page.status == 200
        csp = page.headers["Content-Security-Policy"]
        html = await page.text()
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "http" not in html.replace("http-equiv", "")  # no CDN, nothing external
    for name in ("app.js", "app.css"):
        async with http.get(f"/static/{name}") as asset:
            assert asset.status == 200
            assert "https://" not in await asset.text()
    async with http.get("/static/secret.py") as missing:
        assert missing.status == 404


async def test_actions_must_be_json_from_the_page(http: aiohttp.ClientSession) -> None:
    async with http.post(f"/api/chats/{LEARNER}/send", data={"text": "/start"}) as form:
        assert form.status == 415
    async with http.post(
        f"/api/chats/{LEARNER}/send",
        json={"text": "/start"},
        headers={"Origin": "http://evil.example"},
    ) as cross:
        assert cross.status == 403
    async with http.post("/api/chats/4242/send", json={"text": "hi"}) as stranger:
        assert stranger.status == 404  # only the personas


async def test_the_new_civil_servant_registers_and_reads_in_the_web_chat(
    demo: Any, http: aiohttp.ClientSession
) -> None:
    user = demo.fake.user(LEARNER)
    await register_learner(http, user)
    catalog = await send(http, user, "/belajar", "Katalog modul")
    names = tuple(texts.CATEGORY_NAMES.values())  # under the shortcut to a module
    category = next(b["text"] for b in catalog.buttons if b["text"].startswith(names))
    modules = await tap(http, user, catalog, category, "Pilih modul")
    title = modules.buttons[0]["text"]
    page = await tap(http, user, modules, title[:15], "menit belajar")
    card = await tap(http, user, page, "Mulai", "Kartu 1/")
    edited = await tap(http, user, card, "Lanjut", "Kartu 2/")
    assert edited.message_id == card.message_id  # the card is edited in place
    async with http.get(f"/api/chats/{LEARNER}") as response:
        state = await response.json()
    shown = {m["id"]: m for m in state["messages"]}
    assert "Kartu 2/" in shown[card.message_id]["text"]
    assert shown[card.message_id]["edited"]
    assert any(b["text"] for row in shown[card.message_id]["inline_keyboard"] for b in row)
    assert state["reply_keyboard"] is None or "request_contact" not in json.dumps(
        state["reply_keyboard"]
    )


async def test_events_push_messages_toasts_and_notices(
    demo: Any, http: aiohttp.ClientSession
) -> None:
    user = demo.fake.user(LEARNER)
    events: list[dict] = []

    async def listen() -> None:
        async with http.get("/api/events") as stream:
            async for line in stream.content:
                if line.startswith(b"data: "):
                    events.append(json.loads(line[6:]))

    listener = asyncio.create_task(listen())
    await asyncio.sleep(0.1)
    try:
        notice = await send(http, user, "/start", "Pemberitahuan Privasi")
        await demo.fake.wait_for(
            lambda: any(
                e["type"] == "message" and e["message"]["id"] == notice.message_id for e in events
            ),
            timeout=5,
        )
        assert any(e["type"] == "message" and not e["message"]["from_bot"] for e in events)
        # A call Telegram would reject is answered with its error and shown in the page.
        async with aiohttp.ClientSession() as raw:
            await raw.post(
                f"{demo.fake.base_url}{DEMO_TOKEN}/sendMessage",
                json={"chat_id": LEARNER, "text": "x" * 5000},
            )
        await demo.fake.wait_for(lambda: any(e["type"] == "notice" for e in events), timeout=5)
        shown = next(e for e in events if e["type"] == "notice")
        assert shown["chat"] == LEARNER and shown["error_code"] == 400
        assert "too long" in shown["description"]
        demo.fake.violations.clear()  # that call was the test's, not the bot's
    finally:
        listener.cancel()


async def test_an_announcement_of_the_admin_reaches_the_learners(
    demo: Any, http: aiohttp.ClientSession
) -> None:
    admin, colleague = demo.fake.user(ADMIN), demo.fake.user(COLLEAGUE)
    text = "Webinar SPBE hari Jumat pukul 09.00."
    await send(http, admin, "/umumkan", "Pengumuman baru")
    draft = await send(http, admin, text, "Tambahkan tombol")
    audience = await tap(http, admin, draft, "Tanpa tombol", "Penerima")
    button = audience.button("Pratinjau")
    body = {"message_id": audience.message_id, "data": button["callback_data"]}
    await post(http, f"/api/chats/{admin.id}/press", body)
    # The preview is one message: the announcement as sent, its actions under it.
    preview = await admin.wait_for_reply(
        lambda m: any("Kirim sekarang" in b for b in m.button_texts), timeout=10
    )
    await tap(http, admin, preview, "Kirim sekarang", "Pengumuman #")
    arrived = await colleague.wait_for_reply(lambda m: text in (m.text or ""), timeout=15)
    async with http.get(f"/api/chats/{COLLEAGUE}") as response:
        shown = [m["text"] for m in (await response.json())["messages"]]
    assert arrived.text in shown


async def test_the_clock_moves_forward_only_in_demo_mode(
    demo: Any, http: aiohttp.ClientSession
) -> None:
    before = demo.clock()
    moved = await post(http, "/api/clock", {"days": 1})
    assert (demo.clock() - before).total_seconds() >= 86_400 - 1
    assert moved["now"]
    await post(http, "/api/clock", {"to": "19:30"})
    assert demo.clock.local().strftime("%H:%M") == "19:30"
    async with http.post("/api/clock", json={"days": -1}) as back:
        assert back.status == 400
    async with http.post("/api/clock", json={"to": "25:00"}) as wrong:
        assert wrong.status == 400


async def test_webhook_mode_posts_updates_with_the_secret(tmp_path: Path) -> None:
    options = DemoOptions(port=0, database=tmp_path / "demo.db", webhook=True, run_ticks=False)
    async with running(options, base_settings()) as hooked:
        user = hooked.fake.user(LEARNER)
        user.send_text("/start")
        await reply(user, "Pemberitahuan Privasi")
        assert hooked.fake.webhook is not None
        assert hooked.fake.webhook["url"].startswith("http://127.0.0.1:")
        # The 200 comes back once the bot has handled the update, after its reply.
        await hooked.fake.wait_for(lambda: bool(hooked.fake.webhook_deliveries), 10)
        assert [d.status for d in hooked.fake.webhook_deliveries] == [200]
    assert hooked.fake.violations == []


async def test_a_previewed_content_folder_reloads_and_shows_its_problems(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    options = DemoOptions(
        port=0, database=tmp_path / "demo.db", content=content, watch=True, run_ticks=False
    )
    async with running(options, base_settings()) as preview:
        first = preview.application
        await asyncio.sleep(1)  # the watcher starts watching
        module = sorted((content / "modules").glob("*.yaml"))[0]
        good = module.read_text(encoding="utf-8")
        module.write_text(good + "\n  broken: [", encoding="utf-8")
        await preview.fake.wait_for(lambda: bool(preview.chat.notices), timeout=15)
        notice = preview.chat.notices[-1]
        assert notice["method"] == "content check" and module.name in notice["description"]
        assert preview.application is first  # the old bot keeps running
        module.write_text(good, encoding="utf-8")
        await preview.fake.wait_for(lambda: preview.slot.reloads == 1, timeout=15)
        assert preview.application is not first
        user = preview.fake.user(LEARNER)
        user.send_text("/start")
        await reply(user, "Pemberitahuan Privasi")  # the reloaded bot answers


async def test_a_broken_folder_in_preview_waits_for_a_fix(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "opd.yaml").write_text("opd: [", encoding="utf-8")
    options = DemoOptions(
        port=0, database=tmp_path / "demo.db", content=content, watch=True, run_ticks=False
    )
    async with running(options, base_settings()) as preview:
        assert preview.slot.application is None and preview.chat.notices
        await asyncio.sleep(1)
        shutil.rmtree(content)
        shutil.copytree(CONTENT_DIR, content)
        await preview.fake.wait_for(lambda: preview.slot.reloads == 1, timeout=20)
        assert preview.seeded  # seeded once there was content to start the bot with


def test_the_command_line_refuses_a_busy_port_and_warns_beyond_loopback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.__main__ import main

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TEST_TOKEN)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(["demo", "--port", str(port), "--database", str(tmp_path / "demo.db")])
    assert code == 2
    assert f"try --port {port + 1}" in capsys.readouterr().err
    assert exposure_warning("127.0.0.1") is None and exposure_warning("localhost") is None
    warning = exposure_warning("0.0.0.0")
    assert warning is not None and "WARNING" in warning
