"""Expensive buttons (a chart, a transcript, a certificate, an export): a per-user cooldown,
and a sent file reused by its Telegram ``file_id`` while the data it was built from is the
same, so sixty presses build one file, not sixty, and other users never wait for them.

The cooldown is one conditional upsert (``cooldowns``: the press wins only if the user's last
one of that kind is older than the cooldown), so two instances or a burst of presses cannot
both pass. A fingerprint is a digest of exactly what the file shows: when any of it changes
(a new credit, an edited name, another day for a chart "until today"), the file is rebuilt.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from bot.core.clock import Clock
from db.dialects import cast_table, insert_for
from db.models import Cooldown, SentFile
from db.session import Database


def fingerprint(*parts: object) -> str:
    """A digest of the data a file is built from (``repr`` of plain values, stable)."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Cached:
    media: str  # "document" | "photo"
    file_id: str


class FileService:
    def __init__(self, db: Database, clock: Clock, cooldown_seconds: float) -> None:
        self.db = db
        self.clock = clock
        self.cooldown = timedelta(seconds=cooldown_seconds)

    async def claim(self, telegram_id: int, action: str) -> float:
        """0 if this press may build or send a file now (and the cooldown starts), else the
        seconds to wait."""
        if self.cooldown <= timedelta(0):
            return 0.0
        now = self.clock()
        table = cast_table(Cooldown)
        async with self.db.transaction() as s:
            upsert = (
                insert_for(s, table)
                .values(telegram_id=telegram_id, action=action, until=now + self.cooldown)
                .on_conflict_do_update(
                    index_elements=[table.c.telegram_id, table.c.action],
                    set_={"until": now + self.cooldown},
                    where=table.c.until <= now,
                )
                .returning(table.c.until)
            )
            if (await s.execute(upsert)).first() is not None:
                return 0.0
            until = await s.scalar(
                select(Cooldown.until).where(
                    Cooldown.telegram_id == telegram_id, Cooldown.action == action
                )
            )
        return max(0.0, ((until or now) - now).total_seconds())

    async def cached(self, owner: int, key: str, digest: str) -> Cached | None:
        async with self.db.transaction() as s:
            row = await s.get(SentFile, (owner, key))
            if row is None or row.fingerprint != digest:
                return None
            return Cached(row.media, row.file_id)

    async def remember(self, owner: int, key: str, digest: str, media: str, file_id: str) -> None:
        now = self.clock()
        table = cast_table(SentFile)
        values = {"fingerprint": digest, "media": media, "file_id": file_id, "sent_at": now}
        async with self.db.transaction() as s:
            await s.execute(
                insert_for(s, table)
                .values(owner=owner, file_key=key, **values)
                .on_conflict_do_update(
                    index_elements=[table.c.owner, table.c.file_key], set_=values
                )
            )

    async def forget(self, owner: int, key: str) -> None:
        """A file_id Telegram no longer accepts: build the file again next time."""
        async with self.db.transaction() as s:
            row = await s.get(SentFile, (owner, key))
            if row is not None:
                await s.delete(row)
