"""Periodic clean-up of rows only needed for a while: handled update ids, abandoned flows, and
what the retention policy keeps only for a time (the ledger of erased accounts, the audit log).

Run by the worker (``bot.app.worker``) every hour on every instance: each step is one DELETE of
rows past their time, so running twice, or on two instances at once, deletes nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete

from bot.core.clock import Clock
from bot.services.privacy import years_after
from bot.store import privacy
from db.models import AuditEntry, ChatSession, ProcessedUpdate
from db.session import Database

# The duplicate guard only needs recent update ids: Telegram redelivers within hours, not days.
KEEP_UPDATE_IDS = timedelta(days=2)


@dataclass(frozen=True, slots=True)
class Cleaned:
    updates: int = 0
    sessions: int = 0
    retained: int = 0
    audit: int = 0


class Housekeeping:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        session_ttl: timedelta = timedelta(hours=48),
        retention_years: int = 5,
    ) -> None:
        self.db = db
        self.clock = clock
        self.session_ttl = session_ttl
        self.retention_years = retention_years

    async def run(self) -> Cleaned:
        return Cleaned(
            updates=await self.forget_old_updates(),
            sessions=await self.expire_sessions(),
            retained=await self.expire_retained(),
            audit=await self.expire_audit(),
        )

    async def forget_old_updates(self) -> int:
        """Delete the ids of updates handled long ago; the number deleted."""
        async with self.db.transaction() as s:
            result = await s.execute(
                delete(ProcessedUpdate).where(
                    ProcessedUpdate.received_at < self.clock() - KEEP_UPDATE_IDS
                )
            )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def expire_sessions(self) -> int:
        """Delete flows untouched for ``SINAU_SESSION_TTL_HOURS``: an abandoned registration
        holds a NIP and a name, an abandoned /lapor a certificate's details."""
        async with self.db.transaction() as s:
            result = await s.execute(
                delete(ChatSession).where(ChatSession.updated_at < self.clock() - self.session_ttl)
            )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def expire_retained(self) -> int:
        """Delete the ledger of erased accounts once its retention period is over."""
        async with self.db.transaction() as s:
            return await privacy.expired_retained(s, self.clock())

    async def expire_audit(self) -> int:
        """Delete audit entries older than the retention period."""
        cutoff = years_after(self.clock(), -self.retention_years)
        async with self.db.transaction() as s:
            result = await s.execute(delete(AuditEntry).where(AuditEntry.created_at < cutoff))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
