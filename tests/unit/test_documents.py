"""The document layer: certificates, verification codes, transcripts, charts and spreadsheets."""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import re
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal

import matplotlib.image as mpimg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader

from bot.documents.certificate import render_certificate
from bot.documents.charts import (
    DPI,
    PROGRESS_HEIGHT_IN,
    WIDTH_IN,
    JpProgress,
    OpdCompliance,
    compliance_height_in,
    compliance_order,
    cumulative_steps,
    render_compliance_chart,
    render_progress_chart,
)
from bot.documents.spreadsheets import Column, ColumnKind, to_csv, to_xlsx, totals
from bot.documents.transcript import Transcript, TranscriptEntry, render_transcript
from bot.documents.verification import (
    CODE_ALPHABET,
    CertificateFields,
    certificate_number,
    check_code,
    make_code,
    normalize_code,
)
from bot.texts import documents as labels

SECRET = b"test-secret-of-at-least-16-bytes"
FIELDS = CertificateFields(
    certificate_no="SB-2026-000123",
    nip="198609262015051001",
    name="Siti Nur’aini Łukasz-Ñúñez",
    module_id="berakhlak-1",
    module_title="Memahami Nilai Dasar BerAKHLAK dalam Pelayanan Publik",
    category="sosial_kultural",
    jp_centi=150,
    completed_on=date(2026, 11, 27),
)


def pdf_text(data: bytes) -> tuple[int, str]:
    """Page count and all text, whitespace collapsed so wrapped lines compare as one string."""
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


# --- Verification codes ------------------------------------------------------------------------

fields_strategy = st.builds(
    CertificateFields,
    certificate_no=st.from_regex(r"SB-20[0-9]{2}-[0-9]{6}", fullmatch=True),
    nip=st.from_regex(r"[0-9]{18}", fullmatch=True),
    name=st.text(min_size=1, max_size=60),
    module_id=st.text(min_size=1, max_size=24),
    module_title=st.text(min_size=1, max_size=80),
    category=st.sampled_from([None, "teknis", "manajerial", "sosial_kultural"]),
    jp_centi=st.integers(min_value=1, max_value=10_000),
    completed_on=st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)),
)


def test_code_is_three_groups_of_four_base32_characters() -> None:
    code = make_code(SECRET, FIELDS)
    assert re.fullmatch(r"[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}", code)
    assert make_code(SECRET, FIELDS) == code  # deterministic: can be recomputed to verify


def test_code_accepted_however_it_is_typed() -> None:
    code = make_code(SECRET, FIELDS)
    compact = code.replace("-", "")
    spaced = f"  {compact[:6]} {compact[6:]} "
    for typed in (code, code.lower(), compact, spaced, code.replace("-", ".")):
        assert check_code(SECRET, FIELDS, typed), typed


def test_normalisation_reads_lookalike_digits_as_letters() -> None:
    assert normalize_code("abcd efgh-1o08") == "ABCDEFGHIOOB"
    assert normalize_code("ABCD-EFGH-JKL") is None  # too short
    assert normalize_code("ABCD-EFGH-JKLMN") is None  # too long
    assert normalize_code("ABCD-EFGH-JK9M") is None  # 9 is in no alphabet
    assert normalize_code("") is None


@settings(max_examples=60)
@given(fields=fields_strategy, data=st.data())
def test_any_single_character_substitution_is_refused(fields: CertificateFields, data) -> None:
    code = make_code(SECRET, fields).replace("-", "")
    position = data.draw(st.integers(min_value=0, max_value=len(code) - 1))
    other = data.draw(st.sampled_from([c for c in CODE_ALPHABET if c != code[position]]))
    forged = code[:position] + other + code[position + 1 :]
    assert check_code(SECRET, fields, code)
    assert not check_code(SECRET, fields, forged)


@settings(max_examples=40)
@given(fields=fields_strategy, data=st.data())
def test_dropped_or_added_character_is_refused(fields: CertificateFields, data) -> None:
    code = make_code(SECRET, fields).replace("-", "")
    position = data.draw(st.integers(min_value=0, max_value=len(code) - 1))
    extra = data.draw(st.sampled_from(CODE_ALPHABET))
    assert not check_code(SECRET, fields, code[:position] + code[position + 1 :])
    assert not check_code(SECRET, fields, code[:position] + extra + code[position:])


@settings(max_examples=60)
@given(fields=fields_strategy, data=st.data())
def test_altered_certificate_fails_its_code(fields: CertificateFields, data) -> None:
    code = make_code(SECRET, fields)
    change = data.draw(
        st.sampled_from(["name", "nip", "module_title", "jp_centi", "completed_on", "number"])
    )
    if change == "jp_centi":
        delta = data.draw(st.integers(min_value=1, max_value=500))
        altered = dataclasses.replace(fields, jp_centi=fields.jp_centi + delta)
    elif change == "completed_on":
        delta = data.draw(st.integers(min_value=1, max_value=400))
        altered = dataclasses.replace(fields, completed_on=fields.completed_on + timedelta(delta))
    elif change == "number":
        altered = dataclasses.replace(fields, certificate_no=fields.certificate_no + "1")
    else:
        value = getattr(fields, change)
        altered = dataclasses.replace(fields, **{change: value + "x"})
    assert not check_code(SECRET, altered, code)


@given(typed=st.text(max_size=30))
def test_arbitrary_input_is_refused_without_error(typed: str) -> None:
    assert not check_code(SECRET, FIELDS, typed)


def test_code_depends_on_the_secret() -> None:
    code = make_code(SECRET, FIELDS)
    assert not check_code(b"another-secret-of-enough-length", FIELDS, code)
    with pytest.raises(ValueError):
        make_code(b"short", FIELDS)


def test_same_text_in_another_unicode_form_is_the_same_certificate() -> None:
    decomposed = dataclasses.replace(FIELDS, name=unicodedata.normalize("NFD", FIELDS.name))
    assert decomposed.name != FIELDS.name
    assert check_code(SECRET, decomposed, make_code(SECRET, FIELDS))


def test_certificate_number() -> None:
    assert certificate_number(2026, 123) == "SB-2026-000123"
    assert certificate_number(2026, 1234567, prefix="TGL") == "TGL-2026-1234567"
    with pytest.raises(ValueError):
        certificate_number(2026, 0)


# --- Certificate -------------------------------------------------------------------------------


def test_certificate_carries_everything_an_operator_checks() -> None:
    code = make_code(SECRET, FIELDS)
    data = render_certificate(FIELDS, code, bot_username="SinauBarengBot")
    assert data.startswith(b"%PDF")
    pages, text = pdf_text(data)
    assert pages == 1
    for expected in (
        FIELDS.name,
        "19860926 201505 1 001",
        FIELDS.module_title,
        "Sosial kultural",
        "1,5 JP",
        "27 November 2026",
        "SB-2026-000123",
        code,
        f"/verifikasi {code}",
        "@SinauBarengBot",
    ):
        assert expected in text, expected


def test_certificate_with_very_long_name_and_title_stays_on_one_page() -> None:
    fields = dataclasses.replace(
        FIELDS,
        name="Raden Roro " + "Kusumawardhani " * 7,
        module_title="Etika, Integritas dan Pencegahan Gratifikasi " * 4,
    )
    pages, text = pdf_text(render_certificate(fields, make_code(SECRET, fields)))
    assert pages == 1
    assert " ".join(fields.name.split()) in text


def test_characters_outside_the_font_do_not_stop_a_certificate() -> None:
    fields = dataclasses.replace(FIELDS, name="Dewi 🌸 Lestari ꦱꦶꦤꦲꦸ")
    pages, text = pdf_text(render_certificate(fields, make_code(SECRET, fields)))
    assert pages == 1
    assert "Dewi" in text and "Lestari" in text  # missing glyphs are dropped, the rest prints


# --- Transcript --------------------------------------------------------------------------------


def _entry(day: date, title: str, kind: str = "module", jp: int = 200) -> TranscriptEntry:
    return TranscriptEntry(day=day, title=title, source_kind=kind, category="teknis", jp_centi=jp)


def _transcript(entries: list[TranscriptEntry]) -> Transcript:
    return Transcript(
        name="Bambang Sudaryanto",
        nip="198609262015051001",
        opd="Dinas Kominfo Kabupaten Tegal",
        year=2026,
        entries=entries,
        printed_on=date(2026, 11, 27),
        extra=(("Jabatan", "Analis SDM Aparatur"),),
    )


def test_transcript_lists_activities_in_date_order_with_total_and_shortfall() -> None:
    entries = [
        _entry(date(2026, 9, 2), "Pelatihan SPBE", kind="external", jp=1000),
        _entry(date(2026, 3, 14), "Anti gratifikasi", jp=150),
    ]
    data = render_transcript(_transcript(entries))
    assert data.startswith(b"%PDF")
    _, text = pdf_text(data)
    for expected in (
        "Bambang Sudaryanto",
        "19860926 201505 1 001",
        "Dinas Kominfo Kabupaten Tegal",
        "Jabatan : Analis SDM Aparatur",
        "2026",
        "14-03-2026",
        "Eksternal",
        "Teknis",
        "11,5",  # total
        "Kurang 8,5 JP dari target",
    ):
        assert expected in text, expected
    assert text.index("Anti gratifikasi") < text.index("Pelatihan SPBE")


def test_transcript_reached_target_and_empty_year() -> None:
    _, reached = pdf_text(render_transcript(_transcript([_entry(date(2026, 1, 2), "A", jp=2000)])))
    assert labels.TRANSCRIPT_REACHED in reached
    _, empty = pdf_text(render_transcript(_transcript([])))
    assert labels.TRANSCRIPT_EMPTY in empty
    assert "Kurang 20 JP dari target" in empty


def test_long_transcript_flows_onto_numbered_pages() -> None:
    entries = [_entry(date(2026, 1, 1) + timedelta(days=i), f"Modul nomor {i}") for i in range(60)]
    pages, text = pdf_text(render_transcript(_transcript(entries)))
    assert pages > 1
    assert f"Halaman 1 dari {pages}" in text
    assert "Modul nomor 59" in text
    assert "120" in text  # 60 x 2 JP


# --- Charts ------------------------------------------------------------------------------------


def png_shape(data: bytes) -> tuple[int, int]:
    """(height, width) of a PNG, decoded by matplotlib (through Pillow)."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return mpimg.imread(io.BytesIO(data), format="png").shape[:2]


PROGRESS = JpProgress(
    year=2026,
    credits=[
        (date(2026, 5, 20), 1000),
        (date(2026, 2, 3), 150),
        (date(2026, 2, 3), 200),
        (date(2025, 12, 31), 999),  # last year: not on this year's line
        (date(2026, 12, 1), 500),  # after `until`: not yet
    ],
    until=date(2026, 11, 27),
)


def test_cumulative_steps_add_up_within_the_year() -> None:
    assert cumulative_steps(PROGRESS) == [
        (date(2026, 1, 1), 0),
        (date(2026, 2, 3), 350),
        (date(2026, 5, 20), 1350),
        (date(2026, 11, 27), 1350),
    ]
    whole_year = dataclasses.replace(PROGRESS, until=None)
    assert cumulative_steps(whole_year)[-1] == (date(2026, 12, 31), 1850)
    assert cumulative_steps(JpProgress(year=2026, credits=[])) == [
        (date(2026, 1, 1), 0),
        (date(2026, 12, 31), 0),
    ]


def test_progress_chart_is_a_phone_sized_png_that_shows_the_data() -> None:
    data = render_progress_chart(PROGRESS)
    assert png_shape(data) == (PROGRESS_HEIGHT_IN * DPI, WIDTH_IN * DPI)
    assert png_shape(data)[1] >= 1000  # sharp on a phone after Telegram's scaling
    assert render_progress_chart(dataclasses.replace(PROGRESS, credits=[])) != data


def test_compliance_order_ranks_by_share_then_name() -> None:
    rows = [
        OpdCompliance("Bappeda", 30, 0),
        OpdCompliance("Dinkes", 200, 150),
        OpdCompliance("BKPSDM", 40, 40),
        OpdCompliance("Arsip", 4, 3),
        OpdCompliance("Baru", 0, 0),
    ]
    assert [row.name for row in compliance_order(rows)] == [
        "BKPSDM",
        "Arsip",
        "Dinkes",
        "Bappeda",
        "Baru",  # no employees yet: 0%, ranked with the other zeros by name
    ]
    with pytest.raises(ValueError):
        compliance_order([OpdCompliance("Salah", 10, 11)])


def test_compliance_chart_grows_with_the_number_of_opds() -> None:
    few = [OpdCompliance(f"OPD {i}", 10, i) for i in range(3)]
    many = [OpdCompliance(f"Dinas nomor {i} dengan nama panjang", 10, i % 11) for i in range(30)]
    few_shape = png_shape(render_compliance_chart(few, year=2026))
    many_shape = png_shape(render_compliance_chart(many, year=2026))
    assert few_shape == (round(compliance_height_in(3) * DPI), WIDTH_IN * DPI)
    assert many_shape == (round(compliance_height_in(30) * DPI), WIDTH_IN * DPI)
    assert many_shape[0] > few_shape[0]
    assert png_shape(render_compliance_chart([], year=2026))[1] == WIDTH_IN * DPI


def test_charts_rendered_in_parallel_threads_match_sequential_ones() -> None:
    rows = [OpdCompliance(f"OPD {i}", 10, i) for i in range(8)]
    expected = (render_progress_chart(PROGRESS), render_compliance_chart(rows, year=2026))
    with ThreadPoolExecutor(max_workers=4) as pool:
        progress = list(pool.map(lambda _: render_progress_chart(PROGRESS), range(4)))
        compliance = list(pool.map(lambda _: render_compliance_chart(rows, year=2026), range(4)))
    assert set(progress) == {expected[0]}
    assert set(compliance) == {expected[1]}


# --- Spreadsheets ------------------------------------------------------------------------------

COLUMNS = [
    Column("nip", "NIP"),
    Column("name", "Nama"),
    Column("modules", "Modul", ColumnKind.INTEGER, total=True),
    Column("jp", "JP", ColumnKind.JP, total=True),
    Column("last", "Terakhir", ColumnKind.DATE),
    Column("share", "Capaian", ColumnKind.PERCENT, width=12),
]
ROWS = [
    {"nip": "198609262015051001", "name": "Siti Nur’aini", "modules": 3, "jp": 1050,
     "last": date(2026, 11, 2), "share": 0.525},
    {"nip": "199001012020012002", "name": "Bambang Ąłę Sudaryanto", "modules": 10, "jp": 2001,
     "last": None, "share": 1.0},
    {"nip": "198001012005011003", "name": "=HYPERLINK(\"http://x\")", "modules": 0, "jp": 0,
     "last": date(2026, 1, 5), "share": 0.0},
]  # fmt: skip


def test_xlsx_has_formatted_header_widths_and_exact_totals() -> None:
    book = load_workbook(io.BytesIO(to_xlsx(COLUMNS, ROWS, sheet_title="OPD: Kominfo/Tegal")))
    sheet = book.active
    assert sheet.title == "OPD- Kominfo-Tegal"
    header = [cell.value for cell in sheet[1]]
    assert header == ["NIP", "Nama", "Modul", "JP", "Terakhir", "Capaian"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == len(ROWS) + 2  # header, rows, totals
    totals_row = [cell.value for cell in sheet[len(ROWS) + 2]]
    assert totals_row[:4] == [labels.TOTAL, None, 13, pytest.approx(30.51)]
    assert all(cell.font.bold for cell in sheet[len(ROWS) + 2])
    assert sheet["D2"].value == pytest.approx(10.5)
    assert sheet["D2"].number_format == "0.00"
    assert sheet["E2"].value.date() == date(2026, 11, 2)
    assert sheet["F2"].number_format == "0.0%"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEF"}
    assert widths["A"] == len("198609262015051001") + 2
    assert widths["B"] == len("Bambang Ąłę Sudaryanto") + 2
    assert widths["F"] == 12
    assert widths["D"] >= len("JP") + 2


def test_xlsx_text_never_becomes_a_formula() -> None:
    sheet = load_workbook(io.BytesIO(to_xlsx(COLUMNS, ROWS))).active
    assert sheet["B4"].data_type == "s"
    assert sheet["B4"].value == ROWS[2]["name"]


def test_xlsx_without_totalled_columns_has_no_totals_row() -> None:
    columns = [Column("name", "Nama"), Column("nip", "NIP")]
    sheet = load_workbook(io.BytesIO(to_xlsx(columns, ROWS))).active
    assert sheet.max_row == len(ROWS) + 1


def test_table_values_of_the_wrong_kind_are_refused() -> None:
    with pytest.raises(TypeError):
        to_xlsx(COLUMNS, [{**ROWS[0], "jp": Decimal("10.50")}])  # JP must be hundredths
    with pytest.raises(KeyError):
        to_csv(COLUMNS, [{"nip": "1"}])
    with pytest.raises(ValueError):
        Column("name", "Nama", total=True)
    assert totals(COLUMNS, ROWS) == {"modules": 13, "jp": 3051}


def test_csv_has_bom_and_round_trips_for_indonesian_excel() -> None:
    data = to_csv(COLUMNS, ROWS)
    assert data.startswith(codecs.BOM_UTF8)
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert parsed[0] == ["NIP", "Nama", "Modul", "JP", "Terakhir", "Capaian"]
    assert parsed[1] == ["198609262015051001", "Siti Nur’aini", "3", "10,50", "2026-11-02", "52,5%"]
    assert parsed[2][1] == "Bambang Ąłę Sudaryanto"
    assert parsed[2][4] == ""
    assert parsed[3][1] == "'" + ROWS[2]["name"]  # quoted so Excel shows it as text
    assert len(parsed) == len(ROWS) + 1  # no totals row by default


def test_csv_for_other_tools_and_with_totals() -> None:
    data = to_csv(COLUMNS, ROWS, delimiter=",", decimal_comma=False, with_totals=True)
    parsed = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row["JP"] for row in parsed] == ["10.50", "20.01", "0.00", "30.51"]
    assert parsed[-1]["NIP"] == labels.TOTAL
    assert parsed[-1]["Modul"] == "13"
