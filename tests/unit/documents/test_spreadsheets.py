"""XLSX and CSV tables (bot/documents/spreadsheets.py)."""

from __future__ import annotations

import codecs
import csv
import io
import random
import string
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bot.documents.spreadsheets import (
    Column,
    ColumnKind,
    CsvZipStream,
    to_csv,
    to_xlsx,
    totals,
)
from bot.texts import documents as labels
from tests.support import active_sheet

COLUMNS = [
    Column("nip", "NIP"),
    Column("name", "Nama"),
    Column("modules", "Modul", ColumnKind.INTEGER, total=True),
    Column("jp", "JP", ColumnKind.JP, total=True),
    Column("last", "Terakhir", ColumnKind.DATE),
    Column("share", "Capaian", ColumnKind.PERCENT, width=12),
]

ROWS = [
    {"nip": "198609262015051001", "name": "Siti Nur’aini", "modules": 3, "jp": 473,
     "last": date(2026, 11, 2), "share": 0.525},
    {"nip": "199001012020012002", "name": "Bambang Ąłę Sudaryanto", "modules": 10, "jp": 900,
     "last": None, "share": 1.0},
    {"nip": "198001012005011003", "name": "=HYPERLINK(\"http://x\")", "modules": 0, "jp": 0,
     "last": date(2026, 1, 5), "share": 0.0},
]  # fmt: skip


def test_xlsx_has_formatted_header_widths_and_exact_totals() -> None:
    sheet = active_sheet(to_xlsx(COLUMNS, ROWS, sheet_title="OPD: Kominfo/Tegal"))
    assert sheet.title == "OPD- Kominfo-Tegal"
    header = [cell.value for cell in sheet[1]]
    assert header == ["NIP", "Nama", "Modul", "JP", "Terakhir", "Capaian"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == len(ROWS) + 2  # header, rows, totals
    totals_row = [cell.value for cell in sheet[len(ROWS) + 2]]
    assert totals_row[:4] == [labels.TOTAL, None, 13, pytest.approx(30.51)]  # 1373 minutes
    assert all(cell.font.bold for cell in sheet[len(ROWS) + 2])
    assert sheet["D2"].value == pytest.approx(10.51)  # 473 minutes
    assert sheet["D2"].number_format == "0.00"
    assert sheet["E2"].value.date() == date(2026, 11, 2)
    assert sheet["F2"].number_format == "0.0%"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEF"}
    assert widths["A"] == len("198609262015051001") + 2
    assert widths["B"] == len("Bambang Ąłę Sudaryanto") + 2
    assert widths["F"] == 12
    assert widths["D"] >= len("JP") + 2


def test_xlsx_text_never_becomes_a_formula() -> None:
    sheet = active_sheet(to_xlsx(COLUMNS, ROWS))
    assert sheet["B4"].data_type == "s"
    assert sheet["B4"].value == ROWS[2]["name"]


def test_xlsx_without_totalled_columns_has_no_totals_row() -> None:
    columns = [Column("name", "Nama"), Column("nip", "NIP")]
    sheet = active_sheet(to_xlsx(columns, ROWS))
    assert sheet.max_row == len(ROWS) + 1


def test_table_values_of_the_wrong_kind_are_refused() -> None:
    with pytest.raises(TypeError):
        to_xlsx(COLUMNS, [{**ROWS[0], "jp": Decimal("10.50")}])  # JP columns take minutes
    with pytest.raises(KeyError):
        to_csv(COLUMNS, [{"nip": "1"}])
    with pytest.raises(ValueError):
        Column("name", "Nama", total=True)
    assert totals(COLUMNS, ROWS) == {"modules": 13, "jp": 1373}


def test_csv_has_bom_and_round_trips_for_indonesian_excel() -> None:
    data = to_csv(COLUMNS, ROWS)
    assert data.startswith(codecs.BOM_UTF8)
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert parsed[0] == ["NIP", "Nama", "Modul", "JP", "Terakhir", "Capaian"]
    assert parsed[1] == ["198609262015051001", "Siti Nur’aini", "3", "10,51", "2026-11-02", "52,5%"]
    assert parsed[2][1] == "Bambang Ąłę Sudaryanto"
    assert parsed[2][4] == ""
    assert parsed[3][1] == "'" + str(ROWS[2]["name"])  # quoted so Excel shows it as text
    assert len(parsed) == len(ROWS) + 1  # no totals row by default


def test_csv_for_other_tools_and_with_totals() -> None:
    data = to_csv(COLUMNS, ROWS, delimiter=",", decimal_comma=False, with_totals=True)
    parsed = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row["JP"] for row in parsed] == ["10.51", "20.00", "0.00", "30.51"]
    assert parsed[-1]["NIP"] == labels.TOTAL
    assert parsed[-1]["Modul"] == "13"


def test_a_jp_total_is_the_jp_of_the_summed_minutes() -> None:
    """Three credits of 15 minutes read 0,33 JP each; together they are 1 JP, not 0,99."""
    columns = [Column("name", "Nama"), Column("m", "Menit", ColumnKind.MINUTES, total=True)]
    columns.append(Column("jp", "JP", ColumnKind.JP, total=True))
    rows = [{"name": f"p{i}", "m": 15, "jp": 15} for i in range(3)]
    sheet = active_sheet(to_xlsx(columns, rows))
    assert [sheet.cell(row=r, column=3).value for r in (2, 3, 4)] == [0.33, 0.33, 0.33]
    assert sheet["B5"].value == 45 and sheet["C5"].value == 1.0
    parsed = list(
        csv.reader(
            io.StringIO(to_csv(columns, rows, with_totals=True).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert parsed[-1] == [labels.TOTAL, "45", "1,00"]
    assert to_xlsx(columns, rows, minutes_per_jp=60) != to_xlsx(columns, rows)
    sixty = active_sheet(to_xlsx(columns, rows, minutes_per_jp=60))
    assert sixty["C5"].value == 0.75  # 45 minutes at 60 a JP


def test_zipped_csv_parts_stay_under_the_byte_limit_with_every_row(tmp_path: Path) -> None:
    # Random text hardly compresses: the size, not the row count, ends each part.
    rng = random.Random(7)
    rows = [
        {"nip": str(10**17 + i), "name": "".join(rng.choices(string.ascii_letters, k=200))}
        for i in range(6000)
    ]
    limit = 256 * 1024
    stream = CsvZipStream(
        tmp_path,
        "riwayat",
        [Column("nip", "NIP"), Column("name", "Nama")],
        minutes_per_jp=45,
        part_bytes=limit,
    )
    for row in rows:
        stream.add(row)
    paths = stream.close()
    assert len(paths) > 4  # about 1.2 MB of CSV in parts of at most 256 KiB
    seen: list[str] = []
    for path in paths:
        assert path.stat().st_size <= limit
        with zipfile.ZipFile(path) as archive:
            [name] = archive.namelist()
            lines = archive.read(name).decode("utf-8-sig").splitlines()
        assert lines[0] == "NIP;Nama"
        seen += [line.split(";")[0] for line in lines[1:]]
    assert seen == [str(row["nip"]) for row in rows] and stream.rows == len(rows)


def test_codes_stay_text_when_excel_opens_the_csv() -> None:
    from tests.support import excel_csv

    columns = (
        Column("nip", "NIP", ColumnKind.CODE),
        Column("cert", "Nomor sertifikat", ColumnKind.CODE),
        Column("name", "Nama"),
        Column("minutes", "Menit", ColumnKind.MINUTES),
    )
    rows = [
        {"nip": "198609262015051001", "cert": "0012/2026", "name": "Siti", "minutes": 90},
        {"nip": "002024011012345678", "cert": "12-05", "name": "Budi", "minutes": 45},
        {"nip": "199001012018012004", "cert": 'SRT "A"', "name": "Ani", "minutes": 30},
        {"nip": "199001012018012003", "cert": "=1+1", "name": "Rina", "minutes": 0},
    ]
    header, *body = excel_csv(to_csv(columns, rows))
    assert header == ["NIP", "Nomor sertifikat", "Nama", "Menit"]
    assert [r[0] for r in body] == [r["nip"] for r in rows]  # every digit, as text
    assert [r[1] for r in body] == ["0012/2026", "12-05", 'SRT "A"', "=1+1"]  # no date, no formula
    assert all(isinstance(r[0], str) and isinstance(r[1], str) for r in body)
    assert [r[3] for r in body] == [90.0, 45.0, 30.0, 0.0]  # numbers stay numbers
    # What the same cells would have become as plain text: the reader is Excel enough.
    plain = tuple(Column(c.key, c.header) if c.kind is ColumnKind.CODE else c for c in columns)
    _, *lost = excel_csv(to_csv(plain, rows))
    assert lost[0][0] == 1.98609262015051e17 and lost[1][0] == 2.02401101234568e15
    assert lost[1][1] == date(2026, 5, 12)  # "12-05" is the 12th of May to Excel


def test_codes_in_the_streamed_zip_parts_stay_text(tmp_path: Path) -> None:
    import zipfile

    from bot.documents.spreadsheets import CsvZipStream
    from tests.support import excel_csv

    columns = (Column("nip", "NIP", ColumnKind.CODE), Column("name", "Nama"))
    stream = CsvZipStream(tmp_path, "x", columns, minutes_per_jp=45, part_rows=2)
    for i in range(3):
        stream.add({"nip": f"19860926201505100{i}", "name": f"P{i}"})
    paths = stream.close()
    cells = []
    for path in paths:
        with zipfile.ZipFile(path) as archive:
            _, *rows = excel_csv(archive.read(archive.namelist()[0]))
            cells += [r[0] for r in rows]
    assert cells == [f"19860926201505100{i}" for i in range(3)]


def test_codes_are_text_cells_in_xlsx() -> None:
    columns = (Column("nip", "NIP", ColumnKind.CODE),)
    sheet = active_sheet(to_xlsx(columns, [{"nip": "198609262015051001"}], with_totals=False))
    assert sheet["A2"].value == "198609262015051001" and sheet["A2"].data_type == "s"
    assert sheet["A2"].number_format == "@"
