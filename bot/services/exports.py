"""Row-by-row exports (an OPD's employees, the SIASN course records) built in a process of
their own, so that the bot never freezes, whatever the size.

The bot checks the caller's role in a short transaction of its own, then hands the job to a
child process (``python -m bot.services.exports``) and awaits it. The child opens its own
database connection, reads the rows in one read-only transaction (a consistent snapshot;
SQLite's WAL lets the bot write meanwhile) and streams them to disk: a write-only XLSX up to
Excel's row limit, beyond it CSV files of at most ``CSV_PART_ROWS`` rows, each in a zip, which
the caption says. No file exceeds ``FILE_MAX_BYTES`` (Telegram's 50 MB for a bot's document): a
part ends before its zip would, and a sheet or a CSV that comes out larger is made again as
zipped parts. The bot's connection, its event loop and its interpreter lock stay free:
another user's ``/bantuan`` is answered as fast as before (``bench/export.py``).
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from collections.abc import AsyncIterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.core.jp import Targets
from bot.documents.columns import EMPLOYEE_COLUMNS, SIASN_COLUMNS
from bot.documents.spreadsheets import (
    CSV_PART_ROWS,
    FILE_MAX_BYTES,
    XLSX_MAX_ROWS,
    Column,
    CsvZipStream,
    XlsxStream,
)
from bot.store import reports
from bot.texts import documents as labels

JOB_TIMEOUT_SECONDS = 30 * 60


@dataclass(frozen=True, slots=True)
class ExportJob:
    kind: str  # "employees" (one OPD) | "siasn" (one OPD, or the province when opd is None)
    format: str  # "xlsx" | "csv"
    database_url: str
    year: int
    opd: str | None
    target_pns: int
    target_pppk: int
    minutes_per_jp: int
    folder: str
    name: str  # the files' base name
    sheet_title: str = ""  # the agency's name (default: its code, or "Provinsi")
    max_rows: int = XLSX_MAX_ROWS  # a sheet's rows (smaller in tests)
    part_rows: int = CSV_PART_ROWS  # rows per zipped CSV beyond them
    max_bytes: int = FILE_MAX_BYTES  # a file's size (smaller in tests)


@dataclass(slots=True)
class ExportResult:
    files: list[str] = field(default_factory=list)
    rows: int = 0
    format: str = "xlsx"  # "xlsx" | "csv.zip"

    @property
    def split(self) -> bool:
        return self.format == "csv.zip"


def _columns(kind: str) -> tuple[Column, ...]:
    return EMPLOYEE_COLUMNS if kind == "employees" else SIASN_COLUMNS


async def _rows(job: ExportJob, s: Any) -> AsyncIterator[Mapping[str, object]]:
    if job.kind == "employees":
        targets = Targets(job.target_pns, job.target_pppk)
        async for row in reports.employee_rows(s, job.year, targets, job.opd or ""):
            total = row["total_minutes"]
            status = labels.EMPLOYEE_STATUSES[str(row["state"])]
            yield {**row, "total_jp": total, "status": status}
        return
    async for row in reports.course_records(s, job.year, job.opd):
        yield {**row, "jp": row["minutes"]}


async def _count(job: ExportJob, s: Any) -> int:
    from db.models import Employee, JpLedgerEntry

    if job.kind == "employees":
        query = select(func.count()).select_from(Employee).where(Employee.opd_code == job.opd)
    else:
        query = (
            select(func.count())
            .select_from(JpLedgerEntry)
            .join(Employee, Employee.id == JpLedgerEntry.employee_id)
            .where(JpLedgerEntry.year == job.year)
        )
        if job.opd is not None:
            query = query.where(Employee.opd_code == job.opd)
    return int(await s.scalar(query) or 0)


async def build(job: ExportJob) -> ExportResult:
    """The export itself (in the child process): one read transaction, streamed to disk."""
    from db.session import Database

    db = Database(job.database_url)
    columns = _columns(job.kind)
    folder = Path(job.folder)
    try:
        async with db.transaction() as s:
            count = await _count(job, s)
            if job.format == "xlsx" and count + 2 <= job.max_rows:  # header and totals
                path = folder / f"{job.name}.xlsx"
                title = job.sheet_title or job.opd or "Provinsi"
                sheet = XlsxStream(
                    path, columns, sheet_title=title, minutes_per_jp=job.minutes_per_jp
                )
                async for row in _rows(job, s):
                    sheet.add(row)
                rows = sheet.close()
                if path.stat().st_size <= job.max_bytes:
                    return ExportResult([str(path)], rows, "xlsx")
                path.unlink()  # too big to send: the same rows as zipped parts, below
            elif job.format == "csv" and count + 1 <= job.max_rows:
                from bot.documents.spreadsheets import to_csv

                table = [row async for row in _rows(job, s)]  # fits a sheet: small enough
                data = to_csv(columns, table, minutes_per_jp=job.minutes_per_jp)
                if len(data) <= job.max_bytes:
                    path = folder / f"{job.name}.csv"
                    path.write_bytes(data)
                    return ExportResult([str(path)], len(table), "csv")
                del table, data
            parts = CsvZipStream(
                folder,
                job.name,
                columns,
                minutes_per_jp=job.minutes_per_jp,
                part_rows=job.part_rows,
                part_bytes=job.max_bytes,
            )
            async for row in _rows(job, s):
                parts.add(row)
            return ExportResult([str(p) for p in parts.close()], parts.rows, "csv.zip")
    finally:
        await db.dispose()


async def digest(database_url: str, year: int, opd: str | None) -> str:
    """What changes when an export's data changes: the scope's employees (count, last edit)
    and the year's credits (count, last id, total minutes). In the child process: it reads
    every credit of the year, too slow for the bot's event loop at a province's size."""
    from db.models import Employee, JpLedgerEntry
    from db.session import Database

    e, ledger = Employee, JpLedgerEntry
    db = Database(database_url)
    try:
        async with db.transaction() as s:
            people = select(func.count(e.id), func.max(e.updated_at))
            credits = select(func.count(ledger.id), func.max(ledger.id), func.sum(ledger.minutes))
            credits = credits.where(ledger.year == year)
            if opd is not None:
                people = people.where(e.opd_code == opd)
                credits = credits.where(
                    ledger.employee_id.in_(select(e.id).where(e.opd_code == opd))
                )
            seen = (await s.execute(people)).one(), (await s.execute(credits)).one()
    finally:
        await db.dispose()
    return repr((tuple(seen[0]), tuple(seen[1])))


async def digest_in_child(database_url: str, year: int, opd: str | None) -> str:
    request = {"digest": {"database_url": database_url, "year": year, "opd": opd}}
    return str((await _child(request))["digest"])


async def run_in_child(job: ExportJob) -> ExportResult:
    """Run ``build`` in a child process and wait for it without blocking the event loop."""
    data = await _child(asdict(job))
    return ExportResult(list(data["files"]), int(data["rows"]), str(data["format"]))


async def _child(request: dict[str, Any]) -> dict[str, Any]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.services.exports",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(
            process.communicate(json.dumps(request).encode()), JOB_TIMEOUT_SECONDS
        )
    except BaseException:
        if process.returncode is None:
            process.kill()
            await process.wait()
        raise
    if process.returncode != 0:
        tail = err.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"export job failed ({process.returncode}): {tail[0][:300]}")
    result: dict[str, Any] = json.loads(out)
    return result


def new_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="sinau-export-"))


def _main() -> int:
    request = json.loads(sys.stdin.read())
    if "digest" in request:
        sys.stdout.write(json.dumps({"digest": asyncio.run(digest(**request["digest"]))}))
        return 0
    result = asyncio.run(build(ExportJob(**request)))
    sys.stdout.write(json.dumps(asdict(result)))
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
