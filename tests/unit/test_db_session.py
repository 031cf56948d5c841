from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from db.session import Database


async def test_sqlite_runs_on_the_loop_thread_and_keeps_transactions(db: Database) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite only")
    async with db.engine.begin() as conn:
        await conn.execute(text("CREATE TABLE t (k INTEGER PRIMARY KEY)"))
        await conn.execute(text("INSERT INTO t VALUES (1)"))
    # An error inside a transaction still rolls it back, and the error reaches the caller.
    with pytest.raises(IntegrityError):
        async with db.engine.begin() as conn:
            await conn.execute(text("INSERT INTO t VALUES (2)"))
            await conn.execute(text("INSERT INTO t VALUES (1)"))
    async with db.engine.connect() as conn:
        assert (await conn.execute(text("SELECT k FROM t"))).scalars().all() == [1]
        mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar()
    assert mode == "wal"
    # No aiosqlite worker thread was started (its threads are named after their target).
    assert not [t for t in threading.enumerate() if "worker_thread" in t.name]
