"""``python -m bot report assignments [--opd CODE] [--xlsx F] [--csv F]``: the compliance of
required learning, per assignment and per OPD, as /laporan shows it (for cron)."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from bot.config import Settings
from bot.core.clock import system_clock
from bot.core.content_loader import load_catalog
from bot.documents.spreadsheets import Column, ColumnKind, to_csv, to_xlsx
from bot.services.assignments import AssignmentService, Counts

COMPLIANCE_COLUMNS = (
    Column("assignment", "No. penugasan", ColumnKind.INTEGER),
    Column("title", "Penugasan"),
    Column("due_on", "Tenggat", ColumnKind.DATE),
    Column("recurrence", "Berulang (bulan)", ColumnKind.INTEGER),
    Column("opd_code", "Kode OPD"),
    Column("opd_name", "Instansi"),
    Column("members", "Ditugaskan", ColumnKind.INTEGER, total=True),
    Column("completed", "Selesai", ColumnKind.INTEGER, total=True),
    Column("share", "Kepatuhan", ColumnKind.PERCENT),
    Column("in_progress", "Sedang berjalan", ColumnKind.INTEGER, total=True),
    Column("not_started", "Belum mulai", ColumnKind.INTEGER, total=True),
    Column("overdue", "Terlambat", ColumnKind.INTEGER, total=True),
    Column("on_time", "Selesai tepat waktu", ColumnKind.INTEGER, total=True),
    Column("on_time_share", "Kepatuhan tepat waktu", ColumnKind.PERCENT),
)
ALL = "(semua OPD)"


def compliance_rows(
    found: list[tuple[Any, dict[str | None, Counts]]], names: dict[str, str]
) -> list[dict[str, Any]]:
    rows = []
    for assignment, counts in found:
        for opd, c in sorted(counts.items(), key=lambda kv: (kv[0] is None, kv[0] or "")):
            rows.append(
                {
                    "assignment": assignment.id,
                    "title": assignment.title,
                    "due_on": assignment.due_on,
                    "recurrence": assignment.recurrence_months or 0,
                    "opd_code": opd or "",
                    "opd_name": names.get(opd, opd) if opd else ALL,
                    "members": c.members,
                    "completed": c.completed,
                    "share": c.share(),
                    "in_progress": c.in_progress,
                    "not_started": c.not_started,
                    "overdue": c.overdue,
                    "on_time": c.on_time,
                    "on_time_share": c.on_time_share(),
                }
            )
    return rows


async def report(args: argparse.Namespace, settings: Settings) -> int:
    from db.session import Database

    catalog = load_catalog(settings.content_dir)
    names = {code: opd.name for code, opd in catalog.opds.items()}
    db = Database(settings.database_url)
    try:
        service = AssignmentService(db, catalog, system_clock, settings)
        found = await service.compliance(args.opd_code)
    finally:
        await db.dispose()
    table = compliance_rows(found, names)
    for row in table:
        print(
            f"#{row['assignment']} {row['title']} | {row['opd_name']}: "
            f"{row['completed']}/{row['members']} selesai ({row['share']:.1%}), "
            f"tepat waktu {row['on_time']} ({row['on_time_share']:.1%}), "
            f"terlambat {row['overdue']}"
        )
    outputs = {
        args.xlsx: lambda: to_xlsx(COMPLIANCE_COLUMNS, table, sheet_title="Kepatuhan"),
        args.csv: lambda: to_csv(COMPLIANCE_COLUMNS, table),
    }
    for path, build in outputs.items():
        if path is not None:
            path.write_bytes(await asyncio.to_thread(build))
            print(f"wrote {path}")
    print(f"{len(found)} assignment(s), {len(table)} row(s)")
    return 0
