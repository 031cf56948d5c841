from __future__ import annotations

import asyncio
import threading

import pytest
from sqlalchemy import Connection, text
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


async def test_head_revision_constant_is_alembics_head(db: Database) -> None:
    from alembic.script import ScriptDirectory

    from db.migrate import HEAD_REVISION, alembic_config, current_revision, ensure_schema

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD_REVISION
    assert await current_revision(db.engine) == HEAD_REVISION  # the fixture migrated it
    await ensure_schema(db.engine)  # nothing to do, and no error


async def test_ensure_schema_migrates_a_new_database(tmp_path: object) -> None:
    from db.migrate import HEAD_REVISION, current_revision, ensure_schema

    fresh = Database(f"sqlite+aiosqlite:///{tmp_path}/fresh.db")
    try:
        assert await current_revision(fresh.engine) is None
        await ensure_schema(fresh.engine)
        assert await current_revision(fresh.engine) == HEAD_REVISION
    finally:
        await fresh.dispose()


async def test_admission_queue_holds_the_updater_back_until_updates_are_handled() -> None:
    import asyncio

    from telegram import Update

    from bot.telegram.updates import AdmissionQueue

    queue = AdmissionQueue(limit=2)
    await queue.put(Update(1))
    await queue.put(Update(2))
    third = asyncio.create_task(queue.put(Update(3)))
    await asyncio.sleep(0.01)
    assert not third.done()  # two updates in flight: the Updater waits
    await queue.put(object())  # PTB's stop signal never waits
    queue.release()  # one update handled
    await asyncio.wait_for(third, 1)
    assert queue.qsize() == 4


async def test_group_insert_commits_concurrent_rows_together_and_reports_failures(
    db: Database,
) -> None:
    import asyncio
    from datetime import UTC, datetime

    from sqlalchemy import func, insert, select

    from bot.store.batch import GroupInsert
    from db.models import ProcessedUpdate

    rows = GroupInsert(db, insert(ProcessedUpdate.__table__))
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


async def test_run_waits_for_an_open_async_transaction_and_never_overlaps_it(
    db: Database,
) -> None:
    """On SQLite, ``run`` uses a second (synchronous) connection: it must start only when no
    asynchronous transaction is open, or the two would wait on each other's lock forever."""
    if not db.is_sqlite:
        pytest.skip("SQLite only: PostgreSQL runs everything on its async engine")
    async with db.engine.begin() as conn:
        await conn.execute(text("CREATE TABLE t (k INTEGER PRIMARY KEY)"))

    def add(connection: Connection, key: int) -> int:
        connection.execute(text("INSERT INTO t VALUES (:k)"), {"k": key})
        return int(connection.execute(text("SELECT count(*) FROM t")).scalar_one())

    async with db.engine.begin() as conn:
        await conn.execute(text("INSERT INTO t VALUES (1)"))  # holds SQLite's write lock
        waiting = asyncio.create_task(db.run(add, 2))
        await asyncio.sleep(0.1)
        assert not waiting.done()  # it waits for the commit instead of blocking on the lock
    assert await asyncio.wait_for(waiting, 2) == 2  # and then sees the committed row

    with pytest.raises(IntegrityError):  # an error rolls the whole unit of work back
        await db.run(lambda connection: [add(connection, 3), add(connection, 1)])
    async with db.engine.connect() as conn:
        assert (await conn.execute(text("SELECT k FROM t ORDER BY k"))).scalars().all() == [1, 2]
