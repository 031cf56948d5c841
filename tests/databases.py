"""Throwaway PostgreSQL databases for the tests, one per test, on a server the run points at.

A whole database per test (not a schema, not truncation) is the honest kind of isolation: each
test migrates an empty database from scratch, exactly as on SQLite, with fresh sequences.
Creating and dropping one costs about a tenth of a second on a local server.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

TEST_DATABASE_ENV = "SINAU_TEST_DATABASE_URL"


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


async def _run_outside_transaction(server_url: str, statement: str) -> None:
    """CREATE/DROP DATABASE refuse to run inside a transaction, hence autocommit."""
    engine = create_async_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@asynccontextmanager
async def fresh_postgres_database(server_url: str) -> AsyncIterator[str]:
    """Create an empty database next to ``server_url``'s, yield its URL, then drop it.

    The drop uses FORCE so that a connection a failing test left open cannot keep it alive.
    """
    name = f"sinau_test_{uuid.uuid4().hex[:16]}"
    await _run_outside_transaction(server_url, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        await _run_outside_transaction(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
