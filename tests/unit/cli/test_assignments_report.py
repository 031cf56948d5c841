"""``python -m bot report assignments``: compliance per assignment and per OPD, as files."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import Settings
from bot.core.content import Catalog
from bot.services import Services
from bot.services.assignments import Spec
from bot.store.audience import Audience
from db.session import Database
from tests.support import FakeClock, active_sheet
from tests.unit.helpers import read_all, register, take_quiz

ADMIN = 7001


async def _setup(settings: Settings, catalog: Catalog, clock: FakeClock) -> None:
    settings = settings.model_copy(update={"admin_ids": frozenset({ADMIN})})
    db = Database(settings.database_url)
    try:
        svc = Services.build(settings, db, catalog, clock=clock, rng=random.Random(1))
        await register(svc)
        await register(svc, 1002, "199001012018012003", opd="3374")
        module = catalog.modules["gratifikasi"]
        await read_all(svc, module)
        assert (await take_quiz(svc, module, module.ask)).passed
        today = svc.assignments.today()
        spec = Spec("module", "gratifikasi", Audience(), today + timedelta(days=10), 12)
        assert (await svc.assignments.create(ADMIN, spec)).members == 2
    finally:
        await db.dispose()


def test_report_assignments_lists_compliance_per_opd(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
    catalog: Catalog,
    clock: FakeClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("SINAU_CONTENT_DIR", str(settings.content_dir))
    assert main(["migrate"]) == 0
    asyncio.run(_setup(settings, catalog, clock))
    xlsx, csv = tmp_path / "tugas.xlsx", tmp_path / "tugas.csv"
    assert main(["report", "assignments", "--xlsx", str(xlsx), "--csv", str(csv)]) == 0
    out = capsys.readouterr().out
    assert "Kabupaten Tegal: 1/1 selesai (100.0%)" in out
    assert "(semua OPD): 1/2 selesai (50.0%)" in out
    assert "1 assignment(s), 3 row(s)" in out
    sheet = active_sheet(xlsx)
    assert sheet["B1"].value == "Penugasan" and sheet["I1"].value == "Kepatuhan"
    assert "Instansi" in csv.read_text(encoding="utf-8-sig")
    assert main(["report", "assignments", "--opd", "3374"]) == 0
    assert "0/1 selesai" in capsys.readouterr().out
