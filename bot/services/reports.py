"""Admin reports with their scope, and the files they export (XLSX, CSV, PNG).

The scope rule lives here, once, for the chat and nowhere else: an OPD admin sees their own OPD,
a superadmin every OPD and the province ranking, everybody else nothing (employees see their own
hours with ``/jp``). The command line (``python -m bot report``, for cron) runs as the operator of
the server and calls the same builders without a chat user.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.agencies import short_name, slug
from bot.core.clock import Clock, system_clock
from bot.core.jp import JpScale, Targets
from bot.documents.charts import OpdCompliance, render_compliance_chart, render_compliance_pages
from bot.documents.columns import RECAP_COLUMNS
from bot.documents.spreadsheets import (
    CSV_PART_ROWS,
    FILE_MAX_BYTES,
    XLSX_MAX_ROWS,
    Column,
    to_csv,
    to_xlsx,
)
from bot.services import exports
from bot.services.audit import audit_view
from bot.services.files import fingerprint
from bot.services.roles import Actor, require_admin, require_scope
from bot.store import reports
from bot.texts import documents as labels
from db.session import Database

REVIEW_WINDOW = timedelta(days=30)  # review participation and most-missed questions
FILE_NAMES = {"xlsx": "pegawai", "csv": "pegawai", "siasn": "riwayat-kursus", "recap": "rekap-opd"}
FILE_NAMES["chart"] = "grafik-opd"


@dataclass(frozen=True, slots=True)
class RecapView:
    year: int
    rows: list[reports.OpdRecap]
    categories: dict[str | None, int]
    reviewers: dict[str, int] = field(default_factory=dict)  # per OPD, the last 30 days
    missed: list[reports.MissedQuestion] = field(default_factory=list)


def recap_rows(
    rows: list[reports.OpdRecap],
    names: Mapping[str, str],
    reviewers: Mapping[str, int] | None = None,
) -> list[dict[str, object]]:
    reviewers = reviewers or {}
    return [
        {
            "rank": rank,
            "opd_code": r.opd_code,
            "opd_name": names.get(r.opd_code, r.opd_code),
            "employees": r.employees,
            "registered": r.registered,
            "verified": r.verified,
            "at_target": r.at_target,
            "share": r.share,
            "average_minutes": r.average_minutes,
            "total_minutes": r.total_minutes,
            "total_jp": r.total_minutes,
            "reviewers": reviewers.get(r.opd_code, 0),
        }
        for rank, r in enumerate(rows, start=1)
    ]


async def employee_table(
    s: AsyncSession, year: int, targets: Targets, opd_code: str
) -> list[dict[str, object]]:
    return [
        {
            **row,
            "total_jp": row["total_minutes"],
            "status": labels.EMPLOYEE_STATUSES[str(row["state"])],
        }
        async for row in reports.employee_rows(s, year, targets, opd_code)
    ]


async def siasn_table(s: AsyncSession, year: int, opd_code: str | None) -> list[dict[str, object]]:
    records = reports.course_records(s, year, opd_code)
    return [{**row, "jp": row["minutes"]} async for row in records]


def xlsx(
    columns: tuple[Column, ...], rows: list[dict[str, object]], title: str, scale: JpScale
) -> bytes:
    return to_xlsx(columns, rows, sheet_title=title, minutes_per_jp=scale.minutes_per_jp)


def csv(columns: tuple[Column, ...], rows: list[dict[str, object]], scale: JpScale) -> bytes:
    return to_csv(columns, rows, minutes_per_jp=scale.minutes_per_jp)


def chart(
    rows: list[reports.OpdRecap], names: Mapping[str, str], year: int, target_label: str
) -> bytes:
    items = [
        OpdCompliance(names.get(r.opd_code, r.opd_code), r.employees, r.at_target) for r in rows
    ]
    return render_compliance_chart(items, year=year, target_label=target_label)


def chart_pages(
    rows: list[reports.OpdRecap], names: Mapping[str, str], year: int, target_label: str
) -> list[bytes]:
    """The compliance chart for the chat: one image per ``CHART_PAGE`` agencies."""
    items = [
        OpdCompliance(names.get(r.opd_code, r.opd_code), r.employees, r.at_target) for r in rows
    ]
    return render_compliance_pages(items, year=year, target_label=target_label)


class ReportService:
    """Reports for the chat, each call re-checking the caller's role."""

    def __init__(
        self,
        db: Database,
        admin_ids: frozenset[int],
        targets: Targets,
        scale: JpScale,
        *,
        clock: Clock = system_clock,
    ) -> None:
        self.db = db
        self.clock = clock
        self.admin_ids = admin_ids
        self.targets = targets
        self.scale = scale
        # Tests shrink them.
        self.max_rows, self.part_rows, self.max_bytes = XLSX_MAX_ROWS, CSV_PART_ROWS, FILE_MAX_BYTES

    async def actor(self, telegram_id: int) -> Actor:
        """The caller's role (``NotAllowed`` for a learner): it decides the default scope."""
        async with self.db.transaction() as s:
            return await require_admin(s, telegram_id, self.admin_ids)

    async def recap(self, actor_id: int, year: int, opd_code: str | None) -> RecapView:
        """One OPD's recap (``opd_code``) or the province ranking (None)."""
        async with self.db.transaction() as s:
            require_scope(await require_admin(s, actor_id, self.admin_ids), opd_code)
            rows = await reports.opd_recap(s, year, self.targets, opd_code)
            categories = await reports.category_totals(s, year, opd_code)
            since = self.clock() - REVIEW_WINDOW
            reviewers = await reports.review_participation(s, since, opd_code)
            missed = await reports.most_missed(s, since, opd_code)
            return RecapView(year, rows, categories, reviewers, missed)

    async def require(self, actor_id: int, opd_code: str | None) -> None:
        """``NotAllowed`` unless the caller may see this scope (before any work starts)."""
        async with self.db.transaction() as s:
            require_scope(await require_admin(s, actor_id, self.admin_ids), opd_code)

    async def fingerprint(self, actor_id: int, kind: str, opd_code: str | None, year: int) -> str:
        """A digest of what an export of this scope and year shows now: its file is sent again
        by file_id until a credit or an employee in the scope changes. The role is checked
        here; the digest (an aggregate over every credit of the year) is computed by a child
        process, off the event loop."""
        async with self.db.transaction() as s:
            require_scope(await require_admin(s, actor_id, self.admin_ids), opd_code)
        seen = await exports.digest_in_child(self.db.url, year, opd_code)
        return fingerprint(kind, opd_code, year, seen, self.scale)

    async def file(
        self, actor_id: int, kind: str, opd_code: str | None, year: int, names: Mapping[str, str]
    ) -> ReportFiles | None:
        """The files of one export (None for a kind that has no file at that scope).

        The role is checked, and the small tables read, in one short transaction; the files
        are built after it (the connection is free again): the row-by-row exports in a child
        process (``bot.services.exports``), the recap and the chart in a thread.
        """
        # Named after the agency, as admins know it (an ASCII slug), never its internal code.
        agency = names.get(opd_code, opd_code) if opd_code else labels.ALL_AGENCIES
        base = f"{FILE_NAMES[kind]}-{slug(agency)}-{year}"
        async with self.db.transaction() as s:
            actor = await require_admin(s, actor_id, self.admin_ids)
            require_scope(actor, opd_code)
            if kind in ("xlsx", "csv") and opd_code is None:
                return None
            if kind in ("xlsx", "csv", "siasn"):
                # A list of names and NIPs: an audited view of personal data.
                await audit_view(s, self.clock, actor, None, f"export.{kind}", opd=opd_code)
            recap = await reports.opd_recap(s, year, self.targets, opd_code)
            since = self.clock() - REVIEW_WINDOW
            reviewers = await reports.review_participation(s, since, opd_code)
        if kind in ("xlsx", "csv", "siasn"):
            folder = exports.new_folder()
            job = exports.ExportJob(
                kind="siasn" if kind == "siasn" else "employees",
                format="csv" if kind == "csv" else "xlsx",
                database_url=self.db.url,
                year=year,
                opd=opd_code,
                target_pns=self.targets.pns,
                target_pppk=self.targets.pppk,
                minutes_per_jp=self.scale.minutes_per_jp,
                folder=str(folder),
                name=base,
                sheet_title=short_name(agency, 31),
                max_rows=self.max_rows,
                part_rows=self.part_rows,
                max_bytes=self.max_bytes,
            )
            try:
                result = await exports.run_in_child(job)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            files: list[tuple[str, bytes | Path]] = [(Path(f).name, Path(f)) for f in result.files]
            return ReportFiles(files, result.rows, result.split, folder)
        if kind == "recap":
            rows = recap_rows(recap, names, reviewers)
            title = f"Rekap {year}"
            data = await asyncio.to_thread(xlsx, RECAP_COLUMNS, rows, title, self.scale)
            return ReportFiles([(f"{base}.xlsx", data)])
        label = self.scale.jp_text(self.targets.pns)
        pngs = await asyncio.to_thread(chart_pages, recap, names, year, label)
        if len(pngs) == 1:
            return ReportFiles([(f"{base}.png", pngs[0])])
        return ReportFiles([(f"{base}-{n}.png", png) for n, png in enumerate(pngs, start=1)])


@dataclass(slots=True)
class ReportFiles:
    """One export: its files (in memory, or on disk in ``folder``, which the caller deletes
    once they are sent), its rows, and whether it was split beyond a sheet's rows."""

    files: list[tuple[str, bytes | Path]]
    rows: int | None = None
    split: bool = False
    folder: Path | None = None

    def discard(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
