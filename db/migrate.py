"""Run Alembic migrations from code (start-up and ``python -m bot migrate``).

Alembic is imported only when a migration has to run: importing it adds about 11 MB to the bot's
resident memory and some start-up time, and on almost every start the database is already at
the newest revision, which one query can tell.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest revision in db/migrations/versions; a test checks that it is Alembic's head.
HEAD_REVISION = "0014"


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


async def upgrade_to_head(engine: AsyncEngine) -> None:
    """Migrate the database behind ``engine`` to the newest revision."""

    def _upgrade(connection: object) -> None:
        from alembic import command

        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)
    if engine.dialect.name == "sqlite":
        # The migration turns SQLite's foreign keys off on its connection (db/migrations/env.py)
        # and can turn them back on only outside a transaction, which it is not: without this,
        # the pooled connection kept enforcing nothing, ON DELETE CASCADE included, for the
        # process's life. New connections run the connect hook (foreign_keys=ON) again.
        await engine.dispose()


def _revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


async def current_revision(engine: AsyncEngine) -> str | None:
    """The database's Alembic revision; None for a database never migrated."""
    async with engine.connect() as connection:
        return await connection.run_sync(_revision)


async def ensure_schema(engine: AsyncEngine) -> None:
    """Migrate to the newest revision unless the database is already there (the usual case)."""
    if await current_revision(engine) != HEAD_REVISION:
        await upgrade_to_head(engine)
