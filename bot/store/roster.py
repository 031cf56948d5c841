"""The imported roster: upserting it, and looking a NIP up at registration.

The roster is the agency's record: a re-import updates the roster and, in the same transaction,
the verified employees it lists (name, OPD, unit, position, grade, kind), so a name corrected
there is the name on the next certificate. Its phone column is what a shared contact must match
(``bot.services.registration``); nothing from it is shown to anyone before they are verified.
Whether a NIP missing from the roster may still register is ``SINAU_ROSTER_ALLOW_UNKNOWN``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.roster_file import RosterRow
from db.dialects import insert_for
from db.models import Employee, RosterEntry
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
                    "phone": r.phone,
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
        for start in range(0, len(rows), BATCH):
            await _follow(s, [r.nip for r in rows[start : start + BATCH]])
    return len(rows) - len(known), len(known)


async def _follow(s: AsyncSession, nips: list[str]) -> None:
    """Verified employees take the roster's fields (the agency's record wins)."""
    fields = ("name", "opd_code", "unit_kerja", "jabatan", "golongan", "kind")
    values = {
        field: select(getattr(RosterEntry, field))
        .where(RosterEntry.nip == Employee.nip)
        .scalar_subquery()
        for field in fields
    }
    await s.execute(
        update(Employee)
        .where(Employee.nip.in_(nips), Employee.verified_at.is_not(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def has_roster(s: AsyncSession) -> bool:
    return bool(await s.scalar(select(exists().where(RosterEntry.nip.is_not(None)))))


async def lookup(s: AsyncSession, nip: str) -> RosterEntry | None:
    return await s.get(RosterEntry, nip)
