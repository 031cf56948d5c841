"""Shared fixtures: a real, migrated database per test and an adjustable clock.

The database is a temporary SQLite file, or, when ``SINAU_TEST_DATABASE_URL`` names a PostgreSQL
server, a database of its own created on that server for each test and dropped after it.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core.content import Catalog
from bot.core.content_loader import load_catalog
from db.migrate import upgrade_to_head
from db.session import Database
from tests.databases import TEST_DATABASE_ENV, fresh_postgres_database, is_postgres
from tests.support import CONTENT_DIR, TEST_TOKEN, FakeClock


@pytest.fixture
def clock() -> FakeClock:
    # 10:00 WIB on a Wednesday in November 2026.
    return FakeClock(datetime(2026, 11, 25, 3, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(CONTENT_DIR)


def pytest_configure(config: pytest.Config) -> None:
    """Refuse a wrong database URL once, before any test, instead of failing every test."""
    server = os.environ.get(TEST_DATABASE_ENV)
    if server and not is_postgres(server):
        raise pytest.UsageError(f"{TEST_DATABASE_ENV} must be a postgresql+asyncpg:// URL")


@pytest.fixture
async def database_url(tmp_path: Path) -> AsyncIterator[str]:
    """An empty database for this test alone, so no test sees another's rows or ids."""
    server = os.environ.get(TEST_DATABASE_ENV)
    if not server:
        yield f"sqlite+aiosqlite:///{tmp_path}/test.db"
        return
    async with fresh_postgres_database(server) as url:
        yield url


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        DATABASE_URL=database_url,
        SINAU_CONTENT_DIR=CONTENT_DIR,
        _env_file=None,
    )


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    database = Database(settings.database_url)
    await upgrade_to_head(database.engine)
    yield database
    await database.dispose()
