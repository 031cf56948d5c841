"""The admins' main jobs without friction (issue 16, items 8-14): agencies by name in
/laporan, a readable /audit, roles shown and told, announcements, reviews that keep their
context, readable charts and CSV that opens right in Excel."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest
from telegram.ext import Application

from bot.app.application import build_application, polling
from bot.config import Settings
from bot.core.content import Catalog
from bot.emulator import FakeBotApi
from bot.services.roles import record
from db.models import ExternalTraining
from tests.e2e.helpers import preview, say, tap
from tests.e2e.hours_helpers import (
    NIP_ADMIN,
    NIP_FAR,
    NIP_OTHER,
    add_employee,
    credit_module,
    db_of,
    report_training,
    send_report,
    uploaded,
)
from tests.support import FakeClock, active_sheet

SUPER = 9100
DINKES = "Dinas Kesehatan Provinsi Jawa Tengah"


@pytest.fixture
async def app(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> AsyncIterator[Application]:
    settings = settings.model_copy(
        update={"telegram_api_base_url": fake.base_url, "admin_ids": frozenset({SUPER})}
    )
    application = build_application(
        settings, catalog=catalog, clock=clock, rng=random.Random(7), run_ticks=False
    )
    async with polling(application, poll_timeout=1):
        yield application
    assert fake.violations == []
    assert fake.unanswered_callback_queries() == []


async def test_laporan_finds_agencies_by_name_and_names_its_files(
    fake: FakeBotApi, app: Application
) -> None:
    boss = fake.user(SUPER, first_name="Kepala", started=True)
    fake.user(8301, first_name="Sari", started=True)
    await add_employee(app, 8301, NIP_ADMIN, "prov-dinkes", "Sari Wulandari")
    await add_employee(app, 8302, NIP_OTHER, "3328", "Rina Lestari")
    await credit_module(app, 8301, "berakhlak", 900)

    # The name as people say it: the agency, with its employees, never "belum ada pegawai".
    found = await say(boss, "/laporan Dinas Kesehatan", "Laporan")
    assert f"Laporan {DINKES}" in found.html and "Pegawai: <b>1</b>" in found.html
    assert "Belum ada pegawai" not in found.html
    assert "📊 Pegawai (XLSX)" in found.button_texts

    # Part of a name that fits two agencies: a button each, by name.
    choice = await say(boss, "/laporan semarang", "Pilih salah satu")
    assert choice.button_texts[:2] == ["Kabupaten Semarang", "Kota Semarang"]
    empty = await tap(boss, "Kota Semarang", "Laporan Kota Semarang")
    assert "Belum ada pegawai" in empty.html and empty.buttons == []  # nothing to export

    # A name that does not exist: "tidak ditemukan", suggestions, and no exports.
    unknown = await say(boss, "/laporan dinas keshatan", "tidak ditemukan")
    assert "📊 Pegawai (XLSX)" not in unknown.button_texts
    assert DINKES in unknown.button_texts
    await tap(boss, "Dinas Kesehatan", f"Laporan {DINKES}")
    nothing = await say(boss, "/laporan zzzz qqqq", "tidak ditemukan")
    assert nothing.buttons == []

    # The ranking offers each agency as a button, by its name without the province.
    ranking = await say(boss, "/laporan", "Peringkat OPD")
    assert "1. Dinas Kesehatan" in ranking.button_texts, ranking.button_texts
    report = await tap(boss, "1. Dinas Kesehatan", f"Laporan {DINKES}")

    boss.press_button("Pegawai (XLSX)", report.message_id)
    sent = await boss.wait_for_reply(lambda m: m.kind == "document", timeout=30)
    assert sent.document is not None
    assert sent.document["file_name"] == "pegawai-dinas-kesehatan-provinsi-jawa-tengah-2026.xlsx"
    assert sent.text == f"Pegawai: {DINKES} — 2026"
    assert active_sheet(uploaded(fake, sent)).title == "Dinas Kesehatan"

    boss.press_button("Rekap OPD", ranking.message_id)
    recap = await boss.wait_for_reply(lambda m: m.kind == "document", timeout=30)
    assert recap.document is not None
    assert recap.document["file_name"] == "rekap-opd-seluruh-instansi-2026.xlsx"
    assert recap.text == "Rekap OPD: Seluruh instansi Jawa Tengah — 2026"
    for message in fake.chat(SUPER).messages:  # no internal code anywhere an admin reads
        assert "prov-dinkes" not in (message.text or "") and " all " not in (message.text or "")


async def _report_row(app: Application, employee_id: int, title: str, jp_centi: int) -> int:
    async with db_of(app).transaction() as s:
        report = ExternalTraining(
            employee_id=employee_id,
            opd_code="prov-dinkes",
            title=title,
            organiser="Kominfo Jateng",
            activity_kind="webinar",
            started_on=date(2026, 11, 2),
            ended_on=date(2026, 11, 3),
            jp_centi=jp_centi,
            certificate_no="SRT/2026/001",
            certificate_key="srt2026001",
            file_id="AgAD",
            file_unique_id="u1",
            file_kind="photo",
            status="approved",
            submitted_at=datetime(2026, 11, 3, tzinfo=UTC),
        )
        s.add(report)
        await s.flush()
        return report.id


async def test_audit_reads_as_sentences_filters_pages_and_exports(
    fake: FakeBotApi, app: Application, clock: FakeClock
) -> None:
    boss = fake.user(SUPER, first_name="Kepala", started=True)
    officer = fake.user(8311, first_name="Sari", started=True)
    sari = await add_employee(app, officer.id, NIP_ADMIN, "prov-dinkes", "Sari Wulandari")
    await add_employee(app, 8312, NIP_OTHER, "prov-dinkes", "Rina Lestari")
    # A role granted through the chat, as superadmins do it.
    await say(boss, "/admin 19900101 201801 2 003", "Pilih peran baru")
    await tap(boss, "Jadikan admin OPD", "sekarang: Admin OPD")
    report_id = await _report_row(app, sari, "Webinar Literasi Digital", 250)
    async with db_of(app).transaction() as s:
        await record(
            s,
            clock,
            officer.id,
            "training.approve",
            {"report_id": report_id, "opd": "prov-dinkes", "jp_centi": 250},
        )
        await record(
            s,
            clock,
            777,
            "registration.failed",
            {"nip": NIP_FAR.replace(" ", ""), "reason": "taken"},
        )

    log = await say(boss, "/audit", "Log audit")
    html = log.html
    assert "10:00" in html and "WIB" in html  # 03:00 UTC is 10:00 in Jakarta
    assert (
        "<b>Sari Wulandari</b> (Admin OPD Dinas Kesehatan) menyetujui laporan pelatihan "
        f"#{report_id} (Webinar Literasi Digital, 2,5 JP) milik Sari Wulandari "
        "(NIP 199001012018012003)"
    ) in html
    assert (
        "<b>Superadmin dari konfigurasi</b> (Superadmin) menjadikan Sari Wulandari "
        "(NIP 199001012018012003) Admin OPD Dinas Kesehatan"
    ) in html
    assert "(tanpa akun) gagal mendaftar dengan NIP 198003032005011004: NIP sudah dipakai" in html
    for code in ("jp_centi", "employee_id", "report_id", "{", "role.grant", "prov-dinkes"):
        assert code not in html

    # Filter by kind of action, then by admin.
    await tap(boss, "Saring per tindakan", "Tampilkan tindakan apa?")
    roles = await tap(boss, "Peran admin", "Hanya: Peran admin")
    assert "menjadikan Sari" in roles.html and "menyetujui" not in roles.html
    await tap(boss, "Saring per admin", "Tampilkan tindakan siapa?")
    mine = await tap(boss, "Sari Wulandari (Admin OPD", "Hanya: Sari Wulandari")
    assert "menyetujui" in mine.html and "menjadikan" not in mine.html
    everything = await tap(boss, "Tanpa filter", "Log audit")
    assert "Hanya:" not in everything.html

    # The whole log as CSV: a sentence per entry beside its stored codes.
    boss.press_button("Seluruh log (CSV)")
    sent = await boss.wait_for_reply(lambda m: m.kind == "document", timeout=30)
    assert sent.document is not None and sent.document["file_name"] == "log-audit-2026-11-25.csv"
    rows = list(csv.reader(io.StringIO(uploaded(fake, sent).decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Waktu", "Oleh", "Peran", "Tindakan", "Kode tindakan", "Data asli (JSON)"]
    assert any(r[3].startswith("menyetujui laporan pelatihan") for r in rows[1:])
    assert len(rows) == 1 + 4  # grant, approve, failure, and the role lookup of /admin

    # Hundreds of entries: a page fits a message, "Lebih lama" goes on where it stopped.
    async with db_of(app).transaction() as s:
        for i in range(150):
            await record(s, clock, officer.id, "broadcast.cancel", {"broadcast_id": i + 1})
    first = await say(boss, "/audit", "Log audit")
    assert "#150" in first.html and "#1)" not in first.html
    older = await tap(boss, "Lebih lama", "Log audit")
    assert "#150" not in older.html


async def test_configured_superadmins_show_as_such_and_employees_learn_who_reviews(
    fake: FakeBotApi, app: Application
) -> None:
    boss = fake.user(SUPER, first_name="Kepala", started=True)
    await add_employee(app, SUPER, NIP_FAR, "prov-bpsdmd", "Hartono")
    card = await say(boss, "/admin 19800303 200501 1 004", "Peran saat ini")
    assert "Peran saat ini: <b>Superadmin</b> (dari konfigurasi server)" in card.html
    assert "tanpa peran" not in card.html and card.buttons == []

    # An agency without an admin of its own: the employee is told who reviews instead.
    employee = fake.user(8321, first_name="Sari", started=True)
    await add_employee(app, employee.id, NIP_ADMIN, "prov-dinkes", "Sari Wulandari")
    await report_training(employee)
    employee.send_document("sertifikat.pdf", b"%PDF-1.4 certificate", "application/pdf")
    done = await send_report(employee)
    assert (
        f"Belum ada admin OPD {DINKES} yang dapat memverifikasi laporan ini, jadi laporan ini "
        "diverifikasi oleh superadmin Sinau Bareng di BPSDMD Provinsi Jawa Tengah"
    ) in (done.text or "")
    await boss.wait_for_reply(lambda m: "Laporan pelatihan #1" in (m.text or ""))


async def test_an_announcement_to_one_agency_by_name_with_its_sender_line(
    fake: FakeBotApi, app: Application
) -> None:
    boss = fake.user(SUPER, first_name="Kepala", started=True)
    tegal = [fake.user(8331 + i, first_name=f"T{i}", started=True) for i in range(2)]
    other = fake.user(8335, first_name="Lain", started=True)
    for i, person in enumerate(tegal):
        await add_employee(app, person.id, f"1986092620150510{i + 11}", "3328", f"Tegal {i}")
    await add_employee(app, other.id, NIP_OTHER, "3376", "Rina Lestari")

    # 3 messages and 4 taps (before: 2 messages and 13 taps, 8 of them paging the agencies).
    await say(boss, "/umumkan", "Pengumuman baru")
    await say(boss, "Rapat koordinasi Jumat pukul 09.00.", "Tambahkan tombol")
    audience = await tap(boss, "Tanpa tombol", "Jumlah penerima")
    assert "ketik sebagian namanya" in audience.html
    found = await say(boss, "kab tegal", "Pilih penerima")
    assert found.button_texts[0] == "Kabupaten Tegal"
    chosen = await tap(boss, "Kabupaten Tegal", "Instansi: Kabupaten Tegal")
    assert "Jumlah penerima saat ini: <b>2</b>" in chosen.html
    before = len(fake.chat(SUPER).messages)
    shown = await preview(boss, 2, chosen.message_id)
    # One message: the announcement as recipients get it, its sender line first, the actions.
    assert len(fake.chat(SUPER).messages) == before + 1
    sender = "📣 Dari Admin Sinau Bareng · BPSDMD Provinsi Jawa Tengah\n\n"
    assert shown.text == sender + "Rapat koordinasi Jumat pukul 09.00."
    assert shown.button_texts == [
        "✅ Kirim sekarang (2)",
        "🗓 Jadwalkan",
        "« Ubah penerima",
        "❌ Batalkan",
    ]
    await tap(boss, "Kirim sekarang", "Pengumuman #1", shown.message_id)
    assert shown.buttons == []  # the preview stays as sent, with no stale actions
    for person in tegal:
        got = await person.wait_for_reply(lambda m: "Rapat koordinasi" in (m.text or ""), 15)
        assert got.text == sender + "Rapat koordinasi Jumat pukul 09.00."
    assert not any("Rapat" in (m.text or "") for m in other.chat.messages)


async def test_terjadwal_edits_its_list_after_a_cancel(fake: FakeBotApi, app: Application) -> None:
    boss = fake.user(SUPER, first_name="Kepala", started=True)
    fake.user(8341, first_name="P", started=True)
    await add_employee(app, 8341, NIP_OTHER, "3328", "Rina Lestari")
    for when in ("26/11/2026 08:00", "27/11/2026 08:00"):
        await say(boss, "/umumkan", "Pengumuman baru")
        await say(boss, f"Jadwal {when}", "Tambahkan tombol")
        audience = await tap(boss, "Tanpa tombol", "Jumlah penerima")
        shown = await preview(boss, 1, audience.message_id)
        await tap(boss, "Jadwalkan", "Ketik tanggal dan jam", shown.message_id)
        await say(boss, when, "dijadwalkan")
    listed = await say(boss, "/terjadwal", "Pengumuman terjadwal")
    assert listed.button_texts == ["Batalkan #1", "Batalkan #2"]
    edited = await tap(boss, "Batalkan #1", "dibatalkan", listed.message_id)
    assert edited.message_id == listed.message_id
    assert "Pengumuman #1 dibatalkan." in edited.html and "#2 —" in edited.html
    assert edited.button_texts == ["Batalkan #2"]  # no stale "Batalkan #1" left
    last = await tap(boss, "Batalkan #2", "Tidak ada pengumuman terjadwal", listed.message_id)
    assert last.buttons == [] and "Pengumuman #2 dibatalkan." in last.html


async def test_the_province_chart_comes_in_readable_pages(
    fake: FakeBotApi, app: Application, catalog: Catalog
) -> None:
    boss = fake.user(SUPER, first_name="Kepala", started=True)
    codes = list(catalog.opds)[:22]
    for i, code in enumerate(codes):
        await add_employee(app, 8400 + i, f"1986092620150520{i + 10}", code, f"Pegawai {i}")
    ranking = await say(boss, "/laporan", "Peringkat OPD")
    boss.press_button("Grafik kepatuhan", ranking.message_id)
    first = await boss.wait_for_reply(lambda m: m.kind == "photo", timeout=30)
    second = await boss.wait_for_reply(lambda m: m.kind == "photo", timeout=30)
    assert first.text == "Grafik kepatuhan: Seluruh instansi Jawa Tengah — 2026, bagian 1 dari 2"
    assert second.text == "Grafik kepatuhan: Seluruh instansi Jawa Tengah — 2026, bagian 2 dari 2"
    for photo in (first, second):
        assert photo.photo is not None
        biggest = max(photo.photo, key=lambda size: size["width"])
        # About as tall as wide (not 1200 x 5061): a phone shows it near its full width.
        assert biggest["height"] <= 1.25 * biggest["width"]
