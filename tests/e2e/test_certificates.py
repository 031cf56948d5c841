"""Certificates end to end: a PDF issued, verified by its code; forged codes and buttons refused."""

from __future__ import annotations

from sqlalchemy import update
from telegram.ext import Application

from bot.emulator import FakeBotApi
from db.models import Certificate
from tests.e2e.helpers import register, say
from tests.e2e.hours_helpers import NIP_ADMIN, callback_answer, credit_module, db_of, uploaded


async def test_a_certificate_is_issued_verified_and_a_forgery_refused(
    fake: FakeBotApi, bot_app: Application
) -> None:
    learner = fake.user(8201, first_name="Siti", last_name="Aminah")
    other = fake.user(8202, first_name="Budi", last_name="Santoso")
    await register(fake, learner)
    await register(fake, other, NIP_ADMIN)
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
