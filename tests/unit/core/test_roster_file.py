"""Reading a roster file (bot/core/roster_file.py): CSV with bad rows, XLSX with a numeric NIP."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook

from bot.core.content import Catalog
from bot.core.roster_file import parse_roster
from tests.unit.helpers import write_csv

TODAY = date(2026, 11, 25)
GOOD = "19860926 201505 1 001"
GOOD2 = "19900101 201801 2 003"


def test_a_roster_with_bad_rows_lists_each_error(tmp_path: Path, catalog: Catalog) -> None:
    path = write_csv(
        tmp_path / "roster.csv",
        [
            "nip;nama;opd;unit_kerja;jabatan;golongan;jenis",
            f"{GOOD};Siti Aminah;3328;Bagian Umum;Analis;III/a;PNS",
            "12345;Salah NIP;3328;;;;PNS",
            f"{GOOD};Ganda;3328;;;;PNS",
            f"{GOOD2};OPD Asing;9999;;;;PNS",
            f"{GOOD2};Budi Santoso;3376;;;;",
        ],
    )
    parsed = parse_roster(path, catalog.opds, TODAY)
    assert [r.name for r in parsed.rows] == ["Siti Aminah", "Budi Santoso"]
    assert parsed.rows[1].kind == "PNS" and parsed.rows[0].unit_kerja == "Bagian Umum"
    assert len(parsed.errors) == 3
    assert parsed.errors[0].startswith("line 3: invalid NIP")
    assert parsed.errors[1] == "line 4: duplicate NIP 198609262015051001 (line 2)"
    assert parsed.errors[2] == "line 5: unknown OPD '9999'"


def test_xlsx_roster_with_a_numeric_nip(tmp_path: Path, catalog: Catalog) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["NIP", "Nama", "OPD"])
    sheet.append([float(GOOD.replace(" ", "")[:15]), "Terpotong", "3328"])  # Excel ate digits
    sheet.append([GOOD.replace(" ", ""), "Siti Aminah", "3328"])
    workbook.save(tmp_path / "r.xlsx")
    parsed = parse_roster(tmp_path / "r.xlsx", catalog.opds, TODAY)
    assert [r.nip for r in parsed.rows] == [GOOD.replace(" ", "")]
    assert parsed.errors[0].startswith("line 2: invalid NIP")
