"""/lapor never traps (issue 16): every step says what to type and has a way out, a certificate
without a number is a button, a file sent early is kept, the chosen kind stays on screen, a
summary with "Kirim" / "Ubah <field>" comes before sending, a pending report can be withdrawn
(and an admin's later decision is then refused, and vice versa), a rejected report is corrected
from its own data, the list of one's reports starts no wizard, and /start asks before it
throws a draft away."""

from __future__ import annotations

from sqlalchemy import func, select
from telegram.ext import Application

from bot.app.application import services_of
from bot.emulator import FakeBotApi, FakeUser
from db.models import ChatSession, ExternalTraining, JpLedgerEntry
from tests.e2e.helpers import register, say, tap
from tests.e2e.hours_helpers import (
    NIP_ADMIN,
    callback_answer,
    db_of,
    grant,
    report_training,
    send_report,
)

MENU = "Apa yang ingin dikerjakan hari ini?"


async def _reports(app: Application) -> list[ExternalTraining]:
    async with db_of(app).transaction() as s:
        return list((await s.scalars(select(ExternalTraining).order_by(ExternalTraining.id))).all())


async def _admin(fake: FakeBotApi, app: Application, uid: int) -> FakeUser:
    admin = fake.user(uid, first_name="Budi", last_name="Santoso")
    await register(fake, admin, NIP_ADMIN)
    await grant(app, admin.id, "opd_admin", "3328")
    return admin


async def test_every_step_says_what_to_type_and_a_file_sent_early_is_kept(
    fake: FakeBotApi, bot_app: Application
) -> None:
    user = fake.user(16101, first_name="Siti", last_name="Aminah")
    await register(fake, user)
    title = await say(user, "/lapor", "nama pelatihan")
    assert "contoh" in (title.text or "") and "✖️ Batalkan laporan" in title.button_texts
    organiser = await say(user, "Pelatihan Kepemimpinan", "penyelenggara")
    assert "contoh" in (organiser.text or "")
    kinds = await say(user, "BPSDMD Jateng", "jenis")
    await tap(user, "Webinar", "tanggal mulai", kinds.message_id)
    # The kind chosen stays on screen: its message shows the choice, not the next question.
    shown = user.chat.get(kinds.message_id)
    assert shown is not None and "Jenis kegiatan: Webinar" in (shown.text or "")
    assert shown.buttons == []

    # The certificate sent one step early: kept, and the step asked again.
    user.send_photo()
    await user.wait_for_reply(lambda m: "Berkas sertifikat disimpan" in (m.text or ""))
    start = await user.wait_for_reply(lambda m: "tanggal mulai" in (m.text or ""))
    assert "contoh" in (start.text or "")
    await say(user, "20-11-2026", "tanggal selesai")
    await say(user, "21-11-2026", "jumlah JP")
    cert = await say(user, "4", "nomor sertifikat")
    assert "contoh" in (cert.text or "") and "Tidak ada nomor" in cert.button_texts
    # No number: a button; and the file step is skipped, the file being there already.
    summary = await tap(user, "Tidak ada nomor", "Periksa laporan", cert.message_id)
    assert "(tanpa nomor)" in (summary.text or "") and "📷 foto" in (summary.text or "")
    assert "Jenis: Webinar" in (summary.text or "")
    assert summary.button_texts[0] == "✅ Kirim"
    assert {"✏️ Ubah JP", "✏️ Ubah tanggal", "✏️ Ubah berkas"} <= set(summary.button_texts)
    # Typing at the summary: told to use its buttons, and shown it again.
    await say(user, "sudah", "ketuk ✅ Kirim")
    receipt = await send_report(user)
    assert "↩️ Tarik laporan" in receipt.button_texts and "🏠 Menu" in receipt.button_texts
    [report] = await _reports(bot_app)
    assert (report.certificate_no, report.certificate_key, report.file_kind) == ("", "", "photo")
    assert fake.violations == []


async def test_the_summary_changes_one_field_and_rechecks_what_it_affects(
    fake: FakeBotApi, bot_app: Application
) -> None:
    user = fake.user(16102, first_name="Siti", last_name="Aminah")
    await register(fake, user)
    await report_training(user, jp="4")
    user.send_document("sertifikat.pdf", b"%PDF-1.4 certificate", "application/pdf")
    summary = await user.wait_for_reply(lambda m: "Periksa laporan" in (m.text or ""))
    assert "sertifikat.pdf" in (summary.text or "")
    first_send = summary.button("Kirim")["callback_data"]
    # One mistake: the JP. Changed in place, and back to the summary.
    ask = await tap(user, "Ubah JP", "jumlah JP", summary.message_id)
    assert ask.message_id == summary.message_id
    again = await say(user, "3", "Periksa laporan")
    assert "JP: 3" in (again.text or "")
    # New dates of one day: the 3 JP still fit (10 a day); a day in the future is refused.
    await tap(user, "Ubah tanggal", "tanggal mulai", again.message_id)
    await say(user, "30-11-2026", "masa depan")
    await say(user, "22-11-2026", "tanggal selesai")
    dated = await say(user, "22-11-2026", "Periksa laporan")
    assert "22-11-2026 s.d. 22-11-2026" in (dated.text or "") and "JP: 3" in (dated.text or "")
    # The old summary's buttons are stale now.
    stale = user.press(summary.message_id, first_send)
    assert "draf lama" in await callback_answer(fake, stale)
    assert await _reports(bot_app) == []
    await tap(user, "Kirim", "menunggu verifikasi", dated.message_id)
    [report] = await _reports(bot_app)
    assert report.jp_centi == 300 and report.started_on.isoformat() == "2026-11-22"
    assert fake.violations == []


async def test_a_pending_report_is_withdrawn_and_the_admin_refused_and_vice_versa(
    fake: FakeBotApi, bot_app: Application
) -> None:
    user = fake.user(16103, first_name="Siti", last_name="Aminah")
    await register(fake, user)
    admin = await _admin(fake, bot_app, 16104)
    await report_training(user)
    user.send_photo()
    receipt = await send_report(user)
    review = await admin.wait_for_reply(lambda m: "Laporan pelatihan #" in (m.text or ""))
    withdrawn = await tap(user, "Tarik laporan", "ditarik", receipt.message_id)
    assert "✏️ Perbaiki dan kirim ulang" in withdrawn.button_texts
    pressed = admin.press(review.message_id, review.button("Setujui")["callback_data"])
    assert "sudah ditarik oleh pegawai" in await callback_answer(fake, pressed)
    [report] = await _reports(bot_app)
    assert report.status == "withdrawn"
    async with db_of(bot_app).transaction() as s:
        assert await s.scalar(select(func.count()).select_from(JpLedgerEntry)) == 0

    # Vice versa: approved first, then the employee's withdrawal is refused.
    await report_training(user, cert="SRT/2026/002")
    user.send_photo()
    second = await send_report(user)
    review2 = await admin.wait_for_reply(lambda m: "SRT/2026/002" in (m.text or ""))
    await tap(admin, "Setujui", "Disetujui", review2.message_id)
    late = user.press(second.message_id, second.button("Tarik laporan")["callback_data"])
    assert "sudah tidak menunggu: ✅ disetujui" in await callback_answer(fake, late)
    assert [r.status for r in await _reports(bot_app)] == ["withdrawn", "approved"]
    assert fake.violations == []


async def test_a_rejected_report_is_corrected_from_its_data_and_the_list_starts_no_wizard(
    fake: FakeBotApi, bot_app: Application
) -> None:
    user = fake.user(16105, first_name="Siti", last_name="Aminah")
    await register(fake, user)
    admin = await _admin(fake, bot_app, 16106)
    await report_training(user)
    user.send_photo()
    await send_report(user)
    review = await admin.wait_for_reply(lambda m: "Laporan pelatihan #" in (m.text or ""))
    await tap(admin, "Tolak", "alasan penolakan", review.message_id)
    await say(admin, "Sertifikat buram.", "ditolak")
    notice = await user.wait_for_reply(lambda m: "ditolak" in (m.text or ""))
    assert "Laporan pelatihan Webinar" not in (notice.text or "")
    assert notice.button_texts == ["✏️ Perbaiki dan kirim ulang"]

    # The list: one's reports with their actions, and no wizard behind it.
    mine = await say(user, "/lapor", "Laporan Bapak/Ibu")
    assert mine.button_texts[0] == "➕ Laporan baru"
    assert "✏️ Perbaiki #" in " ".join(mine.button_texts)
    async with db_of(bot_app).transaction() as s:
        assert await s.get(ChatSession, user.id) is None

    # A new draft being written is never overwritten by the correction's tap.
    await tap(user, "Laporan baru", "nama pelatihan", mine.message_id)
    await say(user, "Diklat Teknis", "penyelenggara")
    pressed = user.press(notice.message_id, notice.button("Perbaiki")["callback_data"])
    assert "Selesaikan atau batalkan dulu" in await callback_answer(fake, pressed)
    step = await user.wait_for_reply(lambda m: "penyelenggara" in (m.text or ""))
    listed = await say(user, "/lapor", "belum selesai")
    assert listed.button_texts[0] == "▶️ Lanjutkan laporan"
    await tap(user, "Batalkan laporan", MENU, step.message_id)

    # Corrected from the rejection notice: the summary with every field, one change, sent.
    summary = await tap(user, "Perbaiki dan kirim ulang", "Periksa laporan", notice.message_id)
    assert "Perbaikan laporan #" in (summary.text or "")
    assert "Webinar Literasi Digital ASN" in (summary.text or "")
    await tap(user, "Ubah berkas", "foto atau PDF", summary.message_id)
    user.send_document("sertifikat-jelas.pdf", b"%PDF-1.4 sharp", "application/pdf")
    fixed = await user.wait_for_reply(lambda m: "Periksa laporan" in (m.text or ""))
    assert "sertifikat-jelas.pdf" in (fixed.text or "")
    await tap(user, "Kirim", "menunggu verifikasi", fixed.message_id)
    old, new = await _reports(bot_app)
    assert (old.status, new.status) == ("rejected", "pending")
    assert (new.title, new.certificate_no, new.file_name) == (
        old.title,
        old.certificate_no,
        "sertifikat-jelas.pdf",
    )
    assert new.duplicate_of is None  # the rejected one is no duplicate
    assert fake.violations == []


async def test_start_in_the_middle_of_lapor_asks_before_discarding(
    fake: FakeBotApi, bot_app: Application
) -> None:
    user = fake.user(16107, first_name="Siti", last_name="Aminah")
    await register(fake, user)
    await say(user, "/lapor", "nama pelatihan")
    await say(user, "Diklat PIM", "penyelenggara")
    ask = await say(user, "/start", "belum selesai (langkah 2/8)")
    resumed = await tap(user, "Lanjutkan laporan", "penyelenggara", ask.message_id)
    assert resumed.message_id == ask.message_id
    await say(user, "BPSDMD", "jenis")
    ask = await say(user, "/start", "belum selesai (langkah 3/8)")
    await tap(user, "Buang", MENU, ask.message_id)
    async with db_of(bot_app).transaction() as s:
        assert await s.get(ChatSession, user.id) is None
    # The cancel button of a step does the same.
    step = await say(user, "/lapor", "nama pelatihan")
    await tap(user, "Batalkan laporan", MENU, step.message_id)
    assert await services_of(bot_app).trainings.draft(user.id) is None
    assert fake.violations == []
