"""Certificates end to end: a PDF issued, verified by its code; forged codes and buttons refused."""

from __future__ import annotations

from sqlalchemy import update
from telegram.ext import Application

from bot.emulator import FakeBotApi
from db.models import Certificate, Employee
from tests.e2e.helpers import register, say
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
    assert "sudah Anda lulusi" in await callback_answer(fake, pressed)


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
