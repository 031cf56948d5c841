"""What differs between SQLite and PostgreSQL, checked on whichever database the run uses.

The suite runs once on SQLite and once on PostgreSQL (``.ci/run``), so each test here covers both.
"""

from __future__ import annotations

import asyncio
import random
from datetime import UTC

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, make_url

from bot.config import Settings
from bot.core.content import Catalog
from bot.services import Services
from bot.services.registration import RegistrationOutcome
from db.dialects import (
    PerDialect,
    dialect_name,
    on_conflict_insert,
    url_dialect,
    with_async_driver,
)
from db.migrate import alembic_config, upgrade_to_head
from db.models import Base, ChatSession, Employee, ProcessedUpdate, QuizPoll
from db.session import Database
from tests.support import FakeClock
from tests.unit.test_services import USER, register, take_quiz

# Telegram ids have up to 52 significant bits; they must not be squeezed into 32-bit integers.
BIG_TELEGRAM_ID = 7_777_777_777_777


@pytest.fixture
def svc(settings: Settings, db: Database, catalog: Catalog, clock: FakeClock) -> Services:
    return Services.build(settings, db, catalog, clock=clock, rng=random.Random(3))


def _schema_drift(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _downgrade_to_base(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, "base")


async def test_migrations_go_down_and_up_and_match_the_models(db: Database) -> None:
    """Every migration must run both ways on this database and end where the models are."""
    async with db.engine.begin() as connection:
        assert await connection.run_sync(_schema_drift) == []
        await connection.run_sync(_downgrade_to_base)
        assert await connection.run_sync(_tables) == {"alembic_version"}
    await upgrade_to_head(db.engine)
    async with db.engine.connect() as connection:
        assert await connection.run_sync(_schema_drift) == []


def test_on_conflict_insert_is_the_dialects_own_construct() -> None:
    assert on_conflict_insert("sqlite") is sqlite.insert
    assert on_conflict_insert("postgresql") is postgresql.insert
    with pytest.raises(NotImplementedError, match="mysql"):
        on_conflict_insert("mysql")


async def test_the_dialect_is_decided_in_one_place(db: Database) -> None:
    name = url_dialect(db.url)
    assert name in ("sqlite", "postgresql")
    async with db.transaction() as s:
        assert dialect_name(s) == dialect_name(db.engine) == name
        assert dialect_name(await s.connection()) == name
    own = postgresql.Insert if name == "postgresql" else sqlite.Insert
    assert isinstance(PerDialect(lambda insert: insert(ProcessedUpdate)).for_(db.engine), own)
    assert with_async_driver(make_url("postgres://db/x")).drivername == "postgresql+asyncpg"
    with pytest.raises(NotImplementedError, match="mysql"):
        url_dialect("mysql://root@db/sinau")


async def test_times_come_back_as_the_same_aware_utc_instant(
    svc: Services, db: Database, clock: FakeClock
) -> None:
    await register(svc)
    async with db.transaction() as s:
        employee = await s.scalar(select(Employee))
    assert employee is not None
    assert employee.consent_at == clock()
    assert employee.consent_at.utcoffset() is not None
    assert employee.consent_at.tzinfo is UTC


async def test_telegram_ids_beyond_32_bits_are_stored_whole(
    svc: Services, db: Database, catalog: Catalog
) -> None:
    await svc.registration.begin(BIG_TELEGRAM_ID)
    async with db.transaction() as s:
        assert await s.get(ChatSession, BIG_TELEGRAM_ID) is not None
    await register(svc, uid=BIG_TELEGRAM_ID)
    module = catalog.modules["berakhlak"]
    for index in range(len(module.cards)):
        await svc.learning.open_card(BIG_TELEGRAM_ID, module.id, module.version, index)
    result = await take_quiz(svc, module, right=len(module.quiz), uid=BIG_TELEGRAM_ID)
    assert result.passed and result.credited
    async with db.transaction() as s:
        employee = await s.scalar(select(Employee))
        chat_ids = set(await s.scalars(select(QuizPoll.chat_id)))
    assert employee is not None and employee.telegram_id == BIG_TELEGRAM_ID
    assert chat_ids == {BIG_TELEGRAM_ID}


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
        assert (
            await svc.registration.submit_name(uid, "Siti Aminah")
        ).outcome is RegistrationOutcome.OK
        assert (await svc.registration.choose_opd(uid, "3328")).outcome is RegistrationOutcome.OK
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
