"""The imported roster: upserting it, and looking a NIP up at registration.

Once a roster exists, a new user's NIP is looked up and they confirm "Is this you: <name>,
<OPD>?" instead of typing their name and picking an agency; whether a NIP missing from the
roster may still register is the ``SINAU_ROSTER_ALLOW_UNKNOWN`` setting.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.roster_file import RosterRow
from db.dialects import insert_for
from db.models import RosterEntry
from db.session import Database

BATCH = 1000


async def upsert(db: Database, rows: Sequence[RosterRow], now: datetime) -> tuple[int, int]:
    """Insert new NIPs and update known ones; returns (new, updated)."""
    async with db.transaction() as s:
        known: set[str] = set()
        for start in range(0, len(rows), BATCH):
            chunk = [r.nip for r in rows[start : start + BATCH]]
            known.update(await s.scalars(select(RosterEntry.nip).where(RosterEntry.nip.in_(chunk))))
        for start in range(0, len(rows), BATCH):
            values = [
                {
                    "nip": r.nip,
                    "name": r.name,
                    "opd_code": r.opd_code,
                    "unit_kerja": r.unit_kerja,
                    "jabatan": r.jabatan,
                    "golongan": r.golongan,
                    "kind": r.kind,
                    "imported_at": now,
                }
                for r in rows[start : start + BATCH]
            ]
            statement = insert_for(s, RosterEntry).values(values)
            statement = statement.on_conflict_do_update(
                index_elements=["nip"],
                set_={c: statement.excluded[c] for c in values[0] if c != "nip"},
            )
            await s.execute(statement)
    return len(rows) - len(known), len(known)


async def has_roster(s: AsyncSession) -> bool:
    return bool(await s.scalar(select(exists().where(RosterEntry.nip.is_not(None)))))


async def lookup(s: AsyncSession, nip: str) -> RosterEntry | None:
    return await s.get(RosterEntry, nip)
