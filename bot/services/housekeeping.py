"""Periodic clean-up of rows only needed for a while."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from bot.core.clock import Clock
from db.models import ProcessedUpdate
from db.session import Database

# The duplicate guard only needs recent update ids: Telegram redelivers within hours, not days.
KEEP_UPDATE_IDS = timedelta(days=2)


class Housekeeping:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def forget_old_updates(self) -> int:
        """Delete the ids of updates handled long ago; the number deleted."""
        async with self.db.transaction() as s:
            result = await s.execute(
                delete(ProcessedUpdate).where(
                    ProcessedUpdate.received_at < self.clock() - KEEP_UPDATE_IDS
                )
            )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
