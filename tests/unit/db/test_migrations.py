"""Migrations (db/migrate.py and db/migrations) on whichever database the run uses: both ways, to
the models, and the head revision the code expects."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect

from db.migrate import (
    HEAD_REVISION,
    alembic_config,
    current_revision,
    ensure_schema,
    upgrade_to_head,
)
from db.models import Base
from db.session import Database


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


async def test_head_revision_constant_is_alembics_head(db: Database) -> None:
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD_REVISION
    assert await current_revision(db.engine) == HEAD_REVISION  # the fixture migrated it
    await ensure_schema(db.engine)  # nothing to do, and no error


async def test_ensure_schema_migrates_a_new_database(tmp_path: Path) -> None:
    fresh = Database(f"sqlite+aiosqlite:///{tmp_path}/fresh.db")
    try:
        assert await current_revision(fresh.engine) is None
        await ensure_schema(fresh.engine)
        assert await current_revision(fresh.engine) == HEAD_REVISION
    finally:
        await fresh.dispose()
