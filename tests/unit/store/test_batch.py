"""The group-commit batcher (bot/store/batch.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from bot.store.batch import GroupInsert
from db.dialects import cast_table
from db.models import ProcessedUpdate
from db.session import Database


async def test_group_insert_commits_concurrent_rows_together_and_reports_failures(
    db: Database,
) -> None:
    rows = GroupInsert(db, insert(cast_table(ProcessedUpdate)))
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    await asyncio.gather(*(rows.add({"update_id": i, "received_at": stamp}) for i in range(5)))
    async with db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(ProcessedUpdate)) == 5
    # A batch with a bad row fails as a whole, and every caller in it hears so.
    results = await asyncio.gather(
        rows.add({"update_id": 10, "received_at": stamp}),
        rows.add({"update_id": 1, "received_at": stamp}),  # already there
        return_exceptions=True,
    )
    assert all(isinstance(r, IntegrityError) for r in results)
