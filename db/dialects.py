"""Dialect-specific SQL, chosen explicitly: the app runs on SQLite and on PostgreSQL only.

``INSERT ... ON CONFLICT DO NOTHING`` reads the same on both databases, but SQLAlchemy offers it
only on each dialect's own ``insert`` construct, not on the generic one. Picking the construct in
one place, and refusing any other dialect loudly, keeps a third database from silently getting
the wrong SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

SUPPORTED_DIALECTS = ("sqlite", "postgresql")


def on_conflict_insert(dialect_name: str) -> Callable[[Any], postgresql.Insert | sqlite.Insert]:
    """The ``insert`` construct with ``on_conflict_do_nothing`` for the dialect in use."""
    if dialect_name == "postgresql":
        return postgresql.insert
    if dialect_name == "sqlite":
        return sqlite.insert
    raise NotImplementedError(
        f"database dialect {dialect_name!r} is not supported; use one of {SUPPORTED_DIALECTS}"
    )


def insert_for(session: AsyncSession, table: Any) -> postgresql.Insert | sqlite.Insert:
    """``on_conflict_insert`` for the session's database, applied to ``table``."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    return on_conflict_insert(dialect)(table)


def cast_table(model: Any) -> Table:
    """A mapped class's ``Table``, typed as one (SQLAlchemy types ``__table__`` loosely)."""
    table: Table = model.__table__
    return table
