"""The database session (db/session.py): SQLite on the loop thread, and ``run`` beside the async
engine."""

from __future__ import annotations

import asyncio
import threading

import pytest
from sqlalchemy import Connection, event, text
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


async def test_concurrent_runs_share_one_commit_and_a_failing_one_harms_no_other(
    db: Database,
) -> None:
    """Runs requested in one loop turn are committed together (group commit, SQLite); a run
    that raises gets its own error, the others commit, and nothing half-done stays."""
    if not db.is_sqlite:
        pytest.skip("SQLite only: PostgreSQL runs each on its own connection")
    async with db.engine.begin() as conn:
        await conn.execute(text("CREATE TABLE t (k INTEGER PRIMARY KEY)"))
    commits = 0

    def count(*_: object) -> None:
        nonlocal commits
        commits += 1

    assert db._sync is not None
    event.listen(db._sync.engine, "commit", count)

    def add(connection: Connection, *keys: int) -> int:
        for key in keys:
            connection.execute(text("INSERT INTO t VALUES (:k)"), {"k": key})
        return keys[0]

    assert await asyncio.gather(*(db.run(add, k) for k in range(1, 11))) == list(range(1, 11))
    assert commits == 1  # ten callers, one transaction

    commits = 0
    results = await asyncio.gather(
        db.run(add, 20), db.run(add, 21, 1), db.run(add, 22), return_exceptions=True
    )
    assert results[0] == 20 and results[2] == 22
    assert isinstance(results[1], IntegrityError)  # only the caller whose work failed
    async with db.engine.connect() as conn:
        keys = (await conn.execute(text("SELECT k FROM t WHERE k >= 20"))).scalars().all()
    assert sorted(keys) == [20, 22]  # 21 went with its failed unit of work

    # A caller that gives up before its turn: its work never runs.
    task = asyncio.create_task(db.run(add, 30))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await db.run(add, 31)
    async with db.engine.connect() as conn:
        keys = (await conn.execute(text("SELECT k FROM t WHERE k >= 30"))).scalars().all()
    assert keys == [31]


async def test_a_connection_that_cannot_open_fails_its_callers_instead_of_leaving_them_waiting(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite only")
    assert db._sync is not None
    db._sync.dispose()  # the next run must open a connection

    def refuse() -> Connection:
        raise OSError("disk gone")

    monkeypatch.setattr(db._sync.engine, "connect", refuse)
    calls = [db.run(lambda connection: 1) for _ in range(3)]
    results = await asyncio.wait_for(asyncio.gather(*calls, return_exceptions=True), 5)
    assert all(isinstance(r, OSError) for r in results)
