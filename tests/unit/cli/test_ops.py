"""The operator commands (bot/cli/ops.py): backup and stats."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.__main__ import main
from db.session import Database
from tests.unit.seeds import seed_operations


async def cli(argv: list[str]) -> int:
    """The command line runs its own event loop (asyncio.run), so not in the test's."""
    return await asyncio.to_thread(main, argv)


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
    await seed_operations(db)
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.chdir(tmp_path)
    assert await cli(["stats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["employees"]["total"] == 4 and data["outbox"]["pending"] == 2
    assert await cli(["stats"]) == 0
    assert "reports pending" in capsys.readouterr().out
