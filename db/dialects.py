"""The SQL dialect, decided in one place: the app runs on SQLite and on PostgreSQL only.

Everything that depends on the database in use asks here: ``dialect_name`` for a connection,
engine or session, ``url_dialect`` for a URL before any engine exists. Both refuse any other
dialect loudly, so a third database never silently gets the wrong SQL.

``INSERT ... ON CONFLICT`` reads the same on both databases, but SQLAlchemy offers it only on
each dialect's own ``insert`` construct, not on the generic one: ``insert_for`` picks it for a
session, and ``PerDialect`` builds a hot path's statement once per dialect at import and hands
each connection its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Engine, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

SUPPORTED_DIALECTS = ("sqlite", "postgresql")

T = TypeVar("T")
Bind = Connection | Engine | AsyncConnection | AsyncEngine | Session | AsyncSession
InsertConstruct = Callable[[Any], postgresql.Insert | sqlite.Insert]


def supported(name: str) -> str:
    """``name`` if the app runs on that dialect; NotImplementedError otherwise."""
    if name not in SUPPORTED_DIALECTS:
        raise NotImplementedError(
            f"database dialect {name!r} is not supported; use one of {SUPPORTED_DIALECTS}"
        )
    return name


def dialect_name(bind: Bind) -> str:
    """``"sqlite"`` or ``"postgresql"``: the dialect a connection, engine or session talks."""
    if isinstance(bind, Session | AsyncSession):
        return supported(bind.get_bind().dialect.name)
    return supported(bind.dialect.name)


def url_dialect(url: str | URL) -> str:
    """``dialect_name`` for a database URL (``sqlite+aiosqlite:///...`` -> ``"sqlite"``)."""
    return supported(make_url(url).get_backend_name())


# The asyncio driver the bot runs each dialect on.
ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


def with_async_driver(url: URL) -> URL:
    """``url`` on its dialect's asyncio driver; ``postgres://`` (hosting panels) is PostgreSQL."""
    backend = url.get_backend_name()
    name = supported("postgresql" if backend == "postgres" else backend)
    return url.set(drivername=ASYNC_DRIVERS[name])


def on_conflict_insert(name: str) -> InsertConstruct:
    """The ``insert`` construct with ``on_conflict_do_nothing`` for the dialect ``name``."""
    if supported(name) == "postgresql":
        return postgresql.insert
    return sqlite.insert


def insert_for(bind: Bind, table: Any) -> postgresql.Insert | sqlite.Insert:
    """``on_conflict_insert`` for the database of ``bind``, applied to ``table``."""
    return on_conflict_insert(dialect_name(bind))(table)


class PerDialect(Generic[T]):
    """A statement built once for each supported dialect, picked by the connection running it.

    For the hot paths: built at import, each use finds its compiled form in SQLAlchemy's cache.
    """

    __slots__ = ("_built",)

    def __init__(self, build: Callable[[InsertConstruct], T]) -> None:
        self._built = {name: build(on_conflict_insert(name)) for name in SUPPORTED_DIALECTS}

    def for_(self, bind: Bind) -> T:
        return self._built[dialect_name(bind)]


def cast_table(model: Any) -> Table:
    """A mapped class's ``Table``, typed as one (SQLAlchemy types ``__table__`` loosely)."""
    table: Table = model.__table__
    return table
