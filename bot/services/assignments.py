"""Required learning: assignments of a module or a learning path, their members, the daily
reminder tick, the admins' list, cancel and extend, and compliance.

Roles are checked on every call inside the action's transaction: a superadmin assigns to any
audience, an OPD admin only inside their OPD (the service pins the OPD whatever the input
says). An assignment is the agency's: a revoked role cancels nothing, and the superadmins see
it listed with its creator marked. Every decision (create, cancel, extend) is audited;
cancelling and extending are conditional updates of an assignment still active. An OPD admin
also sees, read-only, a superadmin's assignments whose audience is their OPD.

The service is assembled from its parts: ``assignment_base`` (settings, audience, members),
``assignment_completions`` (the stored completions and compliance), ``assignment_tick`` (the
daily reminders) and ``assignment_learners`` (a learner's items); the values are in
``assignment_types`` and re-exported here. This module keeps creating an assignment and the
admins' list, detail, cancel, extend and overdue export.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.assignments import add_months, next_reminder, valid_join_days, valid_recurrence
from bot.core.errors import NotAllowed, Refusal
from bot.services.assignment_learners import AssignmentLearners
from bot.services.assignment_tick import AssignmentTick
from bot.services.assignment_types import (
    SOON_DAYS,
    ChangeOutcome,
    Counts,
    Created,
    CreateOutcome,
    LearnerItem,
    OverdueRow,
    Spec,
    Summary,
)
from bot.services.roles import Actor, actor_in, record, require_admin
from bot.store import assignments as store
from db.dialects import cast_table
from db.models import Assignment, AssignmentMember, Employee

# Re-exported: the values other modules import from here, where they were first defined.
__all__ = [
    "SOON_DAYS",
    "AssignmentService",
    "ChangeOutcome",
    "Counts",
    "CreateOutcome",
    "Created",
    "LearnerItem",
    "OverdueRow",
    "Spec",
    "Summary",
]


class AssignmentService(AssignmentTick, AssignmentLearners):
    # --- create ---------------------------------------------------------------------------------
    def check(self, spec: Spec, today: date) -> CreateOutcome:
        if self.title_of(spec.target_kind, spec.target_id) is None:
            return CreateOutcome.NO_TARGET
        if spec.due_on < today:
            return CreateOutcome.PAST
        if spec.due_on > add_months(today, 24):
            return CreateOutcome.TOO_FAR
        if not valid_recurrence(spec.recurrence_months):
            return CreateOutcome.BAD_RECURRENCE
        if not valid_join_days(spec.join_days):
            return CreateOutcome.BAD_JOIN_DAYS
        return CreateOutcome.OK

    async def create(self, actor_id: int, spec: Spec) -> Created:
        async with self.db.transaction() as s:
            actor = await require_admin(s, actor_id, self.admin_ids)
            return await self.create_in(s, actor, spec)

    async def create_in(self, s: AsyncSession, actor: Actor, spec: Spec) -> Created:
        today = self.today()
        outcome = self.check(spec, today)
        if outcome is not CreateOutcome.OK:
            return Created(outcome)
        audience = self.pinned(actor, spec.audience)
        if audience.opd is not None and audience.opd not in self.catalog.opds:
            return Created(CreateOutcome.EMPTY)
        if await self._count(s, audience) == 0:
            return Created(CreateOutcome.EMPTY)
        now = self.clock()
        title = self.title_of(spec.target_kind, spec.target_id) or spec.target_id
        assignment = Assignment(
            created_by=actor.telegram_id,
            scope_opd=None if actor.is_superadmin else actor.opd_code,
            target_kind=spec.target_kind,
            target_id=spec.target_id,
            title=title[:120],
            audience=audience.to_json(),
            due_on=spec.due_on,
            recurrence_months=spec.recurrence_months,
            join_days=spec.join_days or self.join_days,
            status=store.ACTIVE,
            created_at=now,
        )
        s.add(assignment)
        await s.flush()
        members = await self._add_members(s, assignment, spec.due_on, today, now)
        await record(
            s,
            self.clock,
            actor.telegram_id,
            "assignment.create",
            {
                "assignment": assignment.id,
                "target": f"{spec.target_kind}:{spec.target_id}",
                "audience": audience.to_json(),
                "due_on": spec.due_on.isoformat(),
                "recurrence_months": spec.recurrence_months,
                "join_days": assignment.join_days,
                "members": members,
            },
        )
        return Created(CreateOutcome.OK, assignment, members)

    # --- admins ---------------------------------------------------------------------------------
    async def listing(self, actor_id: int) -> tuple[Actor, list[Summary]]:
        """The caller's assignments with progress: all for a superadmin (those whose creator is
        no longer an admin marked, and first), their OPD's for an OPD admin: their OPD's own,
        whoever created them, and a superadmin's that target their OPD (read-only)."""
        async with self.db.transaction() as s:
            actor = await require_admin(s, actor_id, self.admin_ids)
            await self.refresh(s)
            found = [a for a in await store.active(s) if self._visible(actor, a)]
            found.sort(key=lambda a: (a.due_on, a.id))
            summaries = []
            for assignment in found:
                counts = await self.counts(s, assignment)
                creator = await actor_in(s, assignment.created_by, self.admin_ids)
                summaries.append(
                    Summary(
                        assignment,
                        counts.get(None, Counts()),
                        creator is not None,
                        editable=self._editable(actor, assignment),
                    )
                )
            if actor.is_superadmin:  # an orphan needs a superadmin's decision: shown first
                summaries.sort(key=lambda x: x.creator_is_admin)
            return actor, summaries

    @staticmethod
    def _visible(actor: Actor, assignment: Assignment) -> bool:
        if actor.is_superadmin:
            return True
        if assignment.scope_opd == actor.opd_code:
            return True
        return store.audience_of(assignment).opd == actor.opd_code

    @staticmethod
    def _editable(actor: Actor, assignment: Assignment) -> bool:
        return actor.is_superadmin or assignment.scope_opd == actor.opd_code

    async def detail(self, actor_id: int, assignment_id: int) -> Summary | None:
        async with self.db.transaction() as s:
            actor = await require_admin(s, actor_id, self.admin_ids)
            assignment = await self._owned(s, actor, assignment_id, edit=False)
            if assignment is None:
                return None
            await self.refresh(s)
            counts = await self.counts(s, assignment, by_opd=True)
            creator = await actor_in(s, assignment.created_by, self.admin_ids)
            total = counts.pop(None, Counts())
            by_opd = {k: v for k, v in counts.items() if k is not None}
            editable = self._editable(actor, assignment)
            return Summary(assignment, total, creator is not None, by_opd, editable)

    async def _owned(
        self, s: AsyncSession, actor: Actor, assignment_id: int, *, edit: bool = True
    ) -> Assignment | None:
        """The assignment, if the caller may see it (``edit``: cancel or extend it); another
        OPD's is refused. An OPD admin sees a superadmin's that targets their OPD, read-only."""
        assignment = await s.get(Assignment, assignment_id)
        if assignment is None:
            return None
        allowed = self._editable if edit else self._visible
        if not allowed(actor, assignment):
            raise NotAllowed(Refusal.OTHER_OPD)
        return assignment

    async def cancel(self, actor_id: int, assignment_id: int) -> tuple[ChangeOutcome, str]:
        """Stop the assignment and its reminders at once (queued ones are skipped at send
        time); what was completed stays completed."""
        async with self.db.transaction() as s:
            actor = await require_admin(s, actor_id, self.admin_ids)
            assignment = await self._owned(s, actor, assignment_id)
            if assignment is None:
                return ChangeOutcome.NOT_FOUND, ""
            changed = await s.execute(
                update(Assignment)
                .where(Assignment.id == assignment_id, Assignment.status == store.ACTIVE)
                .values(status=store.CANCELLED, cancelled_at=self.clock(), cancelled_by=actor_id)
            )
            if not changed.rowcount:  # type: ignore[attr-defined]
                return ChangeOutcome.ALREADY_CANCELLED, assignment.title
            m = cast_table(AssignmentMember)
            await s.execute(
                update(m).where(m.c.assignment_id == assignment_id).values(next_remind_on=None)
            )
            await record(
                s, self.clock, actor_id, "assignment.cancel", {"assignment": assignment_id}
            )
            return ChangeOutcome.OK, assignment.title

    async def extend(
        self, actor_id: int, assignment_id: int, new_due: date
    ) -> tuple[ChangeOutcome, Assignment | None]:
        """Move the due date later: members due before it are due then (conditional on the
        assignment being active with an earlier due date)."""
        today = self.today()
        async with self.db.transaction() as s:
            actor = await require_admin(s, actor_id, self.admin_ids)
            assignment = await self._owned(s, actor, assignment_id)
            if assignment is None:
                return ChangeOutcome.NOT_FOUND, None
            if assignment.status != store.ACTIVE:
                return ChangeOutcome.ALREADY_CANCELLED, assignment
            if new_due > add_months(today, 24):
                return ChangeOutcome.TOO_FAR, assignment
            if new_due <= assignment.due_on:
                return ChangeOutcome.NOT_LATER, assignment
            await self.refresh(s)  # completions so far are judged by the old due date
            old = assignment.due_on
            changed = await s.execute(
                update(Assignment)
                .where(
                    Assignment.id == assignment_id,
                    Assignment.status == store.ACTIVE,
                    Assignment.due_on == old,
                )
                .values(due_on=new_due)
            )
            if not changed.rowcount:  # type: ignore[attr-defined]
                return ChangeOutcome.NOT_LATER, assignment
            m = cast_table(AssignmentMember)
            await s.execute(
                update(m)
                .where(m.c.assignment_id == assignment_id, m.c.due_on < new_due)
                .values(due_on=new_due, next_remind_on=next_reminder(new_due, today))
            )
            await record(
                s,
                self.clock,
                actor_id,
                "assignment.extend",
                {"assignment": assignment_id, "from": old.isoformat(), "to": new_due.isoformat()},
            )
            await s.refresh(assignment)
            return ChangeOutcome.OK, assignment

    async def overdue(self, actor_id: int, assignment_id: int) -> tuple[str, list[OverdueRow]]:
        """Who is overdue (not completed, due date passed), with their agency's name; the
        export is audited as a view of named employees' data."""
        today = self.today()
        async with self.db.transaction() as s:
            actor = await require_admin(s, actor_id, self.admin_ids)
            assignment = await self._owned(s, actor, assignment_id, edit=False)
            if assignment is None:
                return "", []
            await self.refresh(s)
            m = cast_table(AssignmentMember)
            since = self.since(assignment.recurrence_months, today)
            done: ColumnElement[bool] = m.c.completed_at.is_not(None)
            if since is not None:
                done = and_(done, m.c.completed_at >= since)
            rows = await s.execute(
                select(
                    Employee.nip,
                    Employee.name,
                    Employee.opd_code,
                    Employee.unit_kerja,
                    m.c.due_on,
                )
                .select_from(m)
                .join(Employee, Employee.id == m.c.employee_id)
                .where(
                    m.c.assignment_id == assignment.id,
                    *store.audience_where(assignment),
                    ~done,
                    m.c.due_on < today,
                )
                .order_by(Employee.opd_code, Employee.name)
            )
            found = []
            for nip, name, opd_code, unit, due in rows:
                opd = self.catalog.opds.get(opd_code)
                found.append(
                    OverdueRow(
                        nip,
                        name,
                        opd_code,
                        opd.name if opd else opd_code,
                        unit or "",
                        due,
                        (today - due).days,
                    )
                )
            await record(
                s,
                self.clock,
                actor_id,
                "view.assignment_overdue",
                {"assignment": assignment_id, "rows": len(found)},
            )
            return assignment.title, found
