"""The completions kept on the members, and compliance counted from them.

Compliance is counted from each member's stored completion (``assignment_members``), kept up
to date by ``refresh`` (see ``bot/store/assignments.py``); ``counts_from_ledger`` is the old
derivation from the ledger, kept as the benchmark's baseline and the check that both agree.
Its own module: the refresh and the counting queries are the heaviest SQL of the service.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.assignments import due_at
from bot.core.errors import NotAllowed, Refusal
from bot.services.assignment_base import AssignmentBase, _utc
from bot.services.assignment_types import Counts
from bot.services.roles import require_admin
from bot.store import assignment_completions as completions_store
from bot.store import assignments as store
from db.dialects import cast_table
from db.models import Assignment, AssignmentMember, Employee, ModuleProgress

STARTED_MARGIN = 1000  # module_progress ids read again by each refresh (see _sync_started)


class AssignmentCompletions(AssignmentBase):
    # --- completions kept on the members ----------------------------------------------------
    async def refresh(self, s: AsyncSession, *, batch: int = 5000) -> int:
        """Bring the stored completions of the members who passed a module since the last
        refresh up to date (``completions_store.mark_passed``, written by the quiz's pass; after
        migration 0014, every member), with their module starts, and forget them; returns the
        member rows changed. The completion is the one the ledger holds (a
        module's latest pass, a path's oldest latest pass); ``on_time`` is decided once per
        completion that counts: kept while it counts, set again for a new cycle's."""
        changed = await self._sync_started(s, batch)
        while True:
            found = await completions_store.pending(s, batch)
            if not found:
                return changed
            changed += await self._refresh(s, sorted({e for _i, e in found}))
            await completions_store.forget_pending(s, [i for i, _e in found])
            if len(found) < batch:
                return changed

    async def _sync_started(self, s: AsyncSession, batch: int) -> int:
        """Copy the module starts recorded since the last refresh (``module_progress`` rows,
        read by id after the ``started`` mark) to the members they start: "in progress" then
        needs no probe of ``module_progress`` per member. The last ``STARTED_MARGIN`` ids are
        read again each time (idempotent), for a row that committed after a higher id did."""
        mark = await completions_store.mark_value(s, "started")
        after = max(mark - STARTED_MARGIN, 0)
        active = await store.active(s)
        changed = 0
        while True:
            found = await completions_store.progress_since(s, after, batch)
            if not found:
                break
            by_module: dict[str, set[int]] = {}
            for _id, employee_id, module_id in found:
                by_module.setdefault(module_id, set()).add(employee_id)
            for assignment in active:
                ids: set[int] = set()
                for module_id in store.target_modules(self.catalog, assignment):
                    ids |= by_module.get(module_id, set())
                if ids:
                    changed += await completions_store.set_started(s, assignment.id, sorted(ids))
            after = found[-1][0]
            if len(found) < batch:
                break
        if after > mark:
            await completions_store.advance_mark(s, "started", after)
        return changed

    async def _refresh(self, s: AsyncSession, employee_ids: list[int]) -> int:
        active = {a.id: a for a in await store.active(s)}
        if not active:
            return 0
        needed = {aid: store.target_modules(self.catalog, a) for aid, a in active.items()}
        modules = sorted({m_id for ids in needed.values() for m_id in ids})
        today = self.today()
        m = cast_table(AssignmentMember)
        rows: list[dict[str, object]] = []
        for start in range(0, len(employee_ids), 500):
            chunk = employee_ids[start : start + 500]
            latest: dict[tuple[int, str], datetime] = {}
            if modules:
                p = store.passes(modules, None, chunk)
                found = await s.execute(
                    select(p.c.employee_id, p.c.module_id, func.max(p.c.at)).group_by(
                        p.c.employee_id, p.c.module_id
                    )
                )
                for employee_id, module_id, at in found:
                    if at is not None:
                        latest[(employee_id, module_id)] = _utc(at)
            opened = await completions_store.opened_modules(s, chunk, modules)
            members = await s.execute(
                select(
                    m.c.assignment_id,
                    m.c.employee_id,
                    m.c.due_on,
                    m.c.completed_at,
                    m.c.on_time,
                    m.c.started,
                )
                .where(m.c.employee_id.in_(chunk), m.c.assignment_id.in_(sorted(active)))
                .order_by(m.c.assignment_id, m.c.employee_id)
            )
            for aid, employee_id, due, stored, stored_on_time, was_started in members:
                started = bool(was_started) or any(
                    (employee_id, m_id) in opened for m_id in needed[aid]
                )
                days = [latest.get((employee_id, m_id)) for m_id in needed[aid]]
                passed = [d for d in days if d is not None]
                completed, on_time = None, None
                if needed[aid] and len(passed) == len(days):
                    completed = min(passed)
                    since = self.since(active[aid].recurrence_months, today)
                    stored_counts = stored is not None and (since is None or _utc(stored) >= since)
                    if stored_counts and stored_on_time is not None:
                        on_time = bool(stored_on_time)
                    else:
                        on_time = max(passed) <= due_at(due, self.tz)
                if (
                    (None if stored is None else _utc(stored)) != completed
                    or stored_on_time != on_time
                    or bool(was_started) != started
                ):
                    rows.append(
                        {
                            "b_assignment": aid,
                            "b_employee": employee_id,
                            "b_completed": completed,
                            "b_on_time": on_time,
                            "b_started": started,
                        }
                    )
        return await completions_store.set_completions(s, rows)

    async def counts(
        self, s: AsyncSession, assignment: Assignment, *, by_opd: bool = False
    ) -> dict[str | None, Counts]:
        """Completed (and of them on time), in progress, overdue (and so not started) among
        the members the audience holds now: the total under None, per OPD too with
        ``by_opd``. One GROUP BY over the members' stored completions (call ``refresh`` first
        in the same transaction for the passes since the last one)."""
        today = self.today()
        m = cast_table(AssignmentMember)
        since = self.since(assignment.recurrence_months, today)
        done: ColumnElement[bool] = m.c.completed_at.is_not(None)
        if since is not None:
            done = and_(done, m.c.completed_at >= since)
        late = and_(~done, m.c.due_on < today)
        columns = [
            func.count(),
            func.sum(case((done, 1), else_=0)),
            func.sum(case((late, 0), (done, 0), (m.c.started.is_(True), 1), else_=0)),
            func.sum(case((late, 1), else_=0)),
            func.sum(case((and_(done, m.c.on_time.is_(True)), 1), else_=0)),
        ]
        query = (
            select(Employee.opd_code, *columns)
            .select_from(m)
            .join(Employee, Employee.id == m.c.employee_id)
            .where(m.c.assignment_id == assignment.id, *store.audience_where(assignment))
        )
        return await self._grouped(s, query, columns, by_opd)

    async def _grouped(
        self, s: AsyncSession, query: Any, columns: list[Any], by_opd: bool
    ) -> dict[str | None, Counts]:
        result: dict[str | None, Counts] = {}
        if by_opd:
            for opd, *values in await s.execute(query.group_by(Employee.opd_code)):
                result[opd] = Counts(*(int(v or 0) for v in values))
            result[None] = sum(result.values(), Counts())
        else:
            total = (await s.execute(query.with_only_columns(*columns))).one()
            result[None] = Counts(*(int(v or 0) for v in total))
        return result

    async def counts_from_ledger(
        self, s: AsyncSession, assignment: Assignment, *, by_opd: bool = False
    ) -> dict[str | None, Counts]:
        """``counts`` derived from the ledger itself (the join it replaced, 2-5x slower at a
        province's scale): kept as the benchmark's baseline and the check that the stored
        completions agree with the ledger. ``on_time`` is not derived (0)."""
        today = self.today()
        modules = store.target_modules(self.catalog, assignment)
        m = cast_table(AssignmentMember)
        since = self.since(assignment.recurrence_months, today)
        # The completed set once, as a derived table joined to the members (an IN repeated in
        # each count was evaluated once per use). A one-OPD assignment reads only its members'
        # passes; a province-wide one reads the module's passes once, without a member list.
        mine = select(m.c.employee_id).where(m.c.assignment_id == assignment.id)
        narrow = mine if store.audience_of(assignment).opd is not None else None
        completed = store.completed_select(modules, since, narrow).subquery("completed")
        done = completed.c.employee_id.is_not(None)
        started = exists().where(
            ModuleProgress.employee_id == m.c.employee_id, ModuleProgress.module_id.in_(modules)
        )
        late = and_(~done, m.c.due_on < today)
        columns = [
            func.count(),
            func.sum(case((done, 1), else_=0)),
            func.sum(case((late, 0), (done, 0), (started, 1), else_=0)),
            func.sum(case((late, 1), else_=0)),
        ]
        query = (
            select(Employee.opd_code, *columns)
            .select_from(m)
            .join(Employee, Employee.id == m.c.employee_id)
            .outerjoin(completed, completed.c.employee_id == m.c.employee_id)
            .where(m.c.assignment_id == assignment.id, *store.audience_where(assignment))
        )
        return await self._grouped(s, query, columns, by_opd)

    async def compliance_for(
        self, actor_id: int, opd: str | None
    ) -> list[tuple[Assignment, Counts]]:
        """/laporan: each active assignment's counts in ``opd`` (None: the province), for an
        admin who manages it."""
        async with self.db.transaction() as s:
            actor = await require_admin(s, actor_id, self.admin_ids)
            if not actor.may_manage(opd):
                raise NotAllowed(Refusal.OTHER_OPD)
        found = await self.compliance(opd)
        return [(a, counts.get(opd, Counts())) for a, counts in found]

    async def compliance(
        self, opd: str | None = None
    ) -> list[tuple[Assignment, dict[str | None, Counts]]]:
        """Every active assignment's counts per OPD (for the reports, the CLI and the Mini
        App); ``opd`` keeps one OPD's rows. Each ``Counts`` has ``on_time`` (completed by the
        due date) beside ``completed``; only verified employees are counted."""
        return await self._compliance(opd, ledger=False)

    async def compliance_from_ledger(
        self, opd: str | None = None
    ) -> list[tuple[Assignment, dict[str | None, Counts]]]:
        """``compliance`` derived from the ledger (``counts_from_ledger``): the benchmark's
        baseline."""
        return await self._compliance(opd, ledger=True)

    async def _compliance(
        self, opd: str | None, *, ledger: bool
    ) -> list[tuple[Assignment, dict[str | None, Counts]]]:
        async with self.db.transaction() as s:
            if not ledger:
                await self.refresh(s)
            found = await store.active(s)
            count = self.counts_from_ledger if ledger else self.counts
            result = []
            for assignment in found:
                counts = await count(s, assignment, by_opd=True)
                if opd is not None:
                    counts = {k: v for k, v in counts.items() if k == opd}
                    if not counts:
                        continue
                elif not counts.get(None, Counts()).members:
                    continue
                result.append((assignment, counts))
            return result
