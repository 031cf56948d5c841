"""The SQL dialect, decided in one place (db/dialects.py)."""

from __future__ import annotations

import pytest
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

from db.dialects import PerDialect, dialect_name, on_conflict_insert, url_dialect, with_async_driver
from db.models import ProcessedUpdate
from db.session import Database


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
