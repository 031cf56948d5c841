"""Report files (bot/services/reports.py): the employee table, SIASN rows, XLSX and the chart."""

from __future__ import annotations

from datetime import date

from bot.services import reports as report_files
from bot.store import reports
from db.session import Database
from tests.support import active_sheet
from tests.unit.seeds import seed_province

TARGET = 2000  # 20 JP


async def test_employee_list_and_exports(db: Database) -> None:
    await seed_province(db)
    async with db.transaction() as s:
        table = await report_files.employee_table(s, 2026, TARGET, "A")
        siasn = await report_files.siasn_table(s, 2026, "A")
    assert [(r["name"], r["module_centi"], r["external_centi"], r["status"]) for r in table] == [
        ("a1", 1500, 600, "Tercapai"),
        ("a2", 2000, 0, "Tercapai"),
        ("a3", 1950, 0, "Belum"),
        ("a4", 0, 0, "Belum"),
    ]
    assert len(siasn) == 4 and {r["year"] for r in siasn} == {2026}
    external = next(r for r in siasn if r["certificate_no"] == "C-1")
    assert external["activity_kind"] == "webinar" and external["started_on"] == date(2026, 5, 1)

    data = report_files.xlsx(report_files.EMPLOYEE_COLUMNS, table, "A")
    sheet = active_sheet(data)
    assert sheet["A1"].value == "NIP" and sheet["A1"].font.bold
    assert sheet["I2"].value == 21 and sheet["A6"].value == "Jumlah" and sheet["I6"].value == 60.5
    assert sheet.column_dimensions["B"].width == 32

    async with db.transaction() as s:
        rows = await reports.opd_recap(s, 2026, TARGET)
    recap = report_files.recap_rows(rows, {"A": "Dinas A"})
    sheet = active_sheet(report_files.xlsx(report_files.RECAP_COLUMNS, recap, "R"))
    assert [sheet.cell(row=r, column=2).value for r in (2, 3, 4)] == ["C", "A", "B"]
    assert sheet["C3"].value == "Dinas A" and sheet["F3"].value == 0.5
    assert sheet["D5"].value == 7 and sheet["E5"].value == 4  # totals row
    png = report_files.chart(rows, {}, 2026, TARGET)
    assert png.startswith(b"\x89PNG")
