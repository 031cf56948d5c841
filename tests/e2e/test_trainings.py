"""Outside trainings end to end: /lapor, verification by the OPD admin, ledger credit, notices,
and everyone who must not act on a report being refused."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from telegram.ext import Application

from bot.emulator import FakeBotApi
from db.models import ExternalTraining, JpLedgerEntry
from tests.e2e.helpers import register, say, tap
from tests.e2e.hours_helpers import (
    NIP_ADMIN,
    NIP_OTHER,
    add_employee,
    callback_answer,
    db_of,
    grant,
    report_training,
    send_report,
)
from tests.support import FakeClock


async def test_a_report_is_approved_by_the_opd_admin_credited_and_notified(
    fake: FakeBotApi, bot_app: Application
) -> None:
    employee = fake.user(8101, first_name="Siti", last_name="Aminah")
    admin = fake.user(8102, first_name="Budi", last_name="Santoso")
    outsider = fake.user(8103, first_name="Rina", last_name="Lestari")
    await register(fake, employee)
    await register(fake, admin, NIP_ADMIN)
    await grant(bot_app, admin.id, "opd_admin", "3328")
    await add_employee(bot_app, outsider.id, NIP_OTHER, "3376", "Rina Lestari")
    await grant(bot_app, outsider.id, "opd_admin", "3376")

    await report_training(employee)
    employee.send_document("sertifikat.pdf", b"%PDF-1.4 certificate", "application/pdf")
    done = await send_report(employee, "menunggu verifikasi")
    assert done.text is not None
    assert "Webinar Literasi Digital ASN" in done.text and "JP: 4" in done.text

    # The OPD admin gets the certificate file and the report with its two buttons.
    file_sent = await admin.wait_for_reply(lambda m: m.kind == "document")
    assert file_sent.document is not None
    review = await admin.wait_for_reply(lambda m: "Laporan pelatihan #" in (m.text or ""))
    assert review.text is not None
    assert "Siti Aminah" in review.text and "SRT/2026/001" in review.text
    assert review.button_texts == ["✅ Setujui", "❌ Tolak"]
    report_id = int(review.text.split("#")[1].split()[0])

    # An admin of another OPD forging the approve button is refused, and nothing changes.
    probe = await say(outsider, "/antrean", "Tidak ada laporan")
    forged = outsider.press(probe.message_id, f"trv:ok:{report_id}")
    assert "tidak berwenang" in await callback_answer(fake, forged)
    forged_reject = outsider.press(probe.message_id, f"trv:no:{report_id}")
    assert "tidak berwenang" in await callback_answer(fake, forged_reject)
    # ... and the employee cannot approve their own report either.
    own = employee.press(done.message_id, f"trv:ok:{report_id}")
    assert "khusus admin" in await callback_answer(fake, own)
    async with db_of(bot_app).transaction() as s:
        row = await s.get(ExternalTraining, report_id)
        assert row is not None and row.status == "pending"
        assert (
            await s.scalar(select(JpLedgerEntry).where(JpLedgerEntry.source_kind == "external"))
        ) is None

    # The review message keeps the report (who, what, JP) and says it was approved.
    decided = await tap(admin, "Setujui", "Disetujui", review.message_id)
    assert decided.message_id == review.message_id and decided.buttons == []
    assert "Siti Aminah" in (decided.text or "") and "Webinar Literasi Digital ASN" in (
        decided.text or ""
    )
    assert "4 JP dicatat untuk Siti Aminah" in (decided.text or "")
    # The certificate file names whose it is, the training and the report.
    assert file_sent.text == (
        f"📎 Sertifikat laporan #{report_id}: Webinar Literasi Digital ASN\n"
        "Dari: Siti Aminah (NIP 198609262015051001)"
    )
    notice = await employee.wait_for_reply(lambda m: "disetujui" in (m.text or ""))
    assert notice.text is not None
    assert "Webinar Literasi Digital ASN" in notice.text and "4 JP tercatat" in notice.text

    async with db_of(bot_app).transaction() as s:
        entry = await s.scalar(select(JpLedgerEntry).where(JpLedgerEntry.source_kind == "external"))
        assert entry is not None
        # 4 JP on the certificate, credited as 4 x 45 minutes.
        assert (entry.minutes, entry.certificate_no, entry.organiser) == (
            180,
            "SRT/2026/001",
            "Kominfo Jateng",
        )
        assert (entry.started_on.isoformat(), entry.ended_on.isoformat(), entry.year) == (
            "2026-11-20",
            "2026-11-21",
            2026,
        )
        assert entry.source_id == str(report_id) and entry.evidence["verified_by"] == admin.id

    # A second press of the (stale) approve button credits nothing more.
    again = admin.press(review.message_id, f"trv:ok:{report_id}")
    assert "sudah diputuskan oleh Budi Santoso" in await callback_answer(fake, again)
    async with db_of(bot_app).transaction() as s:
        count = len((await s.scalars(select(JpLedgerEntry))).all())
    assert count == 1

    jp = await say(employee, "/jp", "JP")
    assert "Pelatihan eksternal terverifikasi: 4 JP" in (jp.text or "")


async def test_a_rejection_asks_a_reason_and_tells_the_employee(
    fake: FakeBotApi, bot_app: Application
) -> None:
    employee = fake.user(8111, first_name="Siti", last_name="Aminah")
    admin = fake.user(8112, first_name="Budi", last_name="Santoso")
    await register(fake, employee)
    await register(fake, admin, NIP_ADMIN)
    await grant(bot_app, admin.id, "opd_admin", "3328")

    await report_training(employee, cert="CERT-77")
    employee.send_photo()
    await send_report(employee, "menunggu verifikasi")
    photo = await admin.wait_for_reply(lambda m: m.kind == "photo")
    assert "Sertifikat laporan #1" in (photo.text or "") and "Siti Aminah" in (photo.text or "")
    review = await admin.wait_for_reply(lambda m: "Laporan pelatihan #" in (m.text or ""))

    asked = await tap(admin, "Tolak", "alasan penolakan", review.message_id)
    assert asked.message_id == review.message_id and "Siti Aminah" in (asked.text or "")
    told = await say(admin, "Sertifikat tidak terbaca, mohon unggah ulang.", "ditolak")
    assert "Siti Aminah" in (told.text or "") and "JP" in (told.text or "")
    kept = fake.chat(admin.id).get(review.message_id)
    assert kept is not None and "Ditolak" in (kept.text or "") and kept.buttons == []
    assert "Webinar Literasi Digital ASN" in (kept.text or "")
    notice = await employee.wait_for_reply(lambda m: "ditolak" in (m.text or ""))
    assert "Sertifikat tidak terbaca, mohon unggah ulang." in (notice.text or "")

    async with db_of(bot_app).transaction() as s:
        row = await s.scalar(select(ExternalTraining))
        assert row is not None and row.status == "rejected"
        assert row.reason == "Sertifikat tidak terbaca, mohon unggah ulang."
        assert (await s.scalar(select(JpLedgerEntry))) is None

    mine = await say(employee, "/lapor", "Laporan Bapak/Ibu")
    assert "ditolak" in (mine.text or "")
    await say(employee, "/batal", "Tidak ada proses")  # the list started no wizard


async def test_bad_input_is_refused_with_a_reason(fake: FakeBotApi, bot_app: Application) -> None:
    employee = fake.user(8121, first_name="Siti", last_name="Aminah")
    await register(fake, employee)
    await say(employee, "/lapor", "nama pelatihan")
    await say(employee, "Diklat PIM", "penyelenggara")
    await say(employee, "BPSDMD", "jenis")
    await tap(employee, "Diklat", "tanggal mulai")
    await say(employee, "30-11-2026", "masa depan")  # the clock says 25 November 2026
    await say(employee, "31-02-2026", "tidak dikenali")
    await say(employee, "20-11-2026", "tanggal selesai")
    await say(employee, "19-11-2026", "sebelum tanggal mulai")
    await say(employee, "20-11-2026", "jumlah JP")
    await say(employee, "-3", "lebih dari 0")
    await say(employee, "0", "lebih dari 0")
    await say(employee, "9999", "terlalu besar: paling banyak 10 JP")
    await say(employee, "abc", "lebih dari 0")
    await say(employee, "10", "nomor sertifikat")
    await say(employee, "No. 445/12", "foto atau PDF")
    await say(employee, "ini bukan berkas", "kirim foto atau PDF")
    employee.send_document("sertifikat.zip", b"PK\x03\x04", "application/zip")
    await employee.wait_for_reply(lambda m: "Jenis berkas tidak diterima" in (m.text or ""))
    employee.send_document("besar.pdf", b"%PDF" + b"0" * (5 * 1024 * 1024 + 1), "application/pdf")
    await employee.wait_for_reply(lambda m: "terlalu besar: maksimal 5 MB" in (m.text or ""))
    employee.send_document("sertifikat.pdf", b"%PDF-1.4", "application/pdf")
    first = await send_report(employee, "menunggu verifikasi")
    assert first.text is not None and "sudah pernah dilaporkan" not in first.text

    # The same certificate number again, written differently: flagged for the admin.
    await report_training(employee, cert="no 445-12")
    employee.send_document("sertifikat.pdf", b"%PDF-1.4", "application/pdf")
    second = await send_report(employee, "menunggu verifikasi")
    assert "sudah pernah dilaporkan (laporan #" in (second.text or "")
    async with db_of(bot_app).transaction() as s:
        rows = (await s.scalars(select(ExternalTraining).order_by(ExternalTraining.id))).all()
    assert [r.duplicate_of for r in rows] == [None, rows[0].id]


async def test_notices_outlive_a_failing_telegram(
    fake: FakeBotApi, bot_app: Application, clock: FakeClock
) -> None:
    """The reviewer's copy is queued with the report: when Telegram keeps failing the file
    (more often than one request retries), the outbound sender tries again later."""
    employee = fake.user(8111, first_name="Siti", last_name="Aminah")
    admin = fake.user(8112, first_name="Budi", last_name="Santoso")
    await register(fake, employee)
    await register(fake, admin, NIP_ADMIN)
    await grant(bot_app, admin.id, "opd_admin", "3328")
    await report_training(employee)
    fake.fail_next("sendDocument", status=502, count=5)
    employee.send_document("sertifikat.pdf", b"%PDF-1.4 certificate", "application/pdf")
    await send_report(employee, "menunggu verifikasi")
    # One request tried four times; the sender puts the row back for later (backoff).
    await fake.wait_for(
        lambda: sum(c.method == "sendDocument" for c in fake.calls) == 4, timeout=15
    )
    await asyncio.sleep(0.5)  # the outcome is recorded
    clock.advance(minutes=1)  # later has come (the bot's clock is the test's)

    def delivered(method: str, text: str) -> bool:
        return any(
            c.method == method
            and c.response_ok
            and c.params.get("chat_id") in (admin.id, str(admin.id))
            and text in str(c.params.get("text") or c.params.get("caption") or "")
            for c in fake.calls
        )

    # Both parts arrive (the report itself went out while the file was failing).
    await fake.wait_for(lambda: delivered("sendDocument", "#"), timeout=15)
    assert delivered("sendMessage", "Laporan pelatihan #")
    failed = [c for c in fake.calls if c.method == "sendDocument" and not c.response_ok]
    assert len(failed) == 5


async def test_a_certificate_file_must_be_what_it_claims(
    fake: FakeBotApi, bot_app: Application
) -> None:
    """The name must end as the type does, and the bytes the bot downloads must be that type:
    an .apk sent as a PDF, an .exe sent as a PNG, a "PDF" that is not one and a PNG that does
    not open are each refused with their own reason; a real PNG goes through."""
    import io

    from PIL import Image

    employee = fake.user(8131, first_name="Siti", last_name="Aminah")
    await register(fake, employee)
    await report_training(employee)
    refusals = [
        ("sertifikat.pdf.apk", b"%PDF-1.4", "application/pdf", "akhiran .pdf, .jpg"),
        ("Sertifikat_Diklat.exe", b"\x89PNG\r\n\x1a\n", "image/png", "akhiran .pdf, .jpg"),
        ("sertifikat.pdf", b"MZ\x90\x00 not a pdf", "application/pdf", "Isi berkas tidak sesuai"),
        ("sertifikat.png", b"\x89PNG\r\n\x1a\n broken", "image/png", "Isi berkas tidak sesuai"),
        ("sertifikat.jpg", b"\x89PNG\r\n\x1a\n", "image/jpeg", "Isi berkas tidak sesuai"),
    ]
    for name, data, mime, expect in refusals:
        employee.send_document(name, data, mime)
        await employee.wait_for_reply(lambda m, e=expect: e in (m.text or ""))  # type: ignore[misc]
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    employee.send_document("Sertifikat Diklat.PNG", buffer.getvalue(), "image/png")
    await send_report(employee, "menunggu verifikasi admin")
    async with db_of(bot_app).transaction() as s:
        rows = (await s.scalars(select(ExternalTraining))).all()
    assert [r.file_name for r in rows] == ["Sertifikat Diklat.PNG"]
