"""The training-hours commands (bot/cli/hours.py): roster import, report files, certificates."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.__main__ import main
from bot.config import Settings
from db.models import RosterEntry
from db.session import Database
from tests.support import active_sheet
from tests.unit.helpers import write_csv

GOOD = "19860926 201505 1 001"


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("SINAU_CONTENT_DIR", str(settings.content_dir))


def test_cli_roster_dry_run_import_and_reports(tmp_path: Path, cli_env: None) -> None:
    path = write_csv(tmp_path / "r.csv", ["nip;nama;opd", f"{GOOD};Siti;3328", "1;X;3328"])
    assert main(["migrate"]) == 0
    assert main(["roster", "import", str(path), "--dry-run"]) == 1
    assert main(["roster", "import", str(path)]) == 1  # imported the good row, reported the bad
    xlsx, csv, png = tmp_path / "recap.xlsx", tmp_path / "recap.csv", tmp_path / "c.png"
    assert (
        main(
            [
                "report",
                "recap",
                "--year",
                "2026",
                "--xlsx",
                str(xlsx),
                "--csv",
                str(csv),
                "--chart",
                str(png),
            ]
        )
        == 0
    )
    assert active_sheet(xlsx)["A1"].value == "Peringkat"
    assert png.read_bytes().startswith(b"\x89PNG")
    # The row-by-row reports are streamed (as the bot's exports are), to the paths given.
    siasn, opd = tmp_path / "siasn.xlsx", tmp_path / "opd.csv"
    assert main(["report", "siasn", "--year", "2026", "--xlsx", str(siasn)]) == 0
    assert active_sheet(siasn)["C1"].value == "namaKursus"
    assert main(["report", "opd", "3328", "--year", "2026", "--csv", str(opd)]) == 0
    assert opd.read_bytes().startswith(b"\xef\xbb\xbfNIP;Nama")
    assert main(["certificate", "verify", "ABCD-EFGH-JKLM"]) == 1


def test_cli_roster_import_lists_bad_rows_and_imports_the_good_ones(
    tmp_path: Path, cli_env: None, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """One over-long golongan used to abort a PostgreSQL import with a traceback: now it is a
    row error, the other rows are imported, on every database."""
    path = write_csv(
        tmp_path / "r.csv",
        [
            "nip;nama;opd;golongan;hp",
            f"{GOOD};Siti Aminah;3328;III/b;0812-3456-7890",
            "19900101 201801 2 003;Budi Santoso;3328;Penata Muda Tingkat I (III/b);",
        ],
    )
    assert main(["migrate"]) == 0
    assert main(["roster", "import", str(path)]) == 1
    out = capsys.readouterr()
    assert "baris 3: golongan terlalu panjang" in out.err and "imported: 1 new" in out.out

    async def listed() -> list[tuple[str, str | None]]:
        db = Database(settings.database_url)
        try:
            async with db.transaction() as s:
                rows = await s.execute(select(RosterEntry.nip, RosterEntry.phone))
                return [tuple(r) for r in rows]  # type: ignore[misc]
        finally:
            await db.dispose()

    assert asyncio.run(listed()) == [(GOOD.replace(" ", ""), "+6281234567890")]
