"""aiosqlite without its thread: SQLite calls run directly on the event loop's thread.

Why: aiosqlite hands every call (cursor, execute, fetch, close, commit) to a worker thread and
back. SQLAlchemy makes about four such calls per statement, so a quiz answer cost some thirty
thread round trips, each paying for a queue, a self-pipe wake-up and a GIL hand-over. Profiling
the benchmark showed the bot's main thread spending more time on these hops than on the SQL
itself, and the one pooled SQLite connection stayed checked out across all those event-loop
turns, so every other update waited for it.

The statements of this bot touch a few rows of a small local file in WAL mode with
``synchronous=NORMAL``: each one takes microseconds, less than one thread hop. Running them
inline is faster and keeps every transaction within one loop turn. The price: while SQLite
waits for a lock held by *another process* (``busy_timeout``), the whole bot waits too. The bot
is the only writer of its database, so that happens only during a manual ``sqlite3`` session
or backup.

This subclasses ``aiosqlite.Connection`` (rather than reimplementing it) because SQLAlchemy's
aiosqlite dialect relies on that class's internals: it queues work on ``_tx`` directly.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Generator
from functools import partial
from typing import Any

import aiosqlite

Job = tuple[asyncio.Future[Any] | None, Callable[[], Any]]


class _RunNow:
    """Stands in for aiosqlite's job queue: runs each job at once and settles its future."""

    def put_nowait(self, job: Job) -> None:
        future, function = job
        try:
            result = function()
        except BaseException as exc:  # handed to the awaiting caller, as aiosqlite does
            if future is not None and not future.done():
                future.set_exception(exc)
            return
        if future is not None and not future.done():
            future.set_result(result)


class InlineConnection(aiosqlite.Connection):
    """An ``aiosqlite.Connection`` whose jobs run on the caller's thread, no worker thread."""

    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._tx = _RunNow()  # type: ignore[assignment]

    def __await__(self) -> Generator[Any, None, aiosqlite.Connection]:
        # The base class starts its worker thread here; there is none to start.
        return self._connect().__await__()


def inline_creator(database: str, **connect_kwargs: Any) -> Callable[[], Any]:
    """An ``async_creator`` for ``create_async_engine`` that opens inline connections."""
    connector = partial(sqlite3.connect, database, check_same_thread=False, **connect_kwargs)

    async def create() -> aiosqlite.Connection:
        return await InlineConnection(connector)

    return create
