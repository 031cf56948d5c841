"""XLSX and CSV exports of any table: per-OPD reports, per-employee lists, rankings.

The caller describes the columns once (key, header, kind, whether to total) and passes rows as
mappings; both formats come from the same description so they never disagree. Learning time
comes as whole minutes, as stored: a MINUTES column shows them, a JP column shows the same
minutes as JP (two decimals, at the table's minutes per JP), and a JP total is the JP of the
summed minutes, so totals are exact and never the sum of rounded values.

Text cells are always written as text: a name typed in the chat as ``=HYPERLINK(...)`` must not
become a live formula in an operator's Excel (CSV/formula injection).

Codes (``ColumnKind.CODE``: NIPs, certificate numbers) must survive Excel's double-click open of
a CSV, which reads ``198609262015051001`` as the number 1.98609E+17 (its last digits lost) and
``0012/2026`` or ``1-2`` as dates. In CSV they are written as Excel's text formula
``="198609262015051001"`` (a string literal, quotes doubled, so nothing else can run): Excel
shows the code exactly, as text. The CSV is meant for Excel; tools that read CSV literally
should take the XLSX, where codes are text cells.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from bot.core.jp import JpScale
from bot.texts import documents as labels

Row = Mapping[str, object]
Value = str | int | float | date | None
MIN_WIDTH, MAX_WIDTH = 8, 60
HEADER_FILL_COLOR = "E2E8F3"
# Text starting with these is read as a formula by spreadsheet programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


class ColumnKind(StrEnum):
    TEXT = "text"
    CODE = "code"  # text Excel must not turn into a number or a date (NIP, certificate no.)
    INTEGER = "integer"
    MINUTES = "minutes"  # int minutes
    JP = "jp"  # int minutes, shown as JP
    DATE = "date"
    PERCENT = "percent"  # a fraction, 0.75 for 75%


NUMBER_FORMATS = {
    ColumnKind.TEXT: "@",
    ColumnKind.CODE: "@",
    ColumnKind.INTEGER: "#,##0",
    ColumnKind.MINUTES: "#,##0",
    ColumnKind.JP: "0.00",
    ColumnKind.DATE: "DD-MM-YYYY",
    ColumnKind.PERCENT: "0.0%",
}
_SUMMABLE = (ColumnKind.INTEGER, ColumnKind.MINUTES, ColumnKind.JP)


@dataclass(frozen=True, slots=True)
class Column:
    """One column: ``key`` picks the value from each row; ``width`` in characters, or automatic."""

    key: str
    header: str
    kind: ColumnKind = ColumnKind.TEXT
    width: float | None = None
    total: bool = False

    def __post_init__(self) -> None:
        if self.total and self.kind not in _SUMMABLE:
            raise ValueError(f"column {self.key!r}: only number columns can be totalled")


_EXPECTED: dict[ColumnKind, tuple[type, ...]] = {
    ColumnKind.TEXT: (str,),
    ColumnKind.CODE: (str,),
    ColumnKind.INTEGER: (int,),
    ColumnKind.MINUTES: (int,),
    ColumnKind.JP: (int,),
    ColumnKind.DATE: (date,),
    ColumnKind.PERCENT: (int, float),
}


def _validated(columns: Sequence[Column], rows: Iterable[Row]) -> list[dict[str, Value]]:
    """The rows reduced to the columns' keys, refusing a missing key or a value of the wrong
    type: a Decimal JP in a minutes column would otherwise be off by the minutes per JP."""
    if not columns:
        raise ValueError("a table needs at least one column")
    checked = []
    for row in rows:
        values: dict[str, Value] = {}
        for column in columns:
            value = row[column.key]
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, _EXPECTED[column.kind])
            ):
                kind = type(value).__name__
                raise TypeError(f"column {column.key!r} ({column.kind}) got a {kind}")
            values[column.key] = value  # type: ignore[assignment]  # checked just above
        checked.append(values)
    return checked


def totals(columns: Sequence[Column], rows: Iterable[Row]) -> dict[str, int]:
    """Sums of the totalled columns (JP columns in minutes); exact, since they are integers."""
    data = _validated(columns, rows)
    return {
        column.key: sum(value for row in data if isinstance(value := row[column.key], int))
        for column in columns
        if column.total
    }


def _with_totals(columns: Sequence[Column], data: list[dict[str, Value]]) -> list[dict[str, Value]]:
    """``data`` plus a totals row, labelled in the first column unless that one is summed."""
    if not any(column.total for column in columns):
        return data
    row: dict[str, Value] = {column.key: None for column in columns}
    row.update(totals(columns, data))
    if not columns[0].total:
        row[columns[0].key] = labels.TOTAL
    return [*data, row]


def _jp(value: int, scale: JpScale) -> Decimal:
    return scale.jp(value)


def _text_for_width(column: Column, value: object, scale: JpScale) -> str:
    if isinstance(value, int) and column.kind is ColumnKind.JP:
        return f"{_jp(value, scale):.2f}"
    if isinstance(value, date):
        return "00-00-0000"
    if isinstance(value, float):
        return "100.0%"
    return "" if value is None else str(value)


def _width(column: Column, rows: Sequence[Mapping[str, Value]], scale: JpScale) -> float:
    if column.width is not None:
        return column.width
    longest = max(
        [len(column.header)] + [len(_text_for_width(column, r[column.key], scale)) for r in rows]
    )
    return min(MAX_WIDTH, max(MIN_WIDTH, longest + 2))


def _sheet_title(title: str) -> str:
    return _SHEET_FORBIDDEN.sub("-", title).strip("'")[:31] or "Sheet"


def to_xlsx(
    columns: Sequence[Column],
    rows: Iterable[Row],
    *,
    sheet_title: str = "Laporan",
    with_totals: bool = True,
    minutes_per_jp: int = 45,
) -> bytes:
    """An Excel workbook with a bold, frozen, filterable header row, sized columns, number
    formats by kind and, if any column is totalled and ``with_totals``, a bold totals row."""
    scale = JpScale(minutes_per_jp)
    data = _validated(columns, rows)
    body = _with_totals(columns, data) if with_totals else data
    has_totals = len(body) > len(data)
    # openpyxl is imported here, not at start-up: most bot processes never write a workbook.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _sheet_title(sheet_title)
    workbook.properties.creator = labels.APP_NAME

    sheet.append([column.header for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", start_color=HEADER_FILL_COLOR)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for row_index, row in enumerate(body, start=2):
        for col_index, column in enumerate(columns, start=1):
            value = row[column.key]
            if column.kind is ColumnKind.JP and isinstance(value, int):
                value = float(_jp(value, scale))
            cell = sheet.cell(row=row_index, column=col_index, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            cell.number_format = NUMBER_FORMATS[column.kind]

    if has_totals:
        total_row = sheet[len(body) + 1]
        for cell in total_row:
            cell.font = Font(bold=True)
            cell.border = Border(top=Side(style="thin"))
    for col_index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(col_index)].width = _width(column, body, scale)
    sheet.freeze_panes = "A2"
    last_data_row = len(data) + 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last_data_row}"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_text(text: str) -> str:
    """Text that no spreadsheet will run as a formula: a leading quote marks it as text."""
    return "'" + text if len(text) > 1 and text.startswith(_FORMULA_START) else text


EXCEL_LITERAL_MAX = 255  # characters of a string literal in an Excel formula


def _excel_code(text: str) -> str:
    """A code as Excel's text formula ``="..."``: shown exactly, never a number or a date."""
    if not text:
        return ""
    if len(text) > EXCEL_LITERAL_MAX or "\n" in text or "\r" in text:
        return _csv_text(text)  # no code is that long; kept as plain (safe) text
    return '="' + text.replace('"', '""') + '"'


def _csv_value(column: Column, value: object, decimal_comma: bool, scale: JpScale) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return _excel_code(value) if column.kind is ColumnKind.CODE else _csv_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if column.kind is ColumnKind.JP and isinstance(value, int):
        text = f"{_jp(value, scale):.2f}"
    elif column.kind is ColumnKind.PERCENT and isinstance(value, int | float):
        text = f"{value * 100:.1f}%"
    else:
        return str(value)
    return text.replace(".", ",") if decimal_comma else text


def to_csv(
    columns: Sequence[Column],
    rows: Iterable[Row],
    *,
    delimiter: str = ";",
    decimal_comma: bool = True,
    with_totals: bool = False,
    minutes_per_jp: int = 45,
) -> bytes:
    """CSV in UTF-8 with a byte-order mark, which is what makes Excel read names correctly.

    The defaults suit Excel on Indonesian Windows, whose list separator is ";" and decimal mark
    ","; pass ``delimiter=","`` and ``decimal_comma=False`` for other tools. No totals row by
    default, because CSV is usually re-imported and a totals row would be counted as data.
    Dates are ISO (``2026-11-27``), which every Excel locale reads.
    """
    scale = JpScale(minutes_per_jp)
    data = _validated(columns, rows)
    body = _with_totals(columns, data) if with_totals else data
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([column.header for column in columns])
    for row in body:
        writer.writerow(
            [_csv_value(column, row[column.key], decimal_comma, scale) for column in columns]
        )
    return buffer.getvalue().encode("utf-8-sig")


# --- Streaming: files of any size in constant memory -----------------------------------------
XLSX_MAX_ROWS = 1_048_576  # Excel's rows per sheet, the header and a totals row included
CSV_PART_ROWS = 1_000_000  # rows per CSV in a zip: each part still opens in Excel
# Telegram takes documents "of up to 50 MB" from bots (sendDocument): every file an export makes
# stays under this, with room for the multipart envelope.
FILE_MAX_BYTES = 48 * 1024 * 1024


def _checked(columns: Sequence[Column], row: Row) -> dict[str, Value]:
    """``_validated`` for one row, without building lists (the streams call it per row)."""
    values: dict[str, Value] = {}
    for column in columns:
        value = row[column.key]
        if value is not None and (
            type(value) is bool or not isinstance(value, _EXPECTED[column.kind])
        ):
            raise TypeError(f"column {column.key!r} ({column.kind}) got a {type(value).__name__}")
        values[column.key] = value  # type: ignore[assignment]  # checked just above
    return values


def _csv_cell(column: Column, value: object, scale: JpScale) -> str:
    """``_csv_value`` with a decimal comma, its common cases first (the streams' hot path)."""
    if value is None:
        return ""
    if type(value) is str:
        if column.kind is ColumnKind.CODE:
            return _excel_code(value)
        return _csv_text(value) if value[:1] in _FORMULA_START else value
    if type(value) is int and column.kind is not ColumnKind.JP:
        return str(value)
    return _csv_value(column, value, True, scale)


class XlsxStream:
    """A write-only workbook (openpyxl's streaming mode): rows go to disk as they come, so the
    memory stays flat whatever the number of rows. Same look as ``to_xlsx``, except that the
    column widths come from the columns (a stream cannot measure rows it has not seen)."""

    def __init__(
        self, path: Path, columns: Sequence[Column], *, sheet_title: str, minutes_per_jp: int
    ) -> None:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.utils import get_column_letter

        self.path, self.columns = path, tuple(columns)
        self.scale = JpScale(minutes_per_jp)
        self._cell = WriteOnlyCell
        self._workbook = Workbook(write_only=True)
        self._workbook.properties.creator = labels.APP_NAME
        self._sheet = self._workbook.create_sheet(_sheet_title(sheet_title))
        for index, column in enumerate(self.columns, start=1):
            width = column.width or min(MAX_WIDTH, max(MIN_WIDTH + 6, len(column.header) + 2))
            self._sheet.column_dimensions[get_column_letter(index)].width = width
        self._sheet.freeze_panes = "A2"
        header = []
        for column in self.columns:
            cell = WriteOnlyCell(self._sheet, value=column.header)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", start_color=HEADER_FILL_COLOR)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            header.append(cell)
        self._sheet.append(header)
        self._bold = Font(bold=True)
        self._formats = [NUMBER_FORMATS[c.kind] for c in self.columns]  # of the totals row
        self._sums = {c.key: 0 for c in self.columns if c.total}
        self.rows = 0

    def add(self, row: Row) -> None:
        """One row. Plain values where they are safe (the fast path of a write-only sheet; a
        date still gets a date format), a text cell only for text a spreadsheet would run as
        a formula; JP as a number rounded to two decimals."""
        values = _checked(self.columns, row)
        cells: list[object] = []
        for column in self.columns:
            value = values[column.key]
            if column.total and isinstance(value, int):
                self._sums[column.key] += value
            if column.kind is ColumnKind.JP and isinstance(value, int):
                cells.append(float(_jp(value, self.scale)))
            elif isinstance(value, str) and value.startswith(_FORMULA_START):
                cell = self._cell(self._sheet, value=value)
                cell.data_type = "s"  # never a formula, whatever the text starts with
                cells.append(cell)
            else:
                cells.append(value)
        self._sheet.append(cells)
        self.rows += 1

    def close(self) -> int:
        from openpyxl.utils import get_column_letter

        if self._sums:
            totals: list[object] = []
            for index, column in enumerate(self.columns):
                value: object = self._sums.get(column.key)
                if column.kind is ColumnKind.JP and isinstance(value, int):
                    value = float(_jp(value, self.scale))
                if index == 0 and not column.total:
                    value = labels.TOTAL
                cell = self._cell(self._sheet, value=value)  # type: ignore[arg-type]
                cell.font = self._bold
                cell.number_format = self._formats[index]
                totals.append(cell)
            self._sheet.append(totals)
        self._sheet.auto_filter.ref = f"A1:{get_column_letter(len(self.columns))}{self.rows + 1}"
        self._workbook.save(self.path)
        return self.rows


class CsvZipStream:
    """CSV (as ``to_csv`` writes it) compressed into zip files, one CSV of at most
    ``part_rows`` rows each (``<name>-1.zip`` ...), for tables beyond a sheet's rows."""

    def __init__(
        self,
        folder: Path,
        name: str,
        columns: Sequence[Column],
        *,
        minutes_per_jp: int,
        part_rows: int = CSV_PART_ROWS,
        part_bytes: int = FILE_MAX_BYTES,
    ) -> None:
        self.folder, self.name, self.columns = folder, name, tuple(columns)
        self.scale = JpScale(minutes_per_jp)
        self.part_rows = part_rows
        # A part also ends before its zip reaches ``part_bytes``. The compressed size is read
        # from the file every ``_check_every`` characters of CSV; what is written between two
        # reads (at most those characters, once compressed) and what zlib still holds (one
        # deflate block, well under 64 KiB) fit in the margin kept below the limit.
        self.part_bytes = part_bytes
        self._margin = min(1024 * 1024, part_bytes // 4)
        self._check_every = self._margin // 2
        self._unchecked = 0
        self.paths: list[Path] = []
        self.rows = 0
        self._zip: zipfile.ZipFile | None = None
        self._text: io.TextIOWrapper | None = None
        self._writer: Any = None
        self._in_part = 0

    def _open_part(self) -> None:
        self._close_part()
        number = len(self.paths) + 1
        path = self.folder / f"{self.name}-{number}.zip"
        self.paths.append(path)
        self._zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6)
        raw = self._zip.open(f"{self.name}-{number}.csv", "w", force_zip64=True)
        self._text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._text, delimiter=";", lineterminator="\r\n")
        self._writer.writerow([column.header for column in self.columns])
        self._in_part = self._unchecked = 0

    def _close_part(self) -> None:
        if self._text is not None:
            self._text.close()
        if self._zip is not None:
            self._zip.close()
        self._text = self._zip = None

    def add(self, row: Row) -> None:
        if self._writer is None or self._in_part >= self.part_rows or self._part_full():
            self._open_part()
        values = _checked(self.columns, row)
        scale = self.scale
        written = self._writer.writerow([_csv_cell(c, values[c.key], scale) for c in self.columns])
        self._unchecked += written
        self._in_part += 1
        self.rows += 1

    def _part_full(self) -> bool:
        """Whether the current part's zip is within the margin of ``part_bytes``."""
        if self._unchecked < self._check_every or self._zip is None or self._text is None:
            return False
        self._unchecked = 0
        self._text.flush()  # to the compressor, so the file position counts this part's rows
        assert self._zip.fp is not None
        return self._zip.fp.tell() + self._margin >= self.part_bytes

    def close(self) -> list[Path]:
        if not self.paths:
            self._open_part()  # an empty table is still a file with its header
        self._close_part()
        return self.paths
