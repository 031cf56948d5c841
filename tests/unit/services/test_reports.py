"""Report files (bot/services/reports.py): the employee table, SIASN rows, XLSX and the chart."""

from __future__ import annotations

from datetime import date

from bot.core.jp import JpScale, Targets
from bot.documents import columns as report_columns
from bot.services import reports as report_files
from bot.store import reports
from db.session import Database
from tests.support import active_sheet
from tests.unit.seeds import seed_province

TARGETS = Targets(pns=900, pppk=900)
SCALE = JpScale(45)


async def test_employee_list_and_exports(db: Database) -> None:
    await seed_province(db)
    async with db.transaction() as s:
        table = await report_files.employee_table(s, 2026, TARGETS, "A")
        siasn = await report_files.siasn_table(s, 2026, "A")
    rows = [(r["name"], r["module_minutes"], r["external_minutes"], r["status"]) for r in table]
    assert rows == [
        ("a1", 675, 270, "Tercapai"),
        ("a2", 900, 0, "Tercapai"),
        ("a3", 877, 0, "Belum"),
        ("a4", 0, 0, "Belum"),
    ]
    assert len(siasn) == 4 and {r["year"] for r in siasn} == {2026}
    external = next(r for r in siasn if r["certificate_no"] == "C-1")
    assert external["activity_kind"] == "webinar" and external["started_on"] == date(2026, 5, 1)

    assert external["minutes"] == 270 and external["jp"] == 270  # the JP column shows 6,00

    data = report_files.xlsx(report_columns.EMPLOYEE_COLUMNS, table, "A", SCALE)
    sheet = active_sheet(data)
    assert sheet["A1"].value == "NIP" and sheet["A1"].font.bold
    assert [sheet.cell(row=1, column=c).value for c in (7, 8, 9, 10)] == [
        "Menit modul",
        "Menit eksternal",
        "Menit total",
        "JP total",
    ]
    assert sheet["I2"].value == 945 and sheet["J2"].value == 21  # 945 minutes = 21 JP
    # Totals: 2722 minutes, and their JP from the summed minutes (60.49), not a sum of roundings.
    assert sheet["A6"].value == "Jumlah" and sheet["I6"].value == 2722
    assert sheet["J6"].value == 60.49
    assert sheet.column_dimensions["B"].width == 32

    async with db.transaction() as s:
        recap_rows = await reports.opd_recap(s, 2026, TARGETS)
    recap = report_files.recap_rows(recap_rows, {"A": "Dinas A"})
    sheet = active_sheet(report_files.xlsx(report_columns.RECAP_COLUMNS, recap, "R", SCALE))
    assert [sheet.cell(row=r, column=2).value for r in (2, 3, 4)] == ["C", "A", "B"]
    assert [sheet.cell(row=1, column=c).value for c in (4, 5, 6, 7, 8)] == [
        "Pegawai",
        "Terdaftar",
        "Terverifikasi",
        "Mencapai target",
        "% mencapai target",
    ]
    assert sheet["C3"].value == "Dinas A" and sheet["H3"].value == 0.5
    assert [sheet.cell(row=5, column=c).value for c in (4, 5, 6, 7)] == [7, 7, 7, 4]  # totals
    png = report_files.chart(recap_rows, {}, 2026, "20")
    assert png.startswith(b"\x89PNG")
