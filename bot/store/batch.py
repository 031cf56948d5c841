"""Group commit for small inserts of concurrent updates.

A transaction of its own for each row costs more than the row (begin, commit, a WAL write).
Rows added during the same event-loop turn are written as one multi-row insert in one
transaction, like the duplicate guard in ``bot/dedup.py`` does with update ids. Every caller
returns only after its row is committed, so nothing is lost that a caller believed stored.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import Connection, Insert

from db.session import Database

Row = dict[str, Any]


class GroupInsert:
    def __init__(self, db: Database, statement: Insert) -> None:
        self.db = db
        self.statement = statement
        self._pending: list[tuple[Row, asyncio.Future[None]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def add(self, row: Row) -> None:
        """Insert ``row``; return once it is committed (raise if its batch failed)."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((row, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        await future

    async def _flush(self) -> None:
        await asyncio.sleep(0)  # let the rows added in this loop turn join the batch
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                await self.db.run(_insert, self.statement, [row for row, _ in batch])
            except Exception as exc:  # every caller of the failed batch sees the error
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for _, future in batch:
                if not future.done():
                    future.set_result(None)


def _insert(conn: Connection, statement: Insert, rows: list[Row]) -> None:
    conn.execute(statement, rows)
