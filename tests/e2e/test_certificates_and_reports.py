"""Certificates, the complete /jp and /laporan end to end, with the authorization rules:
nobody gets another person's certificate or another OPD's report, whatever the button says."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook
from sqlalchemy import select, update

from bot.emulator import FakeBotApi
from bot.store import ledger
from db.models import Certificate, Employee
from tests.e2e.helpers import register, say
from tests.e2e.hours_helpers import (
    NIP_ADMIN,
    NIP_OTHER,
    add_employee,
    callback_answer,
    db_of,
    grant,
)


async def credit_module(app: object, telegram_id: int, module_id: str, jp_centi: int) -> None:
    """What a passed quiz writes (the quiz itself is covered by test_learning_walk)."""
    async with db_of(app).transaction() as s:
        employee = await s.scalar(select(Employee).where(Employee.telegram_id == telegram_id))
        assert employee is not None
        await ledger.credit(
            s,
            ledger.Credit(
                employee_id=employee.id,
                year=2026,
                jp_centi=jp_centi,
                source_kind="module",
                source_id=module_id,
                title="BerAKHLAK dalam Pelayanan",
                category="sosial_kultural",
                activity_kind="E-learning (mikro)",
                organiser="BPSDMD",
                started_on=date(2026, 3, 2),
                ended_on=date(2026, 3, 4),
                evidence={"score": 90},
                credited_at=datetime(2026, 3, 4, 3, tzinfo=UTC),
            ),
        )


def uploaded(fake: FakeBotApi, message: object) -> bytes:
    stored = fake.files.get(message.document["file_id"])  # type: ignore[attr-defined]
    assert stored is not None
    return stored.data


async def test_a_certificate_is_issued_verified_and_a_forgery_refused(
    fake: FakeBotApi, bot_app: object
) -> None:
    learner = fake.user(8201, first_name="Siti", last_name="Aminah")
    other = fake.user(8202, first_name="Budi", last_name="Santoso")
    await register(fake, learner)
    await register(fake, other, NIP_ADMIN)
    await credit_module(bot_app, learner.id, "berakhlak", 200)

    await say(learner, "/sertifikat", "Pilih modul")
    learner.press_button("BerAKHLAK")
    pdf = await learner.wait_for_reply(lambda m: m.kind == "document")
    assert uploaded(fake, pdf).startswith(b"%PDF")
    code = pdf.text.split("Kode verifikasi: ")[1].strip()
    assert "SB-2026-" in pdf.text

    genuine = await say(other, f"/verifikasi {code.lower()}", "Sertifikat asli")
    assert "Siti Aminah" in genuine.text and "BerAKHLAK" in genuine.text and "JP: 2" in genuine.text

    # One character changed: no such certificate.
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    await say(other, f"/verifikasi {forged}", "Kode tidak valid")
    await say(other, "/verifikasi 12345", "Format kode salah")
    # A certificate row altered in the database (more JP) no longer matches its code.
    async with db_of(bot_app).transaction() as s:
        await s.execute(update(Certificate).values(jp_centi=2000))
    await say(other, f"/verifikasi {code}", "Kode tidak valid")

    # Someone who did not pass the module cannot get its certificate with a forged button.
    probe = await say(other, "/sertifikat", "Belum ada modul")
    pressed = other.press(probe.message_id, "cert:berakhlak")
    assert "sudah Anda lulusi" in await callback_answer(fake, pressed)


async def test_jp_shows_the_detail_and_sends_chart_and_transcript(
    fake: FakeBotApi, bot_app: object
) -> None:
    learner = fake.user(8211, first_name="Siti", last_name="Aminah")
    await register(fake, learner)
    await credit_module(bot_app, learner.id, "berakhlak", 250)
    jp = await say(learner, "/jp", "Per bulan")
    assert "Mar: 2,5 JP" in jp.text and "Sosial kultural: 2,5 JP" in jp.text
    assert "Modul: <b>2,5 JP</b>" in jp.html or "Modul: 2,5 JP" in jp.text

    learner.press_button("Grafik", jp.message_id)
    photo = await learner.wait_for_reply(lambda m: m.kind == "photo")
    assert "kumulatif 2026" in photo.text
    learner.press_button("Transkrip", jp.message_id)
    doc = await learner.wait_for_reply(lambda m: m.kind == "document")
    assert uploaded(fake, doc).startswith(b"%PDF")


async def test_laporan_scope_exports_and_forged_buttons(fake: FakeBotApi, bot_app: object) -> None:
    learner = fake.user(8221, first_name="Siti", last_name="Aminah")
    admin = fake.user(8222, first_name="Budi", last_name="Santoso")
    await register(fake, learner)
    await register(fake, admin, NIP_ADMIN)
    await grant(bot_app, admin.id, "opd_admin", "3328")
    await add_employee(bot_app, 8223, NIP_OTHER, "3376", "Rina Lestari")
    await credit_module(bot_app, learner.id, "berakhlak", 2000)

    # An employee sees no report; /jp is theirs.
    await say(learner, "/laporan", "khusus admin")

    recap = await say(admin, "/laporan", "Laporan Kabupaten Tegal")
    assert "Pegawai terdaftar: <b>2</b>" in recap.html
    assert "Mencapai 20 JP: <b>1</b> (50,0%)" in recap.html
    assert "Rata-rata JP: <b>10</b>" in recap.html
    # Another OPD, asked by command or by a forged button, is refused.
    await say(admin, "/laporan 3376", "instansinya sendiri")
    forged = admin.press(recap.message_id, "lap:xlsx:3376:2026")
    assert "instansinya sendiri" in await callback_answer(fake, forged)
    province = admin.press(recap.message_id, "lap:recap:all:2026")
    assert "instansinya sendiri" in await callback_answer(fake, province)

    admin.press_button("Pegawai (XLSX)", recap.message_id)
    sent = await admin.wait_for_reply(lambda m: m.kind == "document")
    assert sent.document["file_name"] == "pegawai-3328-2026.xlsx"
    sheet = load_workbook(io.BytesIO(uploaded(fake, sent))).active
    assert sheet["A1"].value == "NIP" and sheet["I1"].value == "JP total"
    names = [sheet.cell(row=r, column=2).value for r in (2, 3)]
    assert names == ["Budi Santoso", "Siti Aminah"]
    assert sheet["I3"].value == 20 and sheet["J3"].value == "Tercapai"
    assert sheet["J2"].value == "Belum"
    assert sheet["A4"].value == "Jumlah" and sheet["I4"].value == 20

    admin.press_button("Pegawai (CSV)", recap.message_id)
    sent_csv = await admin.wait_for_reply(lambda m: m.kind == "document")
    text = uploaded(fake, sent_csv).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("NIP;Nama;")
    assert "Siti Aminah" in text and "Rina Lestari" not in text
