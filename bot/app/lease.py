"""One background worker across instances: a lease row with an expiry.

Two bot processes on one database both handle updates, but only the lease holder runs the
reminder tick, the announcement jobs and the outbound sender, so Telegram's rate limit is spent
once and nothing is decided twice. The holder renews the lease well before it expires; if the
holder dies, another instance takes the lease once it has expired, within ``ttl``.

The outbox would stay correct without the lease (decisions have unique keys and claims are
conditional updates); the lease is what keeps two senders from each sending at the full rate.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from datetime import timedelta

from sqlalchemy import delete

from bot.core.clock import Clock
from db.dialects import cast_table, insert_for
from db.models import Lease
from db.session import Database

log = logging.getLogger(__name__)

WORKER = "worker"


def holder_id() -> str:
    """Unique per process, readable in the table: host, pid and a random tail."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(3)}"


async def acquire(db: Database, clock: Clock, name: str, holder: str, ttl: timedelta) -> bool:
    """Take or renew the lease; True if ``holder`` has it until now + ttl.

    One statement: insert the row, or take it over when it is ours or has expired. The
    condition is evaluated under the row lock, so two instances can never both succeed.
    """
    now = clock()
    async with db.transaction() as s:
        table = cast_table(Lease)
        upsert = (
            insert_for(s, table)
            .values(name=name, holder=holder, expires_at=now + ttl)
            .on_conflict_do_update(
                index_elements=[table.c.name],
                set_={"holder": holder, "expires_at": now + ttl},
                where=(table.c.holder == holder) | (table.c.expires_at < now),
            )
            .returning(table.c.holder)
        )
        row = (await s.execute(upsert)).first()
    return row is not None and row[0] == holder


async def release(db: Database, name: str, holder: str) -> None:
    async with db.transaction() as s:
        await s.execute(delete(Lease).where(Lease.name == name, Lease.holder == holder))


class LeaseKeeper:
    """Keeps trying to hold one lease, renewing it every third of its ttl."""

    def __init__(
        self, db: Database, clock: Clock, name: str = WORKER, ttl: timedelta = timedelta(seconds=30)
    ) -> None:
        self.db = db
        self.clock = clock
        self.name = name
        self.ttl = ttl
        self.holder = holder_id()
        self.held = False
        self.changed = asyncio.Event()
        self._stopping = asyncio.Event()

    async def refresh(self) -> bool:
        try:
            held = await acquire(self.db, self.clock, self.name, self.holder, self.ttl)
        except Exception:  # a database hiccup: act as if the lease is lost, try again soon
            log.warning("lease %s: could not renew", self.name, exc_info=True)
            held = False
        if held != self.held:
            log.info("lease %s %s by %s", self.name, "taken" if held else "lost", self.holder)
            self.held = held
            self.changed.set()
        return held

    async def run(self) -> None:
        while not self._stopping.is_set():
            await self.refresh()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.ttl.total_seconds() / 3)

    async def stop(self) -> None:
        """Stop renewing and hand the lease over at once (a clean shutdown)."""
        self._stopping.set()
        if self.held:
            self.held = False
            with contextlib.suppress(Exception):
                await release(self.db, self.name, self.holder)
