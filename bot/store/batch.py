"""Group commit: the small writes of concurrent updates share one transaction.

A transaction of its own for each row costs more than the row (begin, commit, a WAL write).
Items added during the same event-loop turn are handed together to one ``work`` call, which
``Database.run`` runs in one transaction: one multi-row statement and one commit. Every caller
returns only after that commit, with its item's result, or raises the batch's error, so nothing
is lost that a caller believed stored. The duplicate-update guard (``bot/store/dedup.py``) and
the sent quiz polls (``GroupInsert``) both work this way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Insert

from db.session import Database

Item = TypeVar("Item")
Result = TypeVar("Result")
Row = dict[str, Any]


class GroupCommit(Generic[Item, Result]):
    """Batches ``add`` calls; ``work(connection, items)`` returns one result per item, in order."""

    def __init__(
        self, db: Database, work: Callable[[Connection, list[Item]], Sequence[Result]]
    ) -> None:
        self.db = db
        self.work = work
        self._pending: list[tuple[Item, asyncio.Future[Result]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def add(self, item: Item) -> Result:
        """Write ``item`` with its batch; its result once committed (raise if the batch failed)."""
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        await asyncio.sleep(0)  # let the items added in this loop turn join the batch
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                results = await self.db.run(self.work, [item for item, _ in batch])
            except Exception as exc:  # every caller of the failed batch sees the error
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)


class GroupInsert(GroupCommit[Row, None]):
    """Rows for one prepared INSERT, written as one multi-row insert per batch."""

    def __init__(self, db: Database, statement: Insert) -> None:
        super().__init__(db, self._insert)
        self.statement = statement

    def _insert(self, conn: Connection, rows: list[Row]) -> list[None]:
        conn.execute(self.statement, rows)
        return [None] * len(rows)
