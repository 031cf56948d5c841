"""Engine and session setup for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import orjson
from sqlalchemy import Connection, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.util import greenlet_spawn

from db.dialects import dialect_name, url_dialect
from db.inline_sqlite import inline_creator
from db.sync_sqlite import SyncSqlite

P = ParamSpec("P")
T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 15_000


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL; None for PostgreSQL or an in-memory database."""
    if url_dialect(url) != "sqlite":
        return None
    database = make_url(url).database
    if not database or database == ":memory:":
        return None
    return Path(database)


def ensure_database_dir(url: str) -> None:
    """Create the folder of a SQLite file, so the default ``data/sinau.db`` just works."""
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the writer; the busy timeout makes a writer wait for the lock
    # instead of failing at once with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_creator(url: str) -> Any:
    """Open connections with the URL's own sqlite3 arguments, but without aiosqlite's thread."""
    parsed = make_url(url)
    args, kwargs = parsed.get_dialect()().create_connect_args(parsed)
    kwargs.pop("check_same_thread", None)
    return inline_creator(*args, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, **kwargs)


def json_text(value: Any) -> str:
    """JSON columns are written with orjson: the standard library's encoder was about a
    twentieth of the CPU of a quiz answer (each answer stores its choice, each pass a review
    card per question). Compact, so new rows read ``[1,2]`` where older ones read ``[1, 2]``;
    both parse alike, and no query compares JSON as text."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


# The engines' JSON (de)serialisers: orjson both ways (see ``json_text``).
JSON_CODECS: dict[str, Any] = {"json_serializer": json_text, "json_deserializer": orjson.loads}


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    ensure_database_dir(url)
    is_sqlite = url_dialect(url) == "sqlite"
    # hide_parameters: a database error's text (logged with the traceback of a failed update)
    # would otherwise quote the statement's values: NIPs, names, message texts.
    kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True, **JSON_CODECS}
    if is_sqlite:
        # SQLite has one writer at a time. One pooled connection makes transactions queue in
        # the pool (fair, no sleeping) instead of in SQLite's busy handler (sleeps and retries).
        # Its calls run on the event loop's thread: see db/inline_sqlite.py for why.
        kwargs["async_creator"] = _sqlite_creator(url)
        kwargs.update(pool_size=1, max_overflow=0, pool_timeout=60, pool_reset_on_return=None)
    else:
        kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
    engine = create_async_engine(url, **kwargs)
    if is_sqlite:
        event.listen(engine.sync_engine, "connect", _on_sqlite_connect)
    return engine


class Database:
    """The engine plus a session factory; one per process."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = create_engine(url, echo=echo)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # A SQLite file gets a synchronous engine beside it for ``run`` (see db/sync_sqlite.py).
        self._sync: SyncSqlite | None = None
        if sqlite_file(url) is not None:
            self._sync = SyncSqlite(
                url,
                self.engine,
                _on_sqlite_connect,
                busy_timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
                echo=echo,
                engine_options=JSON_CODECS,
            )

    @property
    def is_sqlite(self) -> bool:
        return dialect_name(self.engine) == "sqlite"

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on error."""
        async with self.sessions() as session, session.begin():
            yield session

    async def run(
        self, work: Callable[Concatenate[Connection, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run ``work(connection, ...)``, plain synchronous Core code, in one transaction.

        The cheapest way to the database, for the hot paths. On a SQLite file it runs on a
        synchronous engine (see db/sync_sqlite.py). Elsewhere, SQLAlchemy's asyncio layer would
        run every awaited call (connect, begin, each execute, commit, close) in a greenlet of its
        own; one transaction of two statements cost about twice as much CPU that way as with
        the whole unit of work in a single greenlet, which is what this does (and what
        ``AsyncConnection.run_sync`` does for the statements alone).
        """
        if self._sync is not None:
            return await self._sync.run(work, *args, **kwargs)
        return await greenlet_spawn(self._in_transaction, work, *args, **kwargs)  # type: ignore[arg-type]

    def _in_transaction(
        self, work: Callable[Concatenate[Connection, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        with self.engine.sync_engine.begin() as conn:
            return work(conn, *args, **kwargs)

    async def dispose(self) -> None:
        if self._sync is not None:
            self._sync.dispose()
        await self.engine.dispose()
