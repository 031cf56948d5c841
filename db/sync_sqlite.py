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

Group commit: the runs requested during one event-loop turn share one transaction. On a SQLite
file the commit itself (a WAL write) and the begin were the largest part of a hot path's
database time, and concurrent updates (different users' taps) arrive together. Every caller
still returns only after the commit that holds its work. A batch in which any work raises is
rolled back whole, and each of its works then runs again alone, in a transaction of its own,
so one caller's error never reaches another and no work commits half done. (A work must
therefore not keep Python-side effects that a rollback would contradict; the hot paths only
note things that a later run corrects, such as ``RecentActivity``.)

The synchronous engine's one connection stays checked out between runs: each batch is a
``begin``/``commit`` on it. A checkout and check-in per run (the pool's bookkeeping, events and
reset) cost about a third of an empty transaction in a micro-benchmark; the connection is only
replaced when SQLAlchemy has invalidated it (a disconnect) or it was closed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, event
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Run(Generic[T]):
    work: Callable[[Connection], T]
    future: asyncio.Future[T]


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
        self._pending: list[_Run[Any]] = []
        self._flusher: asyncio.Task[None] | None = None
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
        """``work(connection, *args, **kwargs)`` in a committed transaction, shared with the
        other runs of this loop turn (see the module's docstring); its result, or its error."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._pending.append(_Run(lambda conn: work(conn, *args, **kwargs), future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        try:
            await asyncio.sleep(0)  # let the runs requested in this loop turn join the batch
            await self._drain()
        finally:  # cancelled (a shutdown): the callers still waiting learn it
            for run in self._pending:
                run.future.cancel()
            self._pending = []

    async def _drain(self) -> None:
        while self._pending:
            while self._checked_out:
                await self._idle.wait()
            # From here to the commit nothing awaits, so no asynchronous transaction can begin.
            # A caller cancelled while waiting (a shutdown) gave up its work: it does not run.
            batch = [run for run in self._pending if not run.future.cancelled()]
            self._pending = []
            try:
                if len(batch) == 1 or not self._together(batch):
                    for run in batch:
                        self._alone(run)
            except Exception as exc:  # the connection could not be opened: every caller learns it
                for run in batch:
                    if not run.future.done():
                        run.future.set_exception(exc)

    def _connection(self) -> Connection:
        conn = self._conn
        if conn is None or conn.closed or conn.invalidated:
            conn = self._conn = self.engine.connect()
        return conn

    def _together(self, batch: list[_Run[Any]]) -> bool:
        """Run ``batch`` in one transaction; False (nothing committed, nothing answered) if any
        work or the commit raised."""
        conn = self._connection()
        results: list[Any] = []
        try:
            with conn.begin():
                for run in batch:
                    results.append(run.work(conn))
        except Exception:
            return False
        for run, result in zip(batch, results, strict=True):
            if not run.future.done():  # a caller cancelled meanwhile: its work stays committed
                run.future.set_result(result)
        return True

    def _alone(self, run: _Run[Any]) -> None:
        conn = self._connection()
        try:
            with conn.begin():  # committed on success, rolled back on any error
                result = run.work(conn)
        except Exception as exc:
            if not run.future.done():
                run.future.set_exception(exc)
            return
        if not run.future.done():
            run.future.set_result(result)

    def dispose(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self.engine.dispose()
