"""Reading a roster file (bot/core/roster_file.py): CSV with bad rows, XLSX with numeric NIPs,
every field checked for length and format, ``jenis`` against the number, the phone column."""

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
PPPK = "199001152022212005"


def test_a_roster_with_bad_rows_lists_each_error(tmp_path: Path, catalog: Catalog) -> None:
    path = write_csv(
        tmp_path / "roster.csv",
        [
            "nip;nama;opd;unit_kerja;jabatan;golongan;jenis;hp",
            f"{GOOD};Siti Aminah;3328;Bagian Umum;Analis;III/a;PNS;0812-3456-7890",
            "12345;Salah NIP;3328;;;;PNS;",
            f"{GOOD};Ganda;3328;;;;PNS;",
            f"{GOOD2};OPD Asing;9999;;;;PNS;",
            f"{GOOD2};Budi Santoso;3376;;;;;",
        ],
    )
    parsed = parse_roster(path, catalog.opds, TODAY)
    assert [r.name for r in parsed.rows] == ["Siti Aminah", "Budi Santoso"]
    assert parsed.rows[1].kind == "PNS" and parsed.rows[0].unit_kerja == "Bagian Umum"
    assert parsed.rows[0].phone == "+6281234567890" and parsed.rows[1].phone is None
    assert len(parsed.errors) == 3
    assert parsed.errors[0].startswith("baris 3: NIP tidak valid")
    assert parsed.errors[1] == "baris 4: NIP 198609262015051001 ganda (baris 2)"
    assert parsed.errors[2] == "baris 5: OPD tidak dikenal '9999'"


def test_xlsx_nips_stored_as_numbers_are_row_errors_never_converted(
    tmp_path: Path, catalog: Catalog
) -> None:
    """198609262015051001 as a number is 198609262015051008 once it is a float: such a cell is
    refused, whether openpyxl reads it as an int or a float, and never imported."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["NIP", "Nama", "OPD"])
    sheet.append([198609262015051001, "Angka Bulat", "3328"])
    sheet.append([float(198609262015051001), "Angka Pecahan", 3328])
    sheet.append([GOOD2.replace(" ", ""), "Siti Aminah", 3328])  # an OPD code as a number is fine
    workbook.save(tmp_path / "r.xlsx")
    parsed = parse_roster(tmp_path / "r.xlsx", catalog.opds, TODAY)
    assert [(r.nip, r.opd_code) for r in parsed.rows] == [(GOOD2.replace(" ", ""), "3328")]
    assert len(parsed.errors) == 2
    for error, line in zip(parsed.errors, (2, 3), strict=True):
        assert error.startswith(f"baris {line}: kolom NIP harus berformat teks")


def test_every_field_is_checked_for_length_and_format(tmp_path: Path, catalog: Catalog) -> None:
    long = "x" * 121
    path = write_csv(
        tmp_path / "fields.csv",
        [
            "nip,nama,opd,unit_kerja,jabatan,golongan,jenis,hp",
            f"{GOOD},Siti Aminah,3328,,,Penata Muda Tingkat I (III/b),,",
            f"{GOOD},Siti Aminah,3328,,,X/z,,",
            f"{GOOD},{'A' * 121},3328,,,,,",
            f"{GOOD},Siti Aminah,3328,{long},,,,",
            f"{GOOD},Siti Aminah,3328,,{long},,,",
            f"{GOOD},Siti Aminah,3328,,,,,12",
            f"{GOOD},Siti Aminah,3328,,,,PPPK,",
            f"{PPPK},Rina Wati,3328,,,IX,PNS,",
            f"{GOOD},123,3328,,,,,",
            f"{PPPK},Rina Wati,3328,,,IX,PPPK,+62 812 3456 7891",
        ],
    )
    parsed = parse_roster(path, catalog.opds, TODAY)
    assert [(r.nip, r.kind, r.golongan, r.phone) for r in parsed.rows] == [
        (PPPK, "PPPK", "IX", "+6281234567891")
    ]
    errors = [e.split(": ", 1)[1] for e in parsed.errors]
    assert errors[0].startswith("golongan terlalu panjang (29 karakter, maksimal 16")
    assert errors[1].startswith("golongan tidak valid 'X/z'")
    assert errors[2] == "nama terlalu panjang (121 karakter, maksimal 120)"
    assert errors[3] == "unit kerja terlalu panjang (121 karakter, maksimal 120)"
    assert errors[4] == "jabatan terlalu panjang (121 karakter, maksimal 120)"
    assert errors[5] == "nomor HP tidak valid '12'"
    assert errors[6] == "jenis PPPK tidak sesuai dengan nomornya, yang menunjukkan PNS"
    assert errors[7] == "jenis PNS tidak sesuai dengan nomornya, yang menunjukkan PPPK"
    assert errors[8].startswith("nama kosong atau tidak valid")
    assert len(errors) == 9
