"""Operator tools behind ``python -m bot backup`` and ``python -m bot stats``.

Pure functions over a :class:`~db.session.Database`, so the tests run them on real databases and
the command line only prints. Neither migrates nor writes to the bot's database: both are meant
to run beside a live bot.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncSession

from db.dialects import dialect_name
from db.models import (
    Broadcast,
    Employee,
    ExternalTraining,
    JpLedgerEntry,
    OutboundMessage,
    Reminder,
)
from db.session import Database
from db.session import sqlite_file as sqlite_path

# --------------------------------------------------------------------------------- backup


class BackupError(Exception):
    """A backup that cannot be made; the message says why, in one line."""


class NotSqliteError(BackupError):
    """The database is PostgreSQL: its own tool, pg_dump, makes the backup."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    tables: int


def pg_dump_command(database_url: str, target: Path) -> str:
    """The pg_dump command line for a PostgreSQL URL, without its password (which would land in
    the shell history): pg_dump reads it from ``~/.pgpass`` or ``PGPASSWORD``."""
    url = make_url(database_url)
    plain = URL.create("postgresql", url.username, None, url.host, url.port, url.database)
    conninfo = plain.render_as_string(hide_password=False)
    return f"pg_dump --format=custom --no-owner --file '{target}' '{conninfo}'"


async def backup(db: Database, target: Path, *, force: bool = False) -> BackupResult:
    """Copy the SQLite database to ``target`` with SQLite's online backup API.

    The copy is one consistent snapshot taken inside a read transaction, so the bot may keep
    writing meanwhile (in WAL mode readers do not block writers) and committed pages still in
    the ``-wal`` file are included, which a plain file copy would miss.
    """
    source = sqlite_path(db.url)
    if source is None:
        if dialect_name(db.engine) == "postgresql":
            raise NotSqliteError(pg_dump_command(db.url, target))
        raise BackupError("only a SQLite file or PostgreSQL database can be backed up")
    return await asyncio.to_thread(_backup_file, source, target, force)


def _backup_file(source: Path, target: Path, force: bool) -> BackupResult:
    if not source.is_file():  # connecting would create an empty database there
        raise BackupError(f"no database at {source}")
    if target.exists() and not force:
        raise BackupError(f"{target} exists; use --force to overwrite it")
    if target.resolve() == source.resolve():
        raise BackupError("the backup cannot overwrite the database itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and renamed at the end: a failed or interrupted backup never
    # leaves a half-written file under the name an operator would restore from.
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=15)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)  # all pages in one step: one snapshot
            # A single self-contained file: the copy does not need a -wal beside it.
            dst.execute("PRAGMA journal_mode=DELETE")
            (check,) = dst.execute("PRAGMA quick_check").fetchone()
            if check != "ok":
                raise BackupError(f"the copy failed its integrity check: {check}")
            (tables,) = dst.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()
        finally:
            dst.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    partial.replace(target)
    return BackupResult(target, target.stat().st_size, tables)


# ---------------------------------------------------------------------------------- stats


@dataclass
class Stats:
    """The figures an operator looks at first, as of ``at`` (local time)."""

    at: datetime
    employees_total: int = 0
    employees_active: int = 0
    employees_registered_this_month: int = 0
    modules_completed_this_year: int = 0
    minutes_credited_this_year: int = 0
    reminders_enabled: int = 0
    reminders_due_next_hour: int = 0
    outbox: dict[str, int] = field(default_factory=dict)
    announcements: dict[str, int] = field(default_factory=dict)
    reports_pending: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "year": self.at.year,
            "month": f"{self.at:%Y-%m}",
            "employees": {
                "total": self.employees_total,
                "active": self.employees_active,
                "registered_this_month": self.employees_registered_this_month,
            },
            "modules_completed_this_year": self.modules_completed_this_year,
            "minutes_credited_this_year": self.minutes_credited_this_year,
            "reminders": {
                "enabled": self.reminders_enabled,
                "due_next_hour": self.reminders_due_next_hour,
            },
            "outbox": dict(self.outbox),
            "announcements": dict(self.announcements),
            "reports_pending": self.reports_pending,
        }


async def stats(db: Database, now: datetime, tz: ZoneInfo) -> Stats:
    """Count, with one small query per figure (indexed columns or small tables)."""
    local = now.astimezone(tz)
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    result = Stats(at=local)
    async with db.sessions() as s:
        result.employees_total = await _count(s, Employee.id)
        result.employees_active = await _count(s, Employee.id, Employee.is_active.is_(True))
        result.employees_registered_this_month = await _count(
            s, Employee.id, Employee.created_at >= month_start.astimezone(UTC)
        )
        this_year = JpLedgerEntry.year == local.year
        result.modules_completed_this_year = await _count(
            s, JpLedgerEntry.id, this_year, JpLedgerEntry.source_kind == "module"
        )
        minutes = await s.scalar(
            select(func.coalesce(func.sum(JpLedgerEntry.minutes), 0)).where(this_year)
        )
        result.minutes_credited_this_year = int(minutes or 0)
        result.reminders_enabled = await _count(s, Reminder.employee_id, Reminder.enabled.is_(True))
        # Overdue ones too: the next tick sends them (or skips them as too late).
        result.reminders_due_next_hour = await _count(
            s, Reminder.employee_id, Reminder.next_due_at <= now + timedelta(hours=1)
        )
        result.outbox = await _by_status(s, OutboundMessage.status)
        result.announcements = await _by_status(s, Broadcast.status)
        result.reports_pending = await _count(
            s, ExternalTraining.id, ExternalTraining.status == "pending"
        )
    return result


async def _count(s: AsyncSession, column: Any, *where: ColumnElement[bool]) -> int:
    return int(await s.scalar(select(func.count(column)).where(*where)) or 0)


async def _by_status(s: AsyncSession, status: Any) -> dict[str, int]:
    rows = await s.execute(select(status, func.count()).group_by(status).order_by(status))
    return {str(name): int(count) for name, count in rows}


def format_stats(figures: Stats) -> str:
    """Aligned ``name  value`` lines, the order of :meth:`Stats.as_dict`."""
    data = figures.as_dict()
    lines: list[tuple[str, str]] = [("as of", data.pop("at"))]
    year, month = data.pop("year"), data.pop("month")
    for key, value in data.items():
        label = key.replace("_", " ").replace("this year", f"in {year}")
        if isinstance(value, dict):
            if not value:
                lines.append((label, "none"))
            for sub, count in value.items():
                sub_label = sub.replace("_", " ").replace("this month", f"in {month}")
                lines.append((f"{label}: {sub_label}", str(count)))
        else:
            lines.append((label, str(value)))
    width = max(len(name) for name, _ in lines)
    return "\n".join(f"{name.ljust(width)}  {value}" for name, value in lines)
