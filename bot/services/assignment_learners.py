"""A learner's side of required learning: their active assignments with their standing and
the module to open next, joining those whose audience they entered since. Its own module: it
answers the learner (/tugas, reminders, the Mini App), not the admins."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.assignments import Standing, status
from bot.services.assignment_base import AssignmentBase
from bot.services.assignment_types import LearnerItem
from bot.store import assignments as store
from bot.store import employees
from bot.store.audience import matches
from db.dialects import cast_table
from db.models import AssignmentMember, Employee


class AssignmentLearners(AssignmentBase):
    # --- learners -------------------------------------------------------------------------------
    async def for_learner(self, telegram_id: int) -> list[LearnerItem] | None:
        """The learner's active assignments (joining those whose audience they entered since),
        most urgent first; None for someone not registered."""
        async with self.db.transaction() as s:
            employee = await employees.by_telegram_id(s, telegram_id)
            if employee is None:
                return None
            return await self.items_for(s, employee, join=True)

    async def items_for(
        self, s: AsyncSession, employee: Employee, *, join: bool = False
    ) -> list[LearnerItem]:
        if employee.deactivated_at is not None or employee.verified_at is None:
            return []  # an unverified account is not assigned
        today = self.today()
        now = self.clock()
        mine = [a for a in await store.active(s) if matches(store.audience_of(a), employee)]
        if not mine:
            return []
        m = cast_table(AssignmentMember)
        rows = await s.execute(
            select(m.c.assignment_id, m.c.due_on).where(
                m.c.employee_id == employee.id, m.c.assignment_id.in_([a.id for a in mine])
            )
        )
        dues = {aid: due for aid, due in rows}
        if join:
            for a in mine:
                if a.id not in dues:
                    due = max(a.due_on, today + timedelta(days=a.join_days))
                    added = await self._add_members(s, a, due, today, now, employee_id=employee.id)
                    if added:
                        dues[a.id] = due
        modules = {m_id for a in mine for m_id in store.target_modules(self.catalog, a)}
        latest = await self._latest_passes(s, employee.id, modules)
        started = await store.started_modules(s, employee.id)
        passed = {m_id for m_id in latest}
        items = []
        for a in mine:
            if a.id not in dues:
                continue
            needed = store.target_modules(self.catalog, a)
            days = [latest[m_id] for m_id in needed if m_id in latest]
            completed = min(days) if needed and len(days) == len(needed) else None
            state = status(
                dues[a.id],
                completed,
                a.recurrence_months,
                any(m_id in started for m_id in needed),
                today,
            )
            upcoming = None
            if not state.done:
                fresh = self.since(a.recurrence_months, today)
                bound = fresh.astimezone(self.tz).date() if fresh is not None else None
                for m_id in needed:
                    current = m_id in latest and (bound is None or latest[m_id] >= bound)
                    open_ = m_id in started or not self.catalog.locked_by(m_id, passed)
                    if not current and open_:
                        upcoming = m_id
                        break
            if state.done and a.recurrence_months is not None:
                upcoming = needed[0] if needed else None  # the refresher starts over
            items.append(
                LearnerItem(
                    a.id,
                    a.title,
                    a.target_kind,
                    a.target_id,
                    state,
                    upcoming,
                    a.recurrence_months is not None,
                )
            )
        order = {
            Standing.OVERDUE: 0,
            Standing.IN_PROGRESS: 1,
            Standing.NOT_STARTED: 1,
            Standing.COMPLETED: 2,
        }
        items.sort(key=lambda i: (order[i.status.standing], i.status.due, i.assignment_id))
        return items

    async def _latest_passes(
        self, s: AsyncSession, employee_id: int, modules: set[str]
    ) -> dict[str, date]:
        if not modules:
            return {}
        p = store.passes(sorted(modules), None, [employee_id])
        rows = await s.execute(select(p.c.module_id, func.max(p.c.at)).group_by(p.c.module_id))
        return {
            module_id: store._aware(at).astimezone(self.tz).date()
            for module_id, at in rows
            if at is not None
        }
