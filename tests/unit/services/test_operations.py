"""Operator tools on real databases (bot/services/operations.py): the stats counts and the online
SQLite backup."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import insert

from bot.services import operations as ops
from db.models import Employee
from db.session import Database
from tests.unit.seeds import NOW, TZ, employee_row, seed_operations


async def test_stats_count_what_an_operator_needs(db: Database) -> None:
    await seed_operations(db)
    figures = await ops.stats(db, NOW, TZ)
    assert (figures.employees_total, figures.employees_active) == (4, 3)
    assert figures.employees_registered_this_month == 2  # employees 2 and 3, by local month
    assert figures.modules_completed_this_year == 2
    assert figures.minutes_credited_this_year == 68 + 68 + 360  # 2026 only
    assert (figures.reminders_enabled, figures.reminders_due_next_hour) == (3, 2)
    assert figures.outbox == {"failed": 1, "pending": 2, "sent": 2}
    assert figures.announcements == {"done": 2, "scheduled": 1}
    assert figures.reports_pending == 2

    text = ops.format_stats(figures).splitlines()
    assert text[0].startswith("as of ") and "2026-11-25T10:00:00+07:00" in text[0]
    assert "employees: registered in 2026-11  2" in text
    columns = {len(line) - len(line.split()[-1]) for line in text}
    assert len(columns) == 1  # values start in one column
    data = figures.as_dict()
    assert json.loads(json.dumps(data))["minutes_credited_this_year"] == 496


async def test_stats_of_an_empty_database_are_zeros(db: Database) -> None:
    figures = await ops.stats(db, NOW, TZ)
    assert figures.employees_total == 0 and figures.outbox == {} and figures.reports_pending == 0
    assert "outbox" in ops.format_stats(figures)


def _rows(path: Path, table: str) -> int:
    with sqlite3.connect(path) as copy:
        return int(copy.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


async def test_backup_copies_a_live_sqlite_database_including_its_wal(
    db: Database, tmp_path: Path
) -> None:
    if not db.is_sqlite:
        pytest.skip("backup is SQLite-only: PostgreSQL is backed up with pg_dump")
    await seed_operations(db)
    source = ops.sqlite_path(db.url)
    assert source is not None
    # The bot's engine is still open and the rows may sit in the -wal file, not yet in the
    # main file: a plain file copy could miss them, the backup API does not.
    target = tmp_path / "backups" / "sinau.db"
    result = await ops.backup(db, target)
    assert result.path == target and result.size_bytes == target.stat().st_size
    assert _rows(target, "employees") == 4 and _rows(target, "jp_ledger") == 4
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    assert not list(target.parent.glob(".*partial*"))

    async with db.transaction() as s:
        await s.execute(insert(Employee), [employee_row(9, NOW)])
    with pytest.raises(ops.BackupError, match="--force"):
        await ops.backup(db, target)
    assert _rows(target, "employees") == 4  # untouched
    await ops.backup(db, target, force=True)
    assert _rows(target, "employees") == 5
    with pytest.raises(ops.BackupError, match="itself"):
        await ops.backup(db, source, force=True)


def test_pg_dump_command_leaves_the_password_out() -> None:
    command = ops.pg_dump_command(
        "postgresql+asyncpg://sinau:s3cret@db.internal:5432/sinau", Path("/srv/sinau.dump")
    )
    assert command == (
        "pg_dump --format=custom --no-owner --file '/srv/sinau.dump' "
        "'postgresql://sinau@db.internal:5432/sinau'"
    )
