"""Reading a roster file (CSV or XLSX) into checked rows, with row-level errors.

The personnel agency exports its employee list; each row must have a valid NIP (checked digit
by digit like at registration), a known OPD code, and appear once. Bad rows are reported with
their line number and never imported, so a dry run shows exactly what an import would do.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.core.nip import NipError, parse_nip

COLUMNS = ("nip", "nama", "opd", "unit_kerja", "jabatan", "golongan", "jenis")
REQUIRED = ("nip", "nama", "opd")
KINDS = ("PNS", "PPPK")


@dataclass(frozen=True, slots=True)
class RosterRow:
    nip: str
    name: str
    opd_code: str
    unit_kerja: str | None
    jabatan: str | None
    golongan: str | None
    kind: str


@dataclass(slots=True)
class RosterFile:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "line N: message"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a NIP read from Excel as a number
    return str(value).strip()


def _records(path: Path) -> Iterator[list[str]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook  # only the CLI reads workbooks

        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.active
        assert sheet is not None
        for cells in sheet.iter_rows(values_only=True):
            yield [_cell(v) for v in cells]
        workbook.close()
        return
    text = path.read_bytes().decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    for row in csv.reader(io.StringIO(text), dialect):
        yield [_cell(v) for v in row]


def parse_roster(path: Path, known_opds: Iterable[str], today: date | None = None) -> RosterFile:
    """Every good row, and one error per bad row (invalid NIP, duplicate, unknown OPD...)."""
    opds = set(known_opds)
    result = RosterFile()
    records = _records(path)
    header = [h.lower().replace(" ", "_") for h in next(records, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        result.errors.append(f"line 1: missing column(s) {', '.join(missing)}")
        return result
    index = {name: header.index(name) for name in COLUMNS if name in header}
    seen: dict[str, int] = {}
    for line, values in enumerate(records, start=2):
        if not any(values):
            continue
        get = {name: values[i] if i < len(values) else "" for name, i in index.items()}
        try:
            nip = parse_nip(get["nip"], today=today)
        except NipError as exc:
            result.errors.append(f"line {line}: invalid NIP {get['nip']!r}: {exc}")
            continue
        if nip.digits in seen:
            result.errors.append(
                f"line {line}: duplicate NIP {nip.digits} (line {seen[nip.digits]})"
            )
            continue
        opd = get["opd"].lower()
        if opd not in opds:
            result.errors.append(f"line {line}: unknown OPD {get['opd']!r}")
            continue
        name = get["nama"]
        if not 2 <= len(name) <= 120:
            result.errors.append(f"line {line}: name missing or too long")
            continue
        kind = (get.get("jenis") or nip.kind.value).upper()
        if kind not in KINDS:
            result.errors.append(f"line {line}: jenis must be PNS or PPPK, not {kind!r}")
            continue
        seen[nip.digits] = line
        result.rows.append(
            RosterRow(
                nip=nip.digits,
                name=name,
                opd_code=opd,
                unit_kerja=(get.get("unit_kerja") or None),
                jabatan=(get.get("jabatan") or None),
                golongan=(get.get("golongan") or None),
                kind=kind,
            )
        )
    return result
