"""Personal data end to end: the notice before the NIP, registering without the optional
messages, withdrawal in one tap, /dataku's two files, /hapus with its confirmation."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from telegram.ext import Application

from bot.app.application import services_of
from bot.emulator import FakeBotApi
from bot.texts import privacy as t
from db.models import Employee, Reminder, RetainedRecord
from tests.e2e.helpers import NIP, register, say, tap
from tests.e2e.hours_helpers import callback_answer, credit_module, uploaded


async def test_the_notice_comes_first_and_withdrawal_is_one_tap(
    fake: FakeBotApi, bot_app: Application
) -> None:
    user = fake.user(8801, first_name="Siti", last_name="Aminah")
    notice = await say(user, "/start", "Pemberitahuan Privasi")
    assert notice.text is not None
    assert "Halaman 1 dari 6" in notice.text and "BPSDMD Provinsi Jawa Tengah" in notice.text
    assert "NIP" not in (user.chat.messages[-2].text or "")  # the welcome asks for nothing
    page = await tap(user, "4", "Halaman 4 dari 6", message_id=notice.message_id)
    assert "di luar wilayah hukum Indonesia" in (page.text or "")
    # A NIP typed before the notice is acknowledged is not taken.
    await say(user, NIP, t.READ_NOTICE_FIRST[:30])
    await tap(user, "Saya sudah membaca", "Kirimkan NIP")
    await say(user, NIP, "nama lengkap")
    await say(user, "Siti Aminah", "instansi")
    await say(user, "tegal", "Hasil pencarian")
    confirm = await tap(user, "Kabupaten Tegal", "Konfirmasi pendaftaran")
    assert "tidak diperlukan persetujuan" in (confirm.text or "")
    done = await tap(user, "Daftar, tanpa pengingat", "Pendaftaran tercatat")
    assert "tidak dikirim" in (done.text or "")

    services = services_of(bot_app)
    async with services.db.transaction() as s:
        employee = await s.scalar(select(Employee).where(Employee.telegram_id == user.id))
        assert employee is not None
        reminder = await s.get(Reminder, employee.id)
    assert employee.privacy_version == t.NOTICE_VERSION and employee.announcements_opt_out
    assert reminder is not None and not reminder.enabled

    panel = await say(user, "/privasi", "Pemberitahuan Privasi")
    assert "telah membaca versi 1" in (panel.text or "")
    assert any("Pengingat: berhenti" in label for label in panel.button_texts)
    edited = await tap(user, "Pengingat: berhenti", "Pemberitahuan Privasi", panel.message_id)
    assert any("Pengingat: aktif" in label for label in edited.button_texts)
    edited = await tap(user, "Pengumuman umum: berhenti", "Pemberitahuan", panel.message_id)
    assert any("Pengumuman umum: diterima" in label for label in edited.button_texts)
    async with services.db.transaction() as s:
        employee = await s.scalar(select(Employee).where(Employee.telegram_id == user.id))
        assert employee is not None
        reminder = await s.get(Reminder, employee.id)
    assert not employee.announcements_opt_out and reminder is not None and reminder.enabled
    # Stop them again: each state is one tap.
    await tap(user, "Pengingat: aktif", "Pemberitahuan Privasi", panel.message_id)
    async with services.db.transaction() as s:
        reminder = await s.get(Reminder, employee.id)
    assert reminder is not None and not reminder.enabled


async def test_a_copy_of_everything_and_erasure_after_confirmation(
    fake: FakeBotApi, bot_app: Application
) -> None:
    user = fake.user(8802, first_name="Siti", last_name="Aminah")
    await register(fake, user)
    await credit_module(bot_app, user.id, "berakhlak", 113)

    await say(user, "/dataku", "semua data yang tersimpan")
    pdf = await user.wait_for_reply(lambda m: m.kind == "document")
    raw = await user.wait_for_reply(lambda m: m.kind == "document")
    assert pdf.document is not None and pdf.document["file_name"].endswith(".pdf")
    assert uploaded(fake, pdf).startswith(b"%PDF")
    document = json.loads(uploaded(fake, raw))
    assert document["tables"]["employees"][0]["nip"] == NIP.replace(" ", "")
    assert [r["minutes"] for r in document["tables"]["jp_ledger"]] == [113]
    await say(user, "/dataku", "Salinan data baru saja dikirim")  # rate-limited

    confirm = await say(user, "/hapus", "Hapus data pribadi")
    assert "1 catatan riwayat JP" in (confirm.text or "")
    no = next(b["callback_data"] for b in confirm.buttons if b["text"] == "Batal")
    await say(user, "ya hapus", t.ERASE_USE_BUTTONS[:30])  # only the buttons act
    await tap(user, "Ya, hapus data saya", "telah dihapus", confirm.message_id)
    services = services_of(bot_app)
    async with services.db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(Employee)) == 0
        kept = (await s.scalars(select(RetainedRecord))).all()
    assert [(r.nip, r.minutes) for r in kept] == [(NIP.replace(" ", ""), 113)]
    # The confirmation's buttons are spent; the person starts over from the notice.
    query = user.press(confirm.message_id, no)
    assert await callback_answer(fake, query) == t.ERASE_STALE
    await say(user, "/dataku", t.NOT_REGISTERED[:30])
    await say(user, "/start", "Pemberitahuan Privasi")


async def test_cancel_and_a_forged_confirmation_erase_nothing(
    fake: FakeBotApi, bot_app: Application
) -> None:
    user = fake.user(8803, first_name="Siti", last_name="Aminah")
    await register(fake, user)
    confirm = await say(user, "/hapus", "Hapus data pribadi")
    yes = next(b["callback_data"] for b in confirm.buttons if "Ya, hapus" in b["text"])
    query = user.press(confirm.message_id, "del:0badc0de:yes")  # another confirmation's token
    assert await callback_answer(fake, query) == t.ERASE_STALE
    await tap(user, "Batal", t.ERASE_CANCELLED, confirm.message_id)
    query = user.press(confirm.message_id, yes)  # the cancelled confirmation's own button
    assert await callback_answer(fake, query) == t.ERASE_STALE
    async with services_of(bot_app).db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(Employee)) == 1
