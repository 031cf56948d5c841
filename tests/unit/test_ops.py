"""Operator tools on real databases: the online SQLite backup and the stats counts."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert

from bot.__main__ import main
from bot.services import operations as ops
from db.models import (
    Broadcast,
    Employee,
    ExternalTraining,
    JpLedgerEntry,
    OutboundMessage,
    Reminder,
)
from db.session import Database

TZ = ZoneInfo("Asia/Jakarta")
# 10:00 WIB on 25 November 2026; the month began (local time) at 2026-10-31 17:00 UTC.
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def _employee(i: int, created: datetime, active: bool = True) -> dict[str, object]:
    return {
        "telegram_id": 5000 + i,
        "nip": f"1986092620150510{i:02d}",
        "name": f"Pegawai {i}",
        "opd_code": "3328",
        "kind": "PNS",
        "is_active": active,
        "consent_at": created,
        "created_at": created,
        "updated_at": created,
    }


def _credit(employee_id: int, year: int, kind: str, source: str, centi: int) -> dict[str, object]:
    day = date(year, 3, 1)
    return {
        "employee_id": employee_id,
        "year": year,
        "jp_centi": centi,
        "source_kind": kind,
        "source_id": source,
        "title": "Modul",
        "activity_kind": "e-learning (mikro)",
        "organiser": "BPSDMD",
        "started_on": day,
        "ended_on": day,
    }


async def seed(db: Database) -> None:
    # The local month starts at 2026-11-01 00:00 WIB = 2026-10-31 17:00 UTC.
    month_start = datetime(2026, 10, 31, 17, 0, tzinfo=UTC)
    async with db.transaction() as s:
        await s.execute(
            insert(Employee),
            [
                _employee(1, month_start - timedelta(minutes=1)),  # last month, by local time
                _employee(2, month_start),
                _employee(3, NOW - timedelta(days=1), active=False),
                _employee(4, NOW - timedelta(days=400)),
            ],
        )
    async with db.transaction() as s:
        await s.execute(
            insert(JpLedgerEntry),
            [
                _credit(1, 2026, "module", "berakhlak", 150),
                _credit(2, 2026, "module", "berakhlak", 150),
                _credit(2, 2026, "external", "1", 800),
                _credit(1, 2025, "module", "literasi-digital", 200),
            ],
        )
        await s.execute(
            insert(Reminder),
            [
                {"employee_id": 1, "enabled": True, "minute_of_day": 600, "next_due_at": NOW},
                {
                    "employee_id": 2,
                    "enabled": True,
                    "minute_of_day": 600,
                    "next_due_at": NOW + timedelta(minutes=59),
                },
                {
                    "employee_id": 3,
                    "enabled": True,
                    "minute_of_day": 600,
                    "next_due_at": NOW + timedelta(hours=2),
                },
                {"employee_id": 4, "enabled": False, "minute_of_day": 600, "next_due_at": None},
            ],
        )
        await s.execute(
            insert(Broadcast),
            [
                {"created_by": 1, "text": "a", "status": "done", "audience": {}},
                {"created_by": 1, "text": "b", "status": "done", "audience": {}},
                {"created_by": 1, "text": "c", "status": "scheduled", "audience": {}},
            ],
        )
        await s.execute(
            insert(OutboundMessage),
            [
                {"kind": "reminder", "dedup_key": f"k{i}", "chat_id": 5001, "status": status}
                for i, status in enumerate(["pending", "pending", "sent", "failed", "sent"])
            ],
        )
        await s.execute(
            insert(ExternalTraining),
            [
                {
                    "employee_id": 1,
                    "opd_code": "3328",
                    "title": "Diklat",
                    "organiser": "LAN",
                    "activity_kind": "pelatihan",
                    "started_on": date(2026, 11, 2),
                    "ended_on": date(2026, 11, 3),
                    "jp_centi": 800,
                    "certificate_no": f"C-{i}",
                    "certificate_key": f"c{i}",
                    "file_id": "f",
                    "file_unique_id": f"u{i}",
                    "file_kind": "photo",
                    "status": status,
                }
                for i, status in enumerate(["pending", "approved", "pending"])
            ],
        )


async def test_stats_count_what_an_operator_needs(db: Database) -> None:
    await seed(db)
    figures = await ops.stats(db, NOW, TZ)
    assert (figures.employees_total, figures.employees_active) == (4, 3)
    assert figures.employees_registered_this_month == 2  # employees 2 and 3, by local month
    assert figures.modules_completed_this_year == 2
    assert figures.jp_credited_this_year == Decimal("11.00")
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
    assert json.loads(json.dumps(data))["jp_credited_this_year"] == "11.00"


async def test_stats_of_an_empty_database_are_zeros(db: Database) -> None:
    figures = await ops.stats(db, NOW, TZ)
    assert figures.employees_total == 0 and figures.outbox == {} and figures.reports_pending == 0
    assert "outbox" in ops.format_stats(figures)


async def cli(argv: list[str]) -> int:
    """The command line runs its own event loop (asyncio.run), so not in the test's."""
    return await asyncio.to_thread(main, argv)


def _rows(path: Path, table: str) -> int:
    with sqlite3.connect(path) as copy:
        return int(copy.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


async def test_backup_copies_a_live_sqlite_database_including_its_wal(
    db: Database, tmp_path: Path
) -> None:
    if not db.is_sqlite:
        pytest.skip("backup is SQLite-only: PostgreSQL is backed up with pg_dump")
    await seed(db)
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
        await s.execute(insert(Employee), [_employee(9, NOW)])
    with pytest.raises(ops.BackupError, match="--force"):
        await ops.backup(db, target)
    assert _rows(target, "employees") == 4  # untouched
    await ops.backup(db, target, force=True)
    assert _rows(target, "employees") == 5
    with pytest.raises(ops.BackupError, match="itself"):
        await ops.backup(db, source, force=True)


async def test_backup_command_line(
    db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    target = tmp_path / "copy.db"
    code = await cli(["backup", str(target)])
    out, err = capsys.readouterr()
    if not db.is_sqlite:
        assert code == 1 and "pg_dump" in err and out.startswith("pg_dump --format=custom")
        assert not target.exists()
        return
    assert code == 0 and "backup written" in out and target.is_file()
    assert await cli(["backup", str(target)]) == 1
    assert "exists" in capsys.readouterr().err
    assert await cli(["backup", "--force", str(target)]) == 0
    missing = f"sqlite+aiosqlite:///{tmp_path}/missing.db"
    monkeypatch.setenv("DATABASE_URL", missing)
    assert await cli(["backup", str(tmp_path / "other.db")]) == 1
    assert "no database" in capsys.readouterr().err
    assert not (tmp_path / "missing.db").exists()


async def test_stats_command_line_as_json(
    db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await seed(db)
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.chdir(tmp_path)
    assert await cli(["stats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["employees"]["total"] == 4 and data["outbox"]["pending"] == 2
    assert await cli(["stats"]) == 0
    assert "reports pending" in capsys.readouterr().out


def test_pg_dump_command_leaves_the_password_out() -> None:
    command = ops.pg_dump_command(
        "postgresql+asyncpg://sinau:s3cret@db.internal:5432/sinau", Path("/srv/sinau.dump")
    )
    assert command == (
        "pg_dump --format=custom --no-owner --file '/srv/sinau.dump' "
        "'postgresql://sinau@db.internal:5432/sinau'"
    )
