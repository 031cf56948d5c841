"""Reading a roster file (CSV or XLSX) into checked rows, with row-level errors.

The personnel agency exports its employee list; each row must have a valid NIP or NI PPPK
(checked digit by digit like at registration, and stored as text: a number cell is refused,
since an 18-digit number does not survive a spreadsheet's floating point), a known OPD code,
fields of the lengths and formats the database keeps, a ``jenis`` that agrees with the number,
an optional phone (``hp``), and appear once. Bad rows are reported with their line number and
never imported, so a dry run shows exactly what an import would do.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.core.nip import NipError, parse_nip
from bot.core.people import (
    MAX_FREE_FIELD,
    MAX_GOLONGAN,
    MAX_NAME,
    clean_free_field,
    clean_golongan,
    clean_name,
)
from bot.core.phone import normalize_phone

COLUMNS = ("nip", "nama", "opd", "unit_kerja", "jabatan", "golongan", "jenis", "hp")
REQUIRED = ("nip", "nama", "opd")
KINDS = ("PNS", "PPPK")
MAX_OPD = 24


@dataclass(frozen=True, slots=True)
class RosterRow:
    nip: str
    name: str
    opd_code: str
    unit_kerja: str | None
    jabatan: str | None
    golongan: str | None
    kind: str
    phone: str | None = None  # E.164


@dataclass(slots=True)
class RosterFile:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "baris N: message"


class RowError(ValueError):
    """What is wrong with one row, in Indonesian."""


Cell = str | int | float | None


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an OPD code typed as a number is still that code
    return str(value).strip()


def _records(path: Path) -> Iterator[list[Cell]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook  # only the CLI reads workbooks

        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.active
        assert sheet is not None
        for cells in sheet.iter_rows(values_only=True):
            yield [v if isinstance(v, int | float | str) or v is None else str(v) for v in cells]
        workbook.close()
        return
    text = path.read_bytes().decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    yield from csv.reader(io.StringIO(text), dialect)


def _optional(value: str, label: str, limit: int) -> str | None:
    if not value:
        return None
    if len(value) > limit:
        raise RowError(f"{label} terlalu panjang ({len(value)} karakter, maksimal {limit})")
    cleaned = clean_free_field(value)
    if cleaned is None:
        raise RowError(f"{label} tidak valid: {value!r}")
    return cleaned


def _row(get: dict[str, Cell], opds: set[str], today: date | None) -> RosterRow:
    raw_nip = get.get("nip")
    if isinstance(raw_nip, int | float):
        raise RowError(f"kolom NIP harus berformat teks (tertulis sebagai angka {raw_nip!r})")
    try:
        nip = parse_nip(_text(raw_nip), today=today)
    except NipError as exc:
        raise RowError(f"NIP tidak valid {_text(raw_nip)!r}: {exc}") from None
    opd = _text(get.get("opd")).lower()
    if len(opd) > MAX_OPD or opd not in opds:
        raise RowError(f"OPD tidak dikenal {_text(get.get('opd'))!r}")
    raw_name = _text(get.get("nama"))
    if len(raw_name) > MAX_NAME:
        raise RowError(f"nama terlalu panjang ({len(raw_name)} karakter, maksimal {MAX_NAME})")
    name = clean_name(raw_name)
    if name is None:
        raise RowError(f"nama kosong atau tidak valid: {raw_name!r}")
    kind = _text(get.get("jenis")).upper() or nip.kind.value
    if kind not in KINDS:
        raise RowError(f"jenis harus PNS atau PPPK, bukan {kind!r}")
    if kind != nip.kind.value:
        raise RowError(f"jenis {kind} tidak sesuai dengan nomornya, yang menunjukkan {nip.kind}")
    golongan_text = _text(get.get("golongan"))
    golongan = None
    if golongan_text:
        if len(golongan_text) > MAX_GOLONGAN:
            raise RowError(
                f"golongan terlalu panjang ({len(golongan_text)} karakter, maksimal "
                f"{MAX_GOLONGAN}; tulis seperti III/b)"
            )
        golongan = clean_golongan(golongan_text, kind)
        if golongan is None:
            raise RowError(f"golongan tidak valid {golongan_text!r} (contoh: III/b, atau IX)")
    phone_text = _text(get.get("hp"))
    phone = normalize_phone(phone_text) if phone_text else None
    if phone_text and phone is None:
        raise RowError(f"nomor HP tidak valid {phone_text!r}")
    return RosterRow(
        nip=nip.digits,
        name=name,
        opd_code=opd,
        unit_kerja=_optional(_text(get.get("unit_kerja")), "unit kerja", MAX_FREE_FIELD),
        jabatan=_optional(_text(get.get("jabatan")), "jabatan", MAX_FREE_FIELD),
        golongan=golongan,
        kind=kind,
        phone=phone,
    )


def parse_roster(path: Path, known_opds: Iterable[str], today: date | None = None) -> RosterFile:
    """Every good row, and one error per bad row (invalid NIP, duplicate, unknown OPD...)."""
    opds = set(known_opds)
    result = RosterFile()
    records = _records(path)
    header = [_text(h).lower().replace(" ", "_") for h in next(records, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        result.errors.append(f"baris 1: kolom {', '.join(missing)} tidak ada")
        return result
    index = {name: header.index(name) for name in COLUMNS if name in header}
    seen: dict[str, int] = {}
    for line, values in enumerate(records, start=2):
        if not any(_text(v) for v in values):
            continue
        get = {name: values[i] if i < len(values) else None for name, i in index.items()}
        try:
            row = _row(get, opds, today)
        except RowError as exc:
            result.errors.append(f"baris {line}: {exc}")
            continue
        if row.nip in seen:
            result.errors.append(f"baris {line}: NIP {row.nip} ganda (baris {seen[row.nip]})")
            continue
        seen[row.nip] = line
        result.rows.append(row)
    return result
