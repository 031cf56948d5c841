"""Certificates end to end: a PDF issued, verified by its code; forged codes and buttons refused."""

from __future__ import annotations

from sqlalchemy import update
from telegram.ext import Application

from bot import texts
from bot.emulator import BotMessage, FakeBotApi, FakeUser
from bot.texts import hours as ht
from db.models import Certificate, Employee
from tests.e2e.helpers import NIP, register, say, start_registration, tap, verified
from tests.e2e.hours_helpers import NIP_ADMIN, callback_answer, credit_module, db_of, uploaded
from tests.support import FakeClock
from tests.unit.documents.helpers import decode_qr, pdf_text, qr_image


async def test_a_certificate_is_issued_verified_and_a_forgery_refused(
    fake: FakeBotApi, bot_app: Application
) -> None:
    learner = fake.user(8201, first_name="Siti", last_name="Aminah")
    other = fake.user(8202, first_name="Budi", last_name="Santoso")
    await register(fake, learner, app=bot_app)
    await register(fake, other, NIP_ADMIN, app=bot_app)
    await credit_module(bot_app, learner.id, "berakhlak", 90)

    await say(learner, "/sertifikat", "Pilih modul")
    learner.press_button("BerAKHLAK")
    pdf = await learner.wait_for_reply(lambda m: m.kind == "document")
    assert uploaded(fake, pdf).startswith(b"%PDF")
    assert pdf.text is not None
    code = pdf.text.split("Kode verifikasi: ")[1].strip()
    assert "SB-2026-" in pdf.text

    genuine = await say(other, f"/verifikasi {code.lower()}", "Sertifikat asli")
    assert genuine.text is not None
    assert (
        "Siti Aminah" in genuine.text
        and "BerAKHLAK" in genuine.text
        and "Waktu belajar: 2 JP (90 menit)" in genuine.text
    )

    # One character changed: no such certificate.
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    await say(other, f"/verifikasi {forged}", "Kode tidak valid")
    await say(other, "/verifikasi 12345", "Format kode salah")
    # A certificate row altered in the database (more JP) no longer matches its code.
    async with db_of(bot_app).transaction() as s:
        await s.execute(update(Certificate).values(minutes=900))
    await say(other, f"/verifikasi {code}", "Kode tidak valid")

    # Someone who did not pass the module cannot get its certificate with a forged button.
    probe = await say(other, "/sertifikat", "Belum ada modul")
    pressed = other.press(probe.message_id, "cert:berakhlak")
    assert ht.CERT_NOT_PASSED in await callback_answer(fake, pressed)


async def test_the_qr_deep_link_verifies_and_a_reissue_replaces_the_old_code(
    fake: FakeBotApi, bot_app: Application, clock: FakeClock
) -> None:
    learner = fake.user(8211, first_name="Siti", last_name="Aminah")
    checker = fake.user(8212, first_name="Operator")
    await register(fake, learner, app=bot_app)
    await credit_module(bot_app, learner.id, "berakhlak", 90)
    await say(learner, "/sertifikat", "Pilih modul")
    learner.press_button("BerAKHLAK")
    pdf = await learner.wait_for_reply(lambda m: m.kind == "document")
    code = (pdf.text or "").split("Kode verifikasi: ")[1].strip()
    # The QR code on the PDF opens the bot with /start v_<code>, which verifies.
    links = decode_qr(qr_image(uploaded(fake, pdf)))
    me = fake.bot_user["username"]
    assert links == [f"https://t.me/{me}?start=v_{code.replace('-', '')}"]
    start = links[0].split("start=")[1]
    genuine = await say(checker, f"/start {start}", "Sertifikat asli")
    assert "Siti Aminah" in (genuine.text or "")

    # The verified name is corrected: the next /sertifikat is a new revision with a new code.
    async with db_of(bot_app).transaction() as s:
        await s.execute(update(Employee).values(name="Siti Aminah Lestari"))
    clock.advance(seconds=11)  # past the file button's cooldown
    await say(learner, "/sertifikat", "Pilih modul")
    learner.press_button("BerAKHLAK")
    second = await learner.wait_for_reply(lambda m: m.kind == "document")
    new_code = (second.text or "").split("Kode verifikasi: ")[1].strip()
    assert new_code != code and "Revisi 2" in pdf_text(uploaded(fake, second))[1]
    await say(checker, f"/verifikasi {code}", "digantikan oleh revisi terbaru")
    fresh = await say(checker, f"/start v_{new_code.replace('-', '')}", "Sertifikat asli")
    assert "Siti Aminah Lestari" in (fresh.text or "") and "revisi 2" in (fresh.text or "")


async def test_the_name_is_typed_as_in_the_sk_and_printed_as_typed(
    fake: FakeBotApi, bot_app: Application
) -> None:
    """The name step offers no one-tap Telegram name: the full name typed (with its titles) is
    what the profile, the menu and the certificate show, with one dot after "M.Si."."""
    typed = "Dr. Siti Aminah, M.Si."
    learner = fake.user(8221, first_name="Sitty", last_name="🌸")
    await start_registration(learner)
    asked = await say(learner, NIP, "nama lengkap")
    assert asked.text is not None and "SK atau MyASN" in asked.text
    assert asked.button_texts == [] and not any(
        "Gunakan" in (m.text or "") for m in texts_of(learner)
    )
    # The button of the old name step, pressed from an old message, changes nothing.
    pressed = learner.press(asked.message_id, "reg:name")
    assert await callback_answer(fake, pressed) == texts.BUTTON_INVALID

    await say(learner, typed, "instansi")
    await say(learner, "tegal", "Hasil pencarian")
    await tap(learner, "Kabupaten Tegal", typed)  # the confirmation shows the typed name
    done = await tap(learner, "Daftar, dengan pengingat", "Pendaftaran tercatat")
    assert f"Bapak {typed}\n" in (done.text or "") and "M.Si.." not in (done.text or "")
    menu = await learner.wait_for_reply(lambda m: "Apa yang ingin dikerjakan" in (m.text or ""))
    assert f"Selamat datang, Bapak {typed}\nTahun" in (menu.text or "")
    await verified(bot_app, learner.id)

    profile = await say(learner, "/profil", "Profil Bapak/Ibu")
    assert f"Nama: {typed}\n" in (profile.text or "") and "Sitty" not in (profile.text or "")
    await credit_module(bot_app, learner.id, "berakhlak", 90)
    await say(learner, "/sertifikat", "Pilih modul")
    learner.press_button("BerAKHLAK")
    pdf = await learner.wait_for_reply(lambda m: m.kind == "document")
    _, printed = pdf_text(uploaded(fake, pdf))
    assert typed in printed and "Sitty" not in printed
    assert fake.violations == []


def texts_of(user: FakeUser) -> list[BotMessage]:
    return [m for m in user.chat.messages if m.text is not None]


async def test_a_long_certificate_list_shows_the_newest_and_says_how_many_there_are(
    fake: FakeBotApi, bot_app: Application
) -> None:
    learner = fake.user(8211, first_name="Siti", last_name="Aminah")
    await register(fake, learner, app=bot_app)
    for n in range(32):  # more modules than one keyboard lists (the catalog will grow)
        await credit_module(bot_app, learner.id, f"modul-{n:02d}", 15)
    shown = await say(learner, "/sertifikat", "Pilih modul")
    assert shown.text is not None
    assert "Ditampilkan 30 sertifikat terbaru dari 32" in shown.text
    assert sum(1 for label in shown.button_texts if label.startswith("🎓")) == 30
