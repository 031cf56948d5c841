"""Report numbers against a small province computed by hand, on a real SQLite database."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from bot.services import reports as report_files
from bot.store import ledger, reports
from db.models import Employee
from db.session import Database

TARGET = 2000  # 20 JP


async def seed(db: Database) -> None:
    """Three OPDs. Credits (JP) in 2026 unless said otherwise:

    A: a1 15 (teknis) + 6 (external) = 21 -> reached; total 60.5 JP; a2 20 (manajerial) -> reached;
       a3 19.5 (teknis) -> not; a4 nothing in 2026, 30 in 2025 -> not.
    B: b1 5 (sosial_kultural) -> not.
    C: c1 25 (teknis) -> reached; c2 25 (teknis) -> reached.
    """
    people = [
        ("A", "a1", [(1500, "teknis", 2026, "module"), (600, None, 2026, "external")]),
        ("A", "a2", [(2000, "manajerial", 2026, "module")]),
        ("A", "a3", [(1950, "teknis", 2026, "module")]),
        ("A", "a4", [(3000, "teknis", 2025, "module")]),
        ("B", "b1", [(500, "sosial_kultural", 2026, "module")]),
        ("C", "c1", [(2500, "teknis", 2026, "module")]),
        ("C", "c2", [(2500, "teknis", 2026, "module")]),
    ]
    async with db.transaction() as s:
        for number, (opd, name, credits) in enumerate(people, start=1):
            employee = Employee(
                telegram_id=1000 + number,
                nip=f"1990010120180120{number:02d}",
                name=name,
                opd_code=opd,
                kind="PNS",
                consent_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
            s.add(employee)
            await s.flush()
            for index, (jp, category, year, kind) in enumerate(credits):
                await ledger.credit(
                    s,
                    ledger.Credit(
                        employee_id=employee.id,
                        year=year,
                        jp_centi=jp,
                        source_kind=kind,
                        source_id=f"s{index}",
                        title=f"Kursus {index}",
                        category=category,
                        activity_kind="webinar" if kind == "external" else "E-learning (mikro)",
                        organiser="Penyelenggara",
                        started_on=date(year, 5, 1),
                        ended_on=date(year, 5, 2),
                        certificate_no="C-1" if kind == "external" else None,
                        evidence={},
                        credited_at=datetime(year, 5, 2, tzinfo=UTC),
                    ),
                )


async def test_opd_recap_matches_the_hand_computed_numbers(db: Database) -> None:
    await seed(db)
    async with db.transaction() as s:
        rows = await reports.opd_recap(s, 2026, TARGET)
        only_a = await reports.opd_recap(s, 2026, TARGET, "A")
        categories = await reports.category_totals(s, 2026, "A")
        province = await reports.category_totals(s, 2026)
    # Ranked by share reached: C 100%, A 50%, B 0%.
    assert [(r.opd_code, r.employees, r.at_target, r.total_centi) for r in rows] == [
        ("C", 2, 2, 5000),
        ("A", 4, 2, 6050),
        ("B", 1, 0, 500),
    ]
    assert rows[1].average_centi == 1513  # 60.5 JP / 4 = 15.125 -> 15.13 (half up)
    assert rows[1].share == 0.5
    assert only_a == [rows[1]]
    assert categories == {"teknis": 3450, "manajerial": 2000, None: 600}
    assert province == {"teknis": 8450, "manajerial": 2000, "sosial_kultural": 500, None: 600}


async def test_employee_list_and_exports(db: Database) -> None:
    await seed(db)
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
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A1"].value == "NIP" and sheet["A1"].font.bold
    assert sheet["I2"].value == 21 and sheet["A6"].value == "Jumlah" and sheet["I6"].value == 60.5
    assert sheet.column_dimensions["B"].width == 32

    async with db.transaction() as s:
        rows = await reports.opd_recap(s, 2026, TARGET)
    recap = report_files.recap_rows(rows, {"A": "Dinas A"})
    sheet = load_workbook(
        io.BytesIO(report_files.xlsx(report_files.RECAP_COLUMNS, recap, "R"))
    ).active
    assert [sheet.cell(row=r, column=2).value for r in (2, 3, 4)] == ["C", "A", "B"]
    assert sheet["C3"].value == "Dinas A" and sheet["F3"].value == 0.5
    assert sheet["D5"].value == 7 and sheet["E5"].value == 4  # totals row
    png = report_files.chart(rows, {}, 2026, TARGET)
    assert png.startswith(b"\x89PNG")
