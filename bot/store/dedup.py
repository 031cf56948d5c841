"""Duplicate-update guard with group commit.

Telegram redelivers an update when it is not confirmed in time (a restart while polling, a slow
webhook answer), so every update id is recorded in ``processed_updates`` and a known id is not
handled again. One transaction per update would cost more than the handling itself on SQLite,
so concurrent claims share one group commit (``bot/store/batch.py``): a batch of ids is written
with a single ``INSERT ... ON CONFLICT DO NOTHING RETURNING``, and each claimant learns whether
its id was new. Nobody proceeds before its id is committed, so a crash can never let a duplicate
through.
"""

from __future__ import annotations

from sqlalchemy import Connection

from bot.core.clock import Clock
from bot.store.batch import GroupCommit
from db.dialects import PerDialect, cast_table
from db.models import ProcessedUpdate
from db.session import Database


class UpdateDeduplicator:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.clock = clock
        self._claims = GroupCommit(db, self._claim)

    async def claim(self, update_id: int) -> bool:
        """True if this update id is seen for the first time (and is now recorded)."""
        return await self._claims.add(update_id)

    def _claim(self, conn: Connection, update_ids: list[int]) -> list[bool]:
        # One prepared statement for any batch size: SQLAlchemy sends the rows as one multi-row
        # INSERT ("insertmanyvalues") and collects the RETURNING rows of the ids that were new.
        now = self.clock()
        rows = [{"update_id": i, "received_at": now} for i in dict.fromkeys(update_ids)]
        fresh = set(conn.execute(_CLAIM.for_(conn), rows).scalars().all())
        claimed = []
        for update_id in update_ids:
            claimed.append(update_id in fresh)
            fresh.discard(update_id)  # the same id twice in one batch: only the first is new
        return claimed


_table = cast_table(ProcessedUpdate)
_CLAIM = PerDialect(
    lambda insert: (
        insert(_table)
        .on_conflict_do_nothing(index_elements=["update_id"])
        .returning(_table.c.update_id)
    )
)
