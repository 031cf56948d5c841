"""Announcements end to end: compose, target, preview, send; roles; crash and restart."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, insert, select
from telegram.ext import Application

from bot import texts
from bot.app.application import build_application, polling, services_of
from bot.config import Settings
from bot.core.content import Catalog
from bot.emulator import FakeBotApi, FakeUser
from db.models import Broadcast, Employee, OutboundMessage
from tests.e2e.helpers import pop_up, preview, register, say, tap
from tests.e2e.hours_helpers import uploaded
from tests.support import TEST_TOKEN, FakeClock, excel_csv

ADMIN = 9000
FIRST = 600_000
TEXT = "Webinar SPBE hari Jumat pukul 09.00. Daftar sekarang!"


async def seed(
    app: Application, fake: FakeBotApi, count: int, opd: str = "3328", first: int = FIRST
) -> None:
    """Registered, active employees, written straight to the database (registering 500 people
    through the chat would only slow the test down), each with a chat in the fake."""
    for i in range(count):
        fake.user(first + i, first_name=f"P{i}", started=True)
    services = services_of(app)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    async with services.db.transaction() as s:
        await s.execute(
            insert(Employee),
            [
                {
                    "telegram_id": first + i,
                    "nip": str(198_609_262_015_060_000 + first + i)[:18],
                    "name": f"Pegawai {i}",
                    "opd_code": opd,
                    "kind": "PNS",
                    "is_active": True,
                    "consent_at": now,
                    "created_at": now,
                    "updated_at": now,
                    "streak_days": 0,
                }
                for i in range(count)
            ],
        )


SENDER = "📣 <i>Dari Admin Sinau Bareng · BPSDMD Provinsi Jawa Tengah</i>\n\n"


def copies(fake: FakeBotApi, text: str) -> Counter[int]:
    """Copies of the announcement ``text`` sent, per chat, each under its sender line."""
    return Counter(
        int(c.params["chat_id"])
        for c in fake.calls_to("sendMessage")
        if c.response_ok and c.params.get("text") == SENDER + text
    )


@pytest.fixture
async def rated_fake() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi(token=TEST_TOKEN, rate_limit_per_second=200, per_chat_per_second=1)
    await api.start()
    yield api
    await api.stop()


def app_for(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock, **extra: object
) -> Application:
    settings = settings.model_copy(
        update={"telegram_api_base_url": fake.base_url, "admin_ids": frozenset({ADMIN}), **extra}
    )
    return build_application(
        settings, catalog=catalog, clock=clock, rng=random.Random(3), run_ticks=False
    )


async def compose(admin: FakeUser, text: str = TEXT) -> None:
    await say(admin, "/umumkan", "Pengumuman baru")
    await say(admin, text, "Tambahkan tombol")
    await tap(admin, "Tanpa tombol", "Jumlah penerima")


async def test_a_broadcast_to_500_reaches_every_active_user_once(
    rated_fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    fake = rated_fake
    app = app_for(fake, settings, catalog, clock, send_rate=200, paid_broadcast=True)
    people = [fake.user(FIRST + i, first_name=f"P{i}", started=True) for i in range(500)]
    for person in people[::10]:  # 50 blocked the bot while it was not looking
        person.blocked = True
    admin = fake.user(ADMIN, first_name="Admin", started=True)
    async with polling(app, poll_timeout=1):
        await seed(app, fake, 500)
        await compose(admin)
        await preview(admin, 500)
        assert copies(fake, TEXT)[ADMIN] == 1  # the preview, exactly as recipients see it
        await tap(admin, "Kirim sekarang", "Pengumuman #1")
        report = await admin.wait_for_reply(
            lambda m: "Laporan pengumuman #1" in (m.text or ""), timeout=30
        )
        assert report.text is not None
        assert "Penerima: 500" in report.text and "Terkirim: 450" in report.text
        assert "Diblokir: 50" in report.text and "Gagal: 0" in report.text
        assert (
            "Tidak pasti (proses terhenti atau tanpa jawaban, mungkin terkirim): 0" in report.text
        )

        sent = copies(fake, TEXT)
        active = {p.id for p in people if not p.blocked}
        assert {chat for chat in sent if chat != ADMIN} == active
        assert set(sent.values()) == {1}
        services = services_of(app)
        async with services.db.transaction() as s:
            inactive = await s.scalar(
                select(func.count()).select_from(Employee).where(Employee.is_active.is_(False))
            )
        assert inactive == 50

        admin.press_button("CSV gagal", message_id=report.message_id)
        # Sent (a 429 of the one-per-second chat limit is retried by the rate limiter).
        await fake.wait_for(lambda: any(c.response_ok for c in fake.calls_to("sendDocument")))
        csv_file = await admin.wait_for_reply(lambda m: m.kind == "document", 15)
        header, *rows = excel_csv(uploaded(fake, csv_file))  # as Excel opens it
        assert header == ["NIP", "Nama", "Instansi", "Status", "Keterangan"]
        assert len(rows) == 50 and all(isinstance(r[0], str) and len(r[0]) == 18 for r in rows)
        assert {r[2] for r in rows} == {"Kabupaten Tegal"}  # the agency's name, not its code
    assert fake.violations == []
    assert fake.unanswered_callback_queries() == []


async def test_a_crash_mid_broadcast_resumes_without_duplicates_or_gaps(
    rated_fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    fake = rated_fake
    people = [fake.user(FIRST + i, first_name=f"P{i}", started=True) for i in range(300)]
    admin = fake.user(ADMIN, first_name="Admin", started=True)
    first = app_for(fake, settings, catalog, clock, send_rate=30)
    async with polling(first, poll_timeout=1):
        await seed(first, fake, 300)
        await compose(admin)
        await preview(admin, 300)
        await tap(admin, "Kirim sekarang", "Pengumuman #1")
        await fake.wait_for(lambda: len(copies(fake, TEXT)) > 60, timeout=20)
    # Stopped mid-way (a deploy). The second process picks up where the first left off.
    partial = len(copies(fake, TEXT)) - 1
    assert 0 < partial < 300
    second = app_for(fake, settings, catalog, clock, send_rate=30)
    async with polling(second, poll_timeout=1):
        await admin.wait_for_reply(lambda m: "Laporan pengumuman #1" in (m.text or ""), timeout=40)
    sent = copies(fake, TEXT)
    assert {chat for chat in sent if chat != ADMIN} == {p.id for p in people}
    assert set(sent.values()) == {1}
    assert fake.violations == []


async def test_roles_hold(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    app = app_for(fake, settings, catalog, clock)
    admin = fake.user(ADMIN, first_name="Admin", started=True)
    officer = fake.user(9101, first_name="Siti", last_name="Aminah")
    outsider = fake.user(9102, first_name="Budi", last_name="Santoso")
    async with polling(app, poll_timeout=1):
        await seed(app, fake, 20, opd="3328")
        await seed(app, fake, 30, opd="3374", first=FIRST + 100)
        await register(fake, officer, app=app)
        await register(fake, outsider, nip="19900101 201801 2 003", app=app)
        # A plain employee: every admin command is refused, and reveals nothing.
        for command in ("/umumkan", "/admin 198609262015051001", "/audit", "/terjadwal"):
            await say(outsider, command, "perintah ini khusus")
        reply = await say(outsider, "/start", "Apa yang ingin dikerjakan")
        for forged in ("bc:deadbeef:go", "adm:sa:2", "bcr:csv:1", "bcr:cancel:1"):
            outsider.press(reply.message_id, forged)
            await fake.wait_for(lambda: not fake.unanswered_callback_queries())
        async with services_of(app).db.transaction() as s:
            assert await s.scalar(select(func.count()).select_from(Broadcast)) == 0

        # The superadmin makes Siti the admin of her OPD (Kabupaten Tegal, 3328).
        await say(admin, "/admin 19860926 201505 1 001", "Pilih peran baru")
        await tap(admin, "Jadikan admin OPD", "sekarang: Admin OPD")

        def menus() -> list[object]:
            calls = fake.calls_to("setMyCommands")
            return [c for c in calls if "9101" in str(c.params.get("scope"))]

        await fake.wait_for(lambda: bool(menus()))
        assert "umumkan" in str(menus()[-1].params["commands"])  # type: ignore[attr-defined]

        # Siti can announce only to her OPD, even with forged data.
        await say(officer, "/umumkan", "Pengumuman baru")
        await say(officer, TEXT, "Tambahkan tombol")
        screen = await tap(officer, "Tanpa tombol", "Jumlah penerima")
        # 20 seeded, plus Siti and Budi, who both registered in Tegal.
        assert screen.text is not None
        assert "Kabupaten Tegal" in screen.text and "22 pegawai aktif" in screen.text
        assert not any(
            "pick:opd" in (b.get("callback_data") or "")
            for row in (screen.reply_markup or {}).get("inline_keyboard", [])
            for b in row
        )
        assert screen.reply_markup is not None
        token = next(
            b["callback_data"].split(":")[1]
            for row in screen.reply_markup["inline_keyboard"]
            for b in row
            if b.get("callback_data", "").startswith("bc:")
        )
        officer.press(screen.message_id, f"bc:{token}:aud:opd:3374")
        officer.press(screen.message_id, f"bc:{token}:aud:opd:")
        officer.press(screen.message_id, f"bc:{token}:pick:opd:0")
        await fake.wait_for(lambda: not fake.unanswered_callback_queries())
        await preview(officer, 22)
        await tap(officer, "Kirim sekarang", "Pengumuman #1")
        async with services_of(app).db.transaction() as s:
            broadcast = await s.scalar(select(Broadcast))
            assert broadcast is not None
            audience = await s.scalar(
                select(func.count())
                .select_from(OutboundMessage)
                .where(OutboundMessage.broadcast_id == broadcast.id)
            )
        assert broadcast.audience == {"opd": "3328"} and audience == 22

        # The audit log has the grant and the announcement; only the superadmin reads it.
        log = await say(admin, "/audit", "Log audit")
        assert log.text is not None
        assert "menjadikan Siti Aminah" in log.text and "Admin OPD Kabupaten Tegal" in log.text
        assert "mengirim pengumuman #1 kepada 22 pegawai" in log.text
        await say(officer, "/audit", "khusus superadmin")
    assert fake.violations == []
    assert fake.unanswered_callback_queries() == []


async def test_bad_input_while_composing(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    app = app_for(fake, settings, catalog, clock)
    admin = fake.user(ADMIN, first_name="Admin", started=True)
    async with polling(app, poll_timeout=1):
        await seed(app, fake, 5)
        await say(admin, "/umumkan", "Pengumuman baru")
        admin.send_photo()  # a photo without a caption: no text to announce
        await admin.wait_for_reply(lambda m: "perlu teks" in (m.text or ""))
        admin.send_photo(caption="x" * 1100)
        # Telegram's 1024 less the room of the sender line every announcement starts with.
        await admin.wait_for_reply(lambda m: "maksimal 864" in (m.text or ""))
        admin.send_sticker()
        await admin.wait_for_reply(lambda m: "tidak didukung" in (m.text or ""))
        await say(admin, "A" * 3937, "maksimal 3936")  # 4096 less the sender line's room
        await say(admin, "A" * 3936, "Tambahkan tombol")  # the longest, with its sender line
        old = await tap(admin, "Tanpa tombol", "Jumlah penerima")
        # Text at the audience step is an agency search: a name that is none is told so.
        await say(admin, "ketik sembarang", "tidak ditemukan")
        summary = await preview(admin, 5, old.message_id)
        await tap(admin, "Jadwalkan", "Ketik tanggal dan jam")
        await say(admin, "besok pagi", "tidak dikenali")
        await say(admin, "01/01/2020 08:00", "sudah lewat")
        await say(admin, "01/01/2030 08:00", "90 hari")
        await say(admin, "26/11/2026 08.00", "dijadwalkan")  # tomorrow morning, WIB
        # The draft's buttons are stale now: confirming again schedules or sends nothing more.
        stale = texts.REFUSALS["stale_button"]
        # The preview kept no "Kirim sekarang" once "Jadwalkan" was pressed under it.
        shown = admin.chat.get(summary.message_id)
        assert shown is not None and shown.buttons == []
        assert await pop_up(fake, admin, "Pratinjau", old.message_id) == stale
        listed = await say(admin, "/terjadwal", "Pengumuman terjadwal")
        assert "#1" in (listed.text or "")
        await tap(admin, "Batalkan #1", "dibatalkan", listed.message_id)
        await say(admin, "/terjadwal", "Tidak ada pengumuman terjadwal")
        await say(admin, "/umumkan", "Pengumuman baru")
        await say(admin, "/batal", "dibatalkan")
        async with services_of(app).db.transaction() as s:
            statuses = (await s.scalars(select(Broadcast.status))).all()
        assert list(statuses) == ["cancelled"]
    assert fake.violations == []
    assert fake.unanswered_callback_queries() == []


async def test_a_scheduled_announcement_goes_out_when_due(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    app = app_for(fake, settings, catalog, clock)
    people = [fake.user(FIRST + i, first_name=f"P{i}", started=True) for i in range(3)]
    admin = fake.user(ADMIN, first_name="Admin", started=True)
    async with polling(app, poll_timeout=1):
        await seed(app, fake, 3)
        await compose(admin)
        await preview(admin, 3)
        await tap(admin, "Jadwalkan", "Ketik tanggal dan jam")
        await say(admin, "25/11/2026 11:00", "dijadwalkan")  # an hour from the test clock
        await asyncio.sleep(3.5)  # a progress job passes: not due yet
        assert set(copies(fake, TEXT)) == {ADMIN}  # only the preview so far
        clock.advance(hours=1)
        await admin.wait_for_reply(lambda m: "Laporan pengumuman #1" in (m.text or ""), timeout=15)
    assert set(copies(fake, TEXT)) == {p.id for p in people} | {ADMIN}
    assert fake.violations == []


async def test_a_photo_announcement_with_a_link_button_and_a_revoked_admin(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    app = app_for(fake, settings, catalog, clock)
    people = [fake.user(FIRST + i, first_name=f"P{i}", started=True) for i in range(3)]
    admin = fake.user(ADMIN, first_name="Admin", started=True)
    officer = fake.user(9201, first_name="Siti", last_name="Aminah")
    async with polling(app, poll_timeout=1):
        await seed(app, fake, 3)
        await say(admin, "/umumkan", "Pengumuman baru")
        admin.send_photo(caption="Poster webinar SPBE")
        await admin.wait_for_reply(lambda m: "Tambahkan tombol" in (m.text or ""))
        await tap(admin, "Tombol tautan", "label dan tautan")
        await say(admin, "tanpa tautan", "Format tidak sesuai")
        await say(admin, "Daftar | https://bpsdmd.jatengprov.go.id/daftar", "Jumlah penerima")
        await preview(admin, 3)
        await tap(admin, "Kirim sekarang", "Pengumuman #1")
        await admin.wait_for_reply(lambda m: "Laporan pengumuman #1" in (m.text or ""), timeout=15)
        photos = [c for c in fake.calls_to("sendPhoto") if c.response_ok]
        # The preview and one copy per recipient, each with the caption and the link button.
        assert sorted(int(c.params["chat_id"]) for c in photos) == sorted(
            [ADMIN] + [p.id for p in people]
        )
        for call in photos:
            assert call.params["caption"] == SENDER + "Poster webinar SPBE"
            assert "bpsdmd.jatengprov.go.id/daftar" in str(call.params["reply_markup"])

        # A role granted and revoked: the admin menu goes with it, and so do the commands.
        await register(fake, officer, app=app)
        await say(admin, "/admin 19860926 201505 1 001", "Pilih peran baru")
        await tap(admin, "Jadikan admin OPD", "sekarang: Admin OPD")
        await say(admin, "/admin 19860926 201505 1 001", "Admin OPD")
        await tap(admin, "Cabut peran", "Pegawai (tanpa peran)")
        await fake.wait_for(lambda: bool(fake.calls_to("deleteMyCommands")))
        await say(officer, "/umumkan", "khusus admin")
    assert fake.violations == []
    assert fake.unanswered_callback_queries() == []


async def test_telegram_formatting_in_an_announcement_goes_out_intact(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    """A spoiler, a text link whose URL has "&", a custom emoji and an expandable quote, as a
    Telegram client sends them: the draft takes them, recipients get them (the custom emoji as
    its standard fallback, which any bot may send)."""
    app = app_for(fake, settings, catalog, clock)
    admin = fake.user(ADMIN, first_name="Admin")
    people = [fake.user(FIRST + i, first_name=f"P{i}", started=True) for i in range(2)]
    text = "rahasia tautan 😀 kutipan"
    formatting = [
        {"type": "spoiler", "offset": 0, "length": 7},
        {"type": "text_link", "offset": 8, "length": 6, "url": "https://x.go.id/d?a=1&b=2"},
        {"type": "custom_emoji", "offset": 15, "length": 2, "custom_emoji_id": "5368324170671"},
        {"type": "expandable_blockquote", "offset": 18, "length": 7},
    ]
    async with polling(app, poll_timeout=1):
        await seed(app, fake, 2)
        await say(admin, "/umumkan", "Pengumuman baru")
        admin.send_text(text, entities=formatting)
        await admin.wait_for_reply(lambda m: "Tambahkan tombol" in (m.text or ""))
        await tap(admin, "Tanpa tombol", "Jumlah penerima")
        await preview(admin, 2)
        await tap(admin, "Kirim sekarang", "Pengumuman #1")
        await admin.wait_for_reply(lambda m: "Laporan pengumuman #1" in (m.text or ""), 15)
    for person in people:
        got = [m for m in person.chat.messages if m.from_bot and "rahasia" in (m.text or "")]
        sender = "📣 Dari Admin Sinau Bareng · BPSDMD Provinsi Jawa Tengah\n\n"
        assert len(got) == 1 and got[0].text == sender + text
        kinds = {e["type"]: e for e in got[0].entities}
        assert set(kinds) == {"italic", "spoiler", "text_link", "expandable_blockquote"}
        assert kinds["text_link"]["url"] == "https://x.go.id/d?a=1&b=2"
    assert fake.violations == []
