"""Duplicate-update guard with group commit.

Telegram redelivers an update when it is not confirmed in time (a restart while polling, a slow
webhook answer), so every update id is recorded in ``processed_updates`` and a known id is not
handled again. One transaction per update would cost more than the handling itself on SQLite,
so concurrent claims wait for one shared flush: a batch of ids is written with a single
``INSERT ... ON CONFLICT DO NOTHING RETURNING``, and each claimant learns whether its id was new.
Nobody proceeds before its id is committed, so a crash can never let a duplicate through.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import Connection

from bot.core.clock import Clock
from db.dialects import PerDialect, cast_table
from db.models import ProcessedUpdate
from db.session import Database


class UpdateDeduplicator:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._pending: dict[int, list[asyncio.Future[bool]]] = {}
        self._flusher: asyncio.Task[None] | None = None

    async def claim(self, update_id: int) -> bool:
        """True if this update id is seen for the first time (and is now recorded)."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        waiters = self._pending.setdefault(update_id, [])
        waiters.append(future)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        await asyncio.sleep(0)  # let the updates dispatched in this loop turn join the batch
        while self._pending:
            batch, self._pending = self._pending, {}
            try:
                fresh = await self._insert(list(batch))
            except Exception as exc:  # the database failed: every claimant sees the error
                for waiters in batch.values():
                    for future in waiters:
                        if not future.done():
                            future.set_exception(exc)
                continue
            for update_id, waiters in batch.items():
                for position, future in enumerate(waiters):
                    if not future.done():
                        # The same id twice in one batch: only the first one is new.
                        future.set_result(update_id in fresh and position == 0)

    async def _insert(self, update_ids: list[int]) -> set[int]:
        now = self.clock()
        rows = [{"update_id": i, "received_at": now} for i in update_ids]
        return await self.db.run(_claim, rows)


def _claim(conn: Connection, rows: list[dict[str, object]]) -> set[int]:
    # One prepared statement for any batch size: SQLAlchemy sends the rows as one multi-row
    # INSERT ("insertmanyvalues") and collects the RETURNING rows of the ids that were new.
    return set(conn.execute(_CLAIM.for_(conn), rows).scalars().all())


_table = cast_table(ProcessedUpdate)
_CLAIM = PerDialect(
    lambda insert: (
        insert(_table)
        .on_conflict_do_nothing(index_elements=["update_id"])
        .returning(_table.c.update_id)
    )
)
