"""``python -m bot erase NIP [--yes]``: the operator's erasure, the same as /hapus."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.services import Services
from db.models import AuditEntry, Employee
from db.session import Database
from tests.unit.cli.test_ops import cli
from tests.unit.helpers import NIP, register


async def test_erase_shows_first_and_erases_with_yes(
    svc: Services,
    db: Database,
    tmp_path: object,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await register(svc)
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.chdir(str(tmp_path))  # no .env of the developer's
    assert await cli(["erase", NIP]) == 1  # a dry run
    out = capsys.readouterr().out
    assert "Siti Aminah (3328)" in out and "nothing erased" in out
    async with db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(Employee)) == 1

    assert await cli(["erase", NIP, "--yes"]) == 0
    assert "erased; 0 ledger row(s) retained" in capsys.readouterr().out
    async with db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(Employee)) == 0
        entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "privacy.erase"))
    assert entry is not None and entry.params["by"] == "operator"

    assert await cli(["erase", NIP, "--yes"]) == 1
    assert "no account" in capsys.readouterr().err
    assert await cli(["erase", "12345"]) == 1
    assert "18 digit" in capsys.readouterr().err
