"""Roster import (a file with bad rows, a re-import that updates), registration against the
roster, and the command-line tools on a real temporary database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from bot.__main__ import main
from bot.config import Settings
from bot.core.content import Catalog
from bot.core.roster_file import parse_roster
from bot.services.registration import RegistrationOutcome, RegistrationService, RegistrationStep
from bot.services.reminders import ReminderService
from bot.store import roster
from db.models import RosterEntry
from db.session import Database

TODAY = date(2026, 11, 25)
GOOD = "19860926 201505 1 001"
GOOD2 = "19900101 201801 2 003"


def write_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_a_roster_with_bad_rows_lists_each_error(tmp_path: Path, catalog: Catalog) -> None:
    path = write_csv(
        tmp_path / "roster.csv",
        [
            "nip;nama;opd;unit_kerja;jabatan;golongan;jenis",
            f"{GOOD};Siti Aminah;3328;Bagian Umum;Analis;III/a;PNS",
            "12345;Salah NIP;3328;;;;PNS",
            f"{GOOD};Ganda;3328;;;;PNS",
            f"{GOOD2};OPD Asing;9999;;;;PNS",
            f"{GOOD2};Budi Santoso;3376;;;;",
        ],
    )
    parsed = parse_roster(path, catalog.opds, TODAY)
    assert [r.name for r in parsed.rows] == ["Siti Aminah", "Budi Santoso"]
    assert parsed.rows[1].kind == "PNS" and parsed.rows[0].unit_kerja == "Bagian Umum"
    assert len(parsed.errors) == 3
    assert parsed.errors[0].startswith("line 3: invalid NIP")
    assert parsed.errors[1] == "line 4: duplicate NIP 198609262015051001 (line 2)"
    assert parsed.errors[2] == "line 5: unknown OPD '9999'"


def test_xlsx_roster_with_a_numeric_nip(tmp_path: Path, catalog: Catalog) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["NIP", "Nama", "OPD"])
    sheet.append([float(GOOD.replace(" ", "")[:15]), "Terpotong", "3328"])  # Excel ate digits
    sheet.append([GOOD.replace(" ", ""), "Siti Aminah", "3328"])
    workbook.save(tmp_path / "r.xlsx")
    parsed = parse_roster(tmp_path / "r.xlsx", catalog.opds, TODAY)
    assert [r.nip for r in parsed.rows] == [GOOD.replace(" ", "")]
    assert parsed.errors[0].startswith("line 2: invalid NIP")


async def test_reimport_updates_and_registration_asks_is_this_you(
    db: Database, settings: Settings, catalog: Catalog, tmp_path: Path
) -> None:
    first = parse_roster(
        write_csv(tmp_path / "a.csv", ["nip,nama,opd", f"{GOOD},Siti Aminah,3328"]),
        catalog.opds,
        TODAY,
    )
    now = datetime(2026, 11, 25, tzinfo=UTC)
    assert await roster.upsert(db, first.rows, now) == (1, 0)
    second = parse_roster(
        write_csv(
            tmp_path / "b.csv", ["nip,nama,opd,jabatan", f"{GOOD},Siti Aminah S.E.,3376,Kasi"]
        ),
        catalog.opds,
        TODAY,
    )
    assert await roster.upsert(db, second.rows, now) == (0, 1)
    async with db.transaction() as s:
        row = await s.get(RosterEntry, GOOD.replace(" ", ""))
    assert row is not None and (row.name, row.opd_code, row.jabatan) == (
        "Siti Aminah S.E.",
        "3376",
        "Kasi",
    )

    clock = lambda: now  # noqa: E731
    reminders = ReminderService(db, clock, settings)
    service = RegistrationService(db, catalog, clock, reminders, roster_allow_unknown=False)
    await service.begin(1)
    result = await service.submit_nip(1, GOOD)
    assert result.state is not None and result.state.step == RegistrationStep.ROSTER
    assert result.state.data["name"] == "Siti Aminah S.E."
    confirmed = await service.confirm_roster(1, True)
    assert confirmed.state is not None and confirmed.state.step == RegistrationStep.CONSENT
    done = await service.consent(1, True)
    assert done.employee is not None
    assert (done.employee.opd_code, done.employee.jabatan) == ("3376", "Kasi")

    await service.begin(2)
    refused = await service.submit_nip(2, GOOD2)  # not in the roster, and it is required
    assert refused.outcome is RegistrationOutcome.UNKNOWN and await service.state(2) is None


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
    assert load_workbook(xlsx).active["A1"].value == "Peringkat"
    assert png.read_bytes().startswith(b"\x89PNG")
    assert main(["certificate", "verify", "ABCD-EFGH-JKLM"]) == 1
