"""Registration (bot/services/registration.py): a NIP bound once, on every database; verified by
the roster's phone or left for an admin; nothing from the roster shown before; failed attempts
limited."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.config import Settings
from bot.core.content import Catalog
from bot.core.roster_file import RosterRow, parse_roster
from bot.services import Services
from bot.services.registration import (
    MAX_FAILURES,
    RegistrationOutcome,
    RegistrationService,
    RegistrationStep,
    TelegramUser,
    Verification,
)
from bot.services.reminders import ReminderService
from bot.store import roster
from bot.texts.privacy import NOTICE_VERSION
from db.models import AuditEntry, Employee, IdentityRequest, RosterEntry
from db.session import Database
from tests.support import FakeClock
from tests.unit.helpers import USER, flow_token, register, write_csv

TODAY = date(2026, 11, 25)
GOOD = "19860926 201505 1 001"
GOOD2 = "19900101 201801 2 003"
PHONE = "+6281234567890"


async def test_registration_refuses_a_nip_bound_to_another_account(svc: Services) -> None:
    await register(svc)
    await svc.registration.begin(2002)
    await svc.registration.acknowledge_privacy(2002, NOTICE_VERSION)
    result = await svc.registration.submit_nip(2002, "198609262015051001")
    assert result.outcome is RegistrationOutcome.TAKEN
    assert result.state is not None and result.state.step == RegistrationStep.TAKEN


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
        await svc.registration.acknowledge_privacy(uid, NOTICE_VERSION)
        assert (await svc.registration.submit_nip(uid, nip)).outcome is RegistrationOutcome.OK
        named = await svc.registration.submit_name(uid, "Siti Aminah")
        assert named.outcome is RegistrationOutcome.OK and named.state is not None
        chosen = await svc.registration.choose_opd(uid, named.state.token, "3328")
        assert chosen.outcome is RegistrationOutcome.OK
    if not db.is_sqlite:  # SQLite has one connection: its transactions queue, never race
        await _open_connections(db, len(users))
    tokens = {uid: await flow_token(svc.registration, uid) for uid in users}
    consents = (svc.registration.consent(uid, tokens[uid], True) for uid in users)
    results = await asyncio.gather(*consents)
    outcomes = [r.outcome for r in results]
    assert outcomes.count(RegistrationOutcome.OK) == 1
    assert outcomes.count(RegistrationOutcome.TAKEN) == len(users) - 1
    async with db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(Employee)) == 1


async def test_control_characters_are_refused_alike_on_every_database(svc: Services) -> None:
    """PostgreSQL cannot store NUL in text while SQLite can; the bot refuses them everywhere."""
    await register(svc)
    assert (await svc.registration.begin_edit(USER, "unit_kerja")).outcome is RegistrationOutcome.OK
    refused = await svc.registration.submit_profile_field(USER, "Bagian\x00Umum")
    assert refused.outcome is RegistrationOutcome.INVALID
    saved = await svc.registration.submit_profile_field(USER, "Bagian Umum")
    assert saved.outcome is RegistrationOutcome.OK
    assert saved.employee is not None and saved.employee.unit_kerja == "Bagian Umum"


def service(
    db: Database,
    settings: Settings,
    catalog: Catalog,
    clock: FakeClock,
    *,
    allow: bool = True,
    verification: Verification = Verification.PHONE_OR_ADMIN,
) -> RegistrationService:
    return RegistrationService(
        db,
        catalog,
        clock,
        ReminderService(db, clock, settings),
        roster_allow_unknown=allow,
        verification=verification,
    )


def listed(nip: str, name: str, phone: str | None = PHONE) -> RosterRow:
    return RosterRow(
        nip.replace(" ", ""), name, "3374", "Bidang Diklat", "Analis", "III/b", "PNS", phone
    )


async def test_a_matching_phone_verifies_and_only_then_the_roster_shows(
    db: Database, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    await roster.upsert(db, [listed(GOOD, "Siti Aminah")], clock())
    reg = service(db, settings, catalog, clock)
    await reg.begin(1)
    await reg.acknowledge_privacy(1, NOTICE_VERSION)
    asked = await reg.submit_nip(1, GOOD)
    assert asked.state is not None and asked.state.step == RegistrationStep.CONTACT
    assert "name" not in asked.state.data  # nothing from the roster before verification
    # Someone else's contact, or a forwarded one, is refused and changes nothing.
    other = await reg.submit_contact(1, 99, PHONE, forwarded=False)
    assert other.outcome is RegistrationOutcome.NOT_OWN_CONTACT
    forwarded = await reg.submit_contact(1, 1, PHONE, forwarded=True)
    assert forwarded.outcome is RegistrationOutcome.NOT_OWN_CONTACT
    # One's own contact, the number written as Telegram sends it (no plus): verified.
    shared = await reg.submit_contact(1, 1, "6281234567890", forwarded=False)
    assert shared.state is not None and shared.state.step == RegistrationStep.CONSENT
    assert shared.state.data["name"] == "Siti Aminah"
    done = await reg.consent(1, await flow_token(reg, 1), True)
    assert done.employee is not None and done.employee.verified_at is not None
    assert (done.employee.name, done.employee.opd_code, done.employee.jabatan) == (
        "Siti Aminah",
        "3374",
        "Analis",
    )
    assert done.employee.verified_via == "phone" and done.request is None


async def test_a_mismatch_may_go_to_an_admin_and_stays_unverified(
    db: Database, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    await roster.upsert(db, [listed(GOOD, "Siti Aminah")], clock())
    reg = service(db, settings, catalog, clock)
    await reg.begin(1)
    await reg.acknowledge_privacy(1, NOTICE_VERSION)
    await reg.submit_nip(1, GOOD)
    mismatch = await reg.submit_contact(1, 1, "0812 9999 0000", forwarded=False)
    assert mismatch.outcome is RegistrationOutcome.PHONE_MISMATCH and mismatch.admin_route
    routed = await reg.choose_admin_route(1, await flow_token(reg, 1))
    assert routed.state is not None and routed.state.step == RegistrationStep.NAME
    named = await reg.submit_name(1, "Siti A.")
    # The agency comes from the roster, and is not asked (nor shown).
    assert named.state is not None and named.state.step == RegistrationStep.CONSENT
    done = await reg.consent(1, await flow_token(reg, 1), True, TelegramUser("Siti", "siti_a"))
    assert done.employee is not None and done.employee.verified_at is None
    assert done.employee.name == "Siti A." and done.employee.opd_code == "3374"
    assert done.request is not None and done.request.kind == "verify"
    assert (done.request.typed_name, done.request.telegram_username) == ("Siti A.", "siti_a")

    # With verification by phone only, a mismatch ends the registration.
    strict = service(db, settings, catalog, clock, verification=Verification.PHONE)
    await roster.upsert(db, [listed(GOOD2, "Budi Santoso")], clock())
    await strict.begin(2)
    await strict.acknowledge_privacy(2, NOTICE_VERSION)
    await strict.submit_nip(2, GOOD2)
    refused = await strict.submit_contact(2, 2, "0812 9999 0000", forwarded=False)
    assert refused.outcome is RegistrationOutcome.PHONE_MISMATCH and not refused.admin_route
    assert await strict.state(2) is None


async def test_the_verification_setting_decides_the_route(
    db: Database, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    await roster.upsert(
        db, [listed(GOOD, "Siti Aminah"), listed(GOOD2, "Budi Santoso", phone=None)], clock()
    )
    by_admin = service(db, settings, catalog, clock, verification=Verification.ADMIN)
    await by_admin.begin(1)
    await by_admin.acknowledge_privacy(1, NOTICE_VERSION)
    result = await by_admin.submit_nip(1, GOOD)  # a phone in the roster, but not asked
    assert result.state is not None and result.state.step == RegistrationStep.NAME
    by_phone = service(db, settings, catalog, clock, verification=Verification.PHONE)
    await by_phone.begin(2)
    await by_phone.acknowledge_privacy(2, NOTICE_VERSION)
    assert (await by_phone.submit_nip(2, GOOD2)).outcome is RegistrationOutcome.NO_PHONE


async def test_failed_attempts_are_limited_logged_and_say_when(svc: Services) -> None:
    """Five NIPs that belong to someone else (or are unknown) in an hour; the sixth is refused
    until the first is an hour old, whatever NIP it is, and each attempt is in the audit log."""
    clock = svc.clock
    assert isinstance(clock, FakeClock)
    taken = []
    for n in range(MAX_FAILURES + 1):
        nip = f"1986092620150510{n + 1:02d}"
        await register(svc, 100 + n, nip)
        taken.append(nip)
    stranger = 999
    first_try = clock()
    for nip in taken[:MAX_FAILURES]:
        await svc.registration.begin(stranger)
        await svc.registration.acknowledge_privacy(stranger, NOTICE_VERSION)
        assert (
            await svc.registration.submit_nip(stranger, nip)
        ).outcome is RegistrationOutcome.TAKEN
        clock.advance(minutes=5)
    await svc.registration.begin(stranger)
    await svc.registration.acknowledge_privacy(stranger, NOTICE_VERSION)
    limited = await svc.registration.submit_nip(stranger, "19900101 201801 2 003")  # a free one
    assert limited.outcome is RegistrationOutcome.LIMITED
    assert limited.retry_at == first_try + timedelta(hours=1)
    async with svc.db.transaction() as s:
        actions = list(
            await s.scalars(
                select(AuditEntry.action).where(AuditEntry.actor_telegram_id == stranger)
            )
        )
    assert actions.count("registration.failed") == MAX_FAILURES
    assert actions.count("registration.limited") == 1
    clock.advance(minutes=40)  # the first attempt is now more than an hour old
    assert (
        await svc.registration.submit_nip(stranger, "19900101 201801 2 003")
    ).outcome is RegistrationOutcome.OK


async def test_a_roster_reimport_updates_verified_employees(
    db: Database, settings: Settings, catalog: Catalog, tmp_path: Path, clock: FakeClock
) -> None:
    first = parse_roster(
        write_csv(tmp_path / "a.csv", ["nip,nama,opd,hp", f"{GOOD},Siti Aminah,3328,{PHONE}"]),
        catalog.opds,
        TODAY,
    )
    now = datetime(2026, 11, 25, tzinfo=UTC)
    assert await roster.upsert(db, first.rows, now) == (1, 0)
    reg = service(db, settings, catalog, clock, allow=False)
    await reg.begin(1)
    await reg.acknowledge_privacy(1, NOTICE_VERSION)
    await reg.submit_nip(1, GOOD)
    await reg.submit_contact(1, 1, PHONE, forwarded=False)
    assert (await reg.consent(1, await flow_token(reg, 1), True)).employee is not None
    second = parse_roster(
        write_csv(
            tmp_path / "b.csv",
            ["nip,nama,opd,jabatan,hp", f"{GOOD},Siti Aminah S.E.,3376,Kasi,{PHONE}"],
        ),
        catalog.opds,
        TODAY,
    )
    assert await roster.upsert(db, second.rows, now) == (0, 1)
    async with db.transaction() as s:
        row = await s.get(RosterEntry, GOOD.replace(" ", ""))
        employee = await s.scalar(select(Employee))
    assert row is not None and (row.name, row.opd_code, row.jabatan) == (
        "Siti Aminah S.E.",
        "3376",
        "Kasi",
    )
    assert employee is not None and (employee.name, employee.opd_code) == (
        "Siti Aminah S.E.",
        "3376",
    )

    await reg.begin(2)
    await reg.acknowledge_privacy(2, NOTICE_VERSION)
    refused = await reg.submit_nip(2, GOOD2)  # not in the roster, and it is required
    assert refused.outcome is RegistrationOutcome.UNKNOWN and await reg.state(2) is None


async def test_roster_fields_are_read_only_for_the_employee(
    db: Database, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    await roster.upsert(db, [listed(GOOD, "Siti Aminah")], clock())
    reg = service(db, settings, catalog, clock)
    await reg.begin(1)
    await reg.acknowledge_privacy(1, NOTICE_VERSION)
    await reg.submit_nip(1, GOOD)
    await reg.submit_contact(1, 1, PHONE, forwarded=False)
    await reg.consent(1, await flow_token(reg, 1), True)
    assert await reg.locked_fields(1) == frozenset(
        {"name", "opd", "unit_kerja", "jabatan", "golongan"}
    )
    for field in ("name", "opd", "golongan"):
        assert (await reg.begin_edit(1, field)).outcome is RegistrationOutcome.TAKEN


async def test_a_name_change_outside_the_roster_waits_for_an_admin_again(svc: Services) -> None:
    await register(svc)
    assert (await svc.registration.begin_edit(USER, "name")).outcome is RegistrationOutcome.OK
    saved = await svc.registration.submit_profile_field(USER, "Siti Aminah Lestari")
    assert saved.employee is not None and saved.employee.verified_at is None
    async with svc.db.transaction() as s:
        request = await s.scalar(select(IdentityRequest).where(IdentityRequest.status == "pending"))
    assert request is not None and request.typed_name == "Siti Aminah Lestari"
