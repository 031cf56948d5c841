"""Synchronous SQLAlchemy Core on SQLite, for ``Database.run`` (the hot paths).

Why: the hot paths (a card press, a quiz answer, the duplicate-update guard) run plain Core
statements in one short transaction. Through the asyncio engine, SQLAlchemy adapts every DBAPI
call (cursor, execute, fetch, close, commit) to aiosqlite with a greenlet switch and a future
each. The same transaction on the synchronous pysqlite driver took 113 µs instead of 200 µs in
a micro-benchmark, and SQLite's calls already run on the event loop's thread anyway (see
``db/inline_sqlite.py``). So ``run`` uses a second, synchronous engine on the same file.

Two connections to one SQLite file must never wait for each other on this one thread: a
synchronous transaction that met the write lock of an open asynchronous one would block the
event loop in SQLite's busy handler, and the asynchronous one could never finish. So ``run``
starts only while no connection of the asynchronous engine is checked out (its pool holds one
connection, so that is "no asynchronous transaction is open"), and then runs to its commit
without yielding: the two never overlap.

The synchronous engine's one connection stays checked out between runs: each run is a
``begin``/``commit`` on it. A checkout and check-in per run (the pool's bookkeeping, events and
reset) cost about a third of an empty transaction in a micro-benchmark; the connection is only
replaced when SQLAlchemy has invalidated it (a disconnect) or it was closed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, event
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

P = ParamSpec("P")
T = TypeVar("T")


class SyncSqlite:
    def __init__(
        self,
        url: str,
        async_engine: AsyncEngine,
        on_connect: Callable[[Any, Any], None],
        *,
        busy_timeout: float,
        echo: bool = False,
        engine_options: dict[str, Any] | None = None,
    ) -> None:
        sync_url = make_url(url).set(drivername="sqlite+pysqlite")
        self.engine: Engine = create_sync_engine(
            sync_url,
            echo=echo,
            hide_parameters=True,
            pool_size=1,
            max_overflow=0,
            connect_args={"timeout": busy_timeout},
            **(engine_options or {}),
        )
        event.listen(self.engine, "connect", on_connect)
        self._conn: Connection | None = None
        self._checked_out = 0
        self._idle = asyncio.Event()
        self._idle.set()
        pool = async_engine.sync_engine.pool
        event.listen(pool, "checkout", self._on_checkout)
        event.listen(pool, "checkin", self._on_checkin)

    def _on_checkout(self, *_: Any) -> None:
        self._checked_out += 1
        self._idle.clear()

    def _on_checkin(self, *_: Any) -> None:
        self._checked_out = max(0, self._checked_out - 1)
        if self._checked_out == 0:
            self._idle.set()

    async def run(
        self, work: Callable[Concatenate[Connection, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        while self._checked_out:
            await self._idle.wait()
        # From here to the commit nothing awaits, so no asynchronous transaction can begin.
        conn = self._conn
        if conn is None or conn.closed or conn.invalidated:
            conn = self._conn = self.engine.connect()
        with conn.begin():  # committed on success, rolled back on any error
            return work(conn, *args, **kwargs)

    def dispose(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self.engine.dispose()
