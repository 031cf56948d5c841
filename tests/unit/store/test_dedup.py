"""Update deduplication (bot/store/dedup.py)."""

from __future__ import annotations

import asyncio

from bot.store.dedup import UpdateDeduplicator
from db.session import Database
from tests.support import FakeClock


async def test_dedup_claims_each_update_id_once(db: Database, clock: FakeClock) -> None:
    dedup = UpdateDeduplicator(db, clock)
    # One batch holding the same id twice, plus distinct ids.
    first = await asyncio.gather(*(dedup.claim(i) for i in [1, 2, 2, 3]))
    assert first == [True, True, False, True]
    # A later batch: ids already committed are duplicates; a new one is fresh.
    second = await asyncio.gather(*(dedup.claim(i) for i in [3, 4, 1]))
    assert second == [False, True, False]
    # A fresh deduplicator (a restart) still knows them: they are in the database.
    assert await UpdateDeduplicator(db, clock).claim(4) is False
