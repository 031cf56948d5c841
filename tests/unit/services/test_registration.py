"""Registration (bot/services/registration.py): a NIP bound once, on every database, and against
an imported roster."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path

from bot.config import Settings
from bot.core.content import Catalog
from bot.core.roster_file import parse_roster
from bot.services import Services
from bot.services.registration import RegistrationOutcome, RegistrationService, RegistrationStep
from bot.services.reminders import ReminderService
from bot.store import roster
from db.models import RosterEntry
from db.session import Database
from tests.unit.helpers import USER, register, write_csv


async def test_registration_refuses_a_nip_bound_to_another_account(svc: Services) -> None:
    await register(svc)
    await svc.registration.begin(2002)
    result = await svc.registration.submit_nip(2002, "198609262015051001")
    assert result.outcome is RegistrationOutcome.TAKEN


async def _open_connections(db: Database, count: int) -> None:
    """Fill the pool, so that racing transactions start together instead of one per connect."""
    connections = [await db.engine.connect() for _ in range(count)]
    for connection in connections:
        await connection.close()


async def test_accounts_racing_for_one_nip_only_one_wins(svc: Services, db: Database) -> None:
    """On PostgreSQL the consents really run at once; the unique NIP, not our check, decides."""
    nip = "19860926 201505 1 001"
    users = [3001, 3002, 3003, 3004]
    for uid in users:
        await svc.registration.begin(uid)
        assert (await svc.registration.submit_nip(uid, nip)).outcome is RegistrationOutcome.OK
        named = await svc.registration.submit_name(uid, "Siti Aminah")
        assert named.outcome is RegistrationOutcome.OK and named.state is not None
        chosen = await svc.registration.choose_opd(uid, named.state.token, "3328")
        assert chosen.outcome is RegistrationOutcome.OK
    if not db.is_sqlite:  # SQLite has one connection: its transactions queue, never race
        await _open_connections(db, len(users))
    results = await asyncio.gather(*(svc.registration.consent(uid, True) for uid in users))
    outcomes = [r.outcome for r in results]
    assert outcomes.count(RegistrationOutcome.OK) == 1
    assert outcomes.count(RegistrationOutcome.TAKEN) == len(users) - 1


async def test_control_characters_are_refused_alike_on_every_database(svc: Services) -> None:
    """PostgreSQL cannot store NUL in text while SQLite can; the bot refuses them everywhere."""
    await register(svc)
    assert (await svc.registration.begin_edit(USER, "unit_kerja")).outcome is RegistrationOutcome.OK
    refused = await svc.registration.submit_profile_field(USER, "Bagian\x00Umum")
    assert refused.outcome is RegistrationOutcome.INVALID
    saved = await svc.registration.submit_profile_field(USER, "Bagian Umum")
    assert saved.outcome is RegistrationOutcome.OK
    assert saved.employee is not None and saved.employee.unit_kerja == "Bagian Umum"


TODAY = date(2026, 11, 25)
GOOD = "19860926 201505 1 001"
GOOD2 = "19900101 201801 2 003"


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
