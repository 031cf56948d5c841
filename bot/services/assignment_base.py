"""What every part of ``AssignmentService`` stands on: its settings, today and the recurrence
window, the targets' titles, the audience an admin may address and its live count, and adding
members; the parts (completions, tick, learners, the service itself) subclass it."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.assignments import valid_from
from bot.core.clock import Clock
from bot.core.content import Catalog
from bot.core.schedule import QuietHours
from bot.services.roles import Actor, require_admin
from bot.store import assignments as store
from bot.store.audience import Audience
from db.models import Assignment, Employee
from db.session import Database


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class AssignmentBase:
    def __init__(self, db: Database, catalog: Catalog, clock: Clock, settings: Settings) -> None:
        self.db = db
        self.catalog = catalog
        self.clock = clock
        self.tz = settings.tz
        self.admin_ids = settings.admin_ids
        self.quiet = QuietHours(*settings.quiet_hours)
        self.send_time = settings.assignment_reminder_time
        self.join_days = settings.assignment_join_days
        self._tick_lock = asyncio.Lock()
        self._synced_on: date | None = None
        self._synced_at: datetime | None = None

    def today(self) -> date:
        return self.clock().astimezone(self.tz).date()

    def since(self, months: int | None, today: date) -> datetime | None:
        """The start of the recurrence window (None: any completion ever counts)."""
        if months is None:
            return None
        return store.local_start(valid_from(today, months), self.tz).astimezone(UTC)

    def title_of(self, kind: str, target_id: str) -> str | None:
        if kind == "path":
            path = self.catalog.path(target_id)
            return path.title if path else None
        module = self.catalog.module(target_id)
        return module.title if module else None

    # --- audience -------------------------------------------------------------------------------
    def pinned(self, actor: Actor, audience: Audience) -> Audience:
        """An OPD admin's audience is their OPD, whatever was asked."""
        return audience if actor.is_superadmin else audience.with_opd(actor.opd_code)

    async def count(self, actor_id: int, audience: Audience) -> int:
        async with self.db.transaction() as s:
            actor = await require_admin(s, actor_id, self.admin_ids)
            return await self._count(s, self.pinned(actor, audience))

    async def _count(self, s: AsyncSession, audience: Audience) -> int:
        probe = Assignment(audience=audience.to_json())
        where = store.audience_where(probe)
        return int(await s.scalar(select(func.count()).select_from(Employee).where(*where)) or 0)

    async def _add_members(
        self,
        s: AsyncSession,
        assignment: Assignment,
        due: date,
        today: date,
        now: datetime,
        *,
        changed_since: datetime | None = None,
        employee_id: int | None = None,
    ) -> int:
        return await store.add_members(
            s,
            assignment,
            due,
            today,
            now,
            changed_since=changed_since,
            employee_id=employee_id,
            modules=store.target_modules(self.catalog, assignment),
            tz=self.tz,
        )
