"""/laporan end to end: an OPD admin's recap and exports; another OPD's report refused, whatever
the button says."""

from __future__ import annotations

from telegram.ext import Application

from bot.emulator import FakeBotApi
from tests.e2e.helpers import register, say
from tests.e2e.hours_helpers import (
    NIP_ADMIN,
    NIP_OTHER,
    add_employee,
    callback_answer,
    credit_module,
    grant,
    uploaded,
)
from tests.support import active_sheet, excel_csv


async def test_laporan_scope_exports_and_forged_buttons(
    fake: FakeBotApi, bot_app: Application
) -> None:
    learner = fake.user(8221, first_name="Siti", last_name="Aminah")
    admin = fake.user(8222, first_name="Budi", last_name="Santoso")
    await register(fake, learner, app=bot_app)
    await register(fake, admin, NIP_ADMIN, app=bot_app)
    await grant(bot_app, admin.id, "opd_admin", "3328")
    await add_employee(bot_app, 8223, NIP_OTHER, "3376", "Rina Lestari")
    await credit_module(bot_app, learner.id, "berakhlak", 900)

    # An employee sees no report; /jp is theirs.
    await say(learner, "/laporan", "khusus admin")

    recap = await say(admin, "/laporan", "Laporan Kabupaten Tegal")
    assert "Pegawai: <b>2</b> · terdaftar 2 · terverifikasi 2" in recap.html
    assert "Mencapai target: <b>1</b> (50,0%)" in recap.html
    assert "Rata-rata: <b>10 JP (450 menit)</b>" in recap.html
    # Another OPD, asked by command or by a forged button, is refused.
    await say(admin, "/laporan 3376", "instansinya sendiri")
    forged = admin.press(recap.message_id, "lap:xlsx:3376:2026")
    assert "instansinya sendiri" in await callback_answer(fake, forged)
    province = admin.press(recap.message_id, "lap:recap:all:2026")
    assert "instansinya sendiri" in await callback_answer(fake, province)

    admin.press_button("Pegawai (XLSX)", recap.message_id)
    # Exports are built by a child process (a Python start-up): slow on a busy machine.
    sent = await admin.wait_for_reply(lambda m: m.kind == "document", timeout=30)
    assert sent.document is not None
    assert sent.document["file_name"] == "pegawai-kabupaten-tegal-2026.xlsx"
    assert sent.text == "Pegawai: Kabupaten Tegal — 2026"  # the agency's name, not its code
    assert admin.chat.actions == ["upload_document"]  # "sending a file…" while it was made
    sheet = active_sheet(uploaded(fake, sent))
    assert sheet.title == "Kabupaten Tegal"
    assert sheet["A1"].value == "NIP" and sheet["J1"].value == "JP total"
    names = [sheet.cell(row=r, column=2).value for r in (2, 3)]
    assert names == ["Budi Santoso", "Siti Aminah"]
    assert sheet["I3"].value == 900 and sheet["J3"].value == 20  # minutes and JP
    assert sheet["K3"].value == "Tercapai"
    assert sheet["K2"].value == "Belum"
    assert sheet["A4"].value == "Jumlah" and sheet["I4"].value == 900 and sheet["J4"].value == 20

    admin.press_button("Pegawai (CSV)", recap.message_id)
    sent_csv = await admin.wait_for_reply(lambda m: m.kind == "document", timeout=30)
    text = uploaded(fake, sent_csv).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("NIP;Nama;")
    assert "Siti Aminah" in text and "Rina Lestari" not in text
    # Opened in Excel with a double-click, the NIPs are every digit, as text.
    header, *rows = excel_csv(uploaded(fake, sent_csv))
    assert header[0] == "NIP"
    assert sorted(str(r[0]) for r in rows) == ["198609262015051001", "199001012018012003"]
    assert all(isinstance(r[0], str) for r in rows)
    assert all(isinstance(r[9], float) for r in rows)  # JP stays a number

    admin.press_button("Riwayat kursus (SIASN)", recap.message_id)
    siasn = await admin.wait_for_reply(lambda m: m.kind == "document", timeout=30)
    assert siasn.document is not None
    assert siasn.document["file_name"] == "riwayat-kursus-kabupaten-tegal-2026.xlsx"
