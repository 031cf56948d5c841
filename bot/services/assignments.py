"""Required learning: assignments of a module or a learning path, their members, the daily
reminder tick, the admins' list, cancel and extend, and compliance.

Roles are checked on every call inside the action's transaction: a superadmin assigns to any
audience, an OPD admin only inside their OPD (the service pins the OPD whatever the input
says). An assignment is the agency's: a revoked role cancels nothing, and the superadmins see
it listed with its creator marked. Every decision (create, cancel, extend) is audited;
cancelling and extending are conditional updates of an assignment still active. An OPD admin
also sees, read-only, a superadmin's assignments whose audience is their OPD.

Compliance is counted from each member's stored completion (``assignment_members``), kept up
to date by ``refresh`` (see ``bot/store/assignments.py``); ``counts_from_ledger`` is the old
derivation from the ledger, kept as the benchmark's baseline and the check that both agree.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.assignments import (
    MemberStatus,
    Standing,
    add_months,
    days_left,
    due_at,
    next_reminder,
    status,
    valid_from,
    valid_join_days,
    valid_recurrence,
)
from bot.core.clock import Clock
from bot.core.content import Catalog
from bot.core.errors import NotAllowed, Refusal
from bot.core.schedule import QuietHours
from bot.services.roles import Actor, actor_in, record, require_admin
from bot.store import assignments as store
from bot.store import employees
from bot.store.audience import Audience, matches
from db.dialects import cast_table
from db.models import Assignment, AssignmentMember, Employee, ModuleProgress
from db.session import Database

log = logging.getLogger(__name__)

SOON_DAYS = 7  # the learner's reminder lists items due within this many days, or overdue
STARTED_MARGIN = 1000  # module_progress ids read again by each refresh (see _sync_started)


class CreateOutcome(StrEnum):
    OK = "ok"
    NO_TARGET = "no_target"
    PAST = "past"
    TOO_FAR = "too_far"
    BAD_RECURRENCE = "bad_recurrence"
    EMPTY = "empty"
    BAD_JOIN_DAYS = "bad_join_days"


@dataclass(frozen=True, slots=True)
class Spec:
    """What an admin asks for: the target, the audience, the due date, the recurrence."""

    target_kind: str  # "module" | "path"
    target_id: str
    audience: Audience
    due_on: date
    recurrence_months: int | None = None
    join_days: int | None = None


@dataclass(frozen=True, slots=True)
class Created:
    outcome: CreateOutcome
    assignment: Assignment | None = None
    members: int = 0


@dataclass(frozen=True, slots=True)
class LearnerItem:
    assignment_id: int
    title: str
    target_kind: str
    target_id: str
    status: MemberStatus
    next_module: str | None  # the module to open next (a path's first not passed)
    recurring: bool = False

    def days_left(self, today: date) -> int:
        return days_left(self.status.due, today)


@dataclass(slots=True)
class TickReport:
    members_added: int = 0
    enqueued: int = 0
    rows_written: int = 0
    assignments_due: int = 0
    ran: bool = False


@dataclass(frozen=True, slots=True)
class Counts:
    members: int = 0
    completed: int = 0
    in_progress: int = 0
    overdue: int = 0
    on_time: int = 0  # of the completed, those who completed by their due date

    @property
    def late(self) -> int:
        """Completed, but after the due date."""
        return self.completed - self.on_time

    @property
    def not_started(self) -> int:
        return self.members - self.completed - self.in_progress - self.overdue

    def share(self) -> float:
        return self.completed / self.members if self.members else 0.0

    def on_time_share(self) -> float:
        """The share of those assigned who completed by the due date (the compliance)."""
        return self.on_time / self.members if self.members else 0.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.members + other.members,
            self.completed + other.completed,
            self.in_progress + other.in_progress,
            self.overdue + other.overdue,
            self.on_time + other.on_time,
        )


@dataclass(frozen=True, slots=True)
class Summary:
    assignment: Assignment
    counts: Counts
    creator_is_admin: bool = True
    by_opd: dict[str, Counts] = field(default_factory=dict)
    editable: bool = True  # the caller may cancel or extend it (an OPD admin: their own only)


@dataclass(frozen=True, slots=True)
class OverdueRow:
    nip: str
    name: str
    opd_code: str
    opd_name: str
    unit_kerja: str
    due_on: date
    days_late: int


class ChangeOutcome(StrEnum):
    OK = "ok"
    NOT_FOUND = "not_found"
    ALREADY_CANCELLED = "already_cancelled"
    NOT_LATER = "not_later"
    PAST = "past"
    TOO_FAR = "too_far"


@lru_cache(maxsize=8192)
def next_cycle(member_due: date, completed: date, months: int, today: date) -> tuple[date, date]:
    """A recurring completion's next cycle: its due date (the expiry, never before the
    member's own) and the next reminder day. Within a week of the expiry the refresher is
    reminded today (kept due); otherwise on the first reminder day before the expiry. Cached:
    a province's members share a few due dates and completion days."""
    cycle = max(member_due, add_months(completed, months))
    if (cycle - today).days <= SOON_DAYS:
        return cycle, today
    return cycle, next_reminder(cycle, today + timedelta(days=1))


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class AssignmentService:
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

    # --- completions kept on the members ----------------------------------------------------
    async def refresh(self, s: AsyncSession, *, batch: int = 5000) -> int:
        """Bring the stored completions of the members who passed a module since the last
        refresh up to date (``store.mark_passed``, written by the quiz's pass; after migration
        0014, every member), with their module starts, and forget them; returns the member
        rows changed. The completion is the one the ledger holds (a
        module's latest pass, a path's oldest latest pass); ``on_time`` is decided once per
        completion that counts: kept while it counts, set again for a new cycle's."""
        changed = await self._sync_started(s, batch)
        while True:
            found = await store.pending(s, batch)
            if not found:
                return changed
            changed += await self._refresh(s, sorted({e for _i, e in found}))
            await store.forget_pending(s, [i for i, _e in found])
            if len(found) < batch:
                return changed

    async def _sync_started(self, s: AsyncSession, batch: int) -> int:
        """Copy the module starts recorded since the last refresh (``module_progress`` rows,
        read by id after the ``started`` mark) to the members they start: "in progress" then
        needs no probe of ``module_progress`` per member. The last ``STARTED_MARGIN`` ids are
        read again each time (idempotent), for a row that committed after a higher id did."""
        mark = await store.mark_value(s, "started")
        after = max(mark - STARTED_MARGIN, 0)
        active = await store.active(s)
        changed = 0
        while True:
            found = await store.progress_since(s, after, batch)
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
                    changed += await store.set_started(s, assignment.id, sorted(ids))
            after = found[-1][0]
            if len(found) < batch:
                break
        if after > mark:
            await store.advance_mark(s, "started", after)
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
            opened = await store.opened_modules(s, chunk, modules)
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
        return await store.set_completions(s, rows)

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

    # --- the tick -------------------------------------------------------------------------------
    async def tick(self) -> TickReport:
        """Once a day, from ``SINAU_ASSIGNMENT_REMINDER_TIME`` and outside quiet hours: add the
        people who joined an audience, then queue one reminder per person due one today and
        move each member on to their next reminder day, in one transaction (a restart or a
        second instance decides nothing twice: the rows moved on, and the outbox key is unique
        per person and day)."""
        now = self.clock()
        local = now.astimezone(self.tz)
        report = TickReport()
        if self.quiet.contains(local.time()) or local.time() < self.send_time:
            return report
        async with self._tick_lock:
            async with self.db.transaction() as s:
                report = await self._tick(s, now)
        if report.enqueued or report.members_added:
            log.info(
                "assignment tick: %d members added, %d reminders queued, %d rows written",
                report.members_added,
                report.enqueued,
                report.rows_written,
            )
        return report

    async def _tick(self, s: AsyncSession, now: datetime) -> TickReport:
        report = TickReport(ran=True)
        today = now.astimezone(self.tz).date()
        report.rows_written += await self.refresh(s)
        if self._synced_on != today:
            report.members_added = await self.top_up(s, today, now)
            report.rows_written += report.members_added
        for assignment_id in await store.due_assignments(s, today):
            assignment = await s.get(Assignment, assignment_id)
            if assignment is None:
                continue
            report.assignments_due += 1
            m = cast_table(AssignmentMember)
            if assignment.status != store.ACTIVE:  # cancelled: nothing more to remind
                result = await s.execute(
                    update(m)
                    .where(m.c.assignment_id == assignment.id, m.c.next_remind_on.is_not(None))
                    .values(next_remind_on=None)
                )
                report.rows_written += int(result.rowcount or 0)  # type: ignore[attr-defined]
                continue
            report.rows_written += await self._move_completed(s, assignment, today)
            queued = await store.enqueue_reminders(s, assignment, today, now)
            report.enqueued += queued
            report.rows_written += queued
            report.rows_written += await store.move_reminded(s, assignment.id, today)
        self._synced_on = today
        return report

    async def top_up(self, s: AsyncSession, today: date, now: datetime) -> int:
        """Dynamic membership: everyone who entered an active assignment's audience since the
        last top-up, due ``join_days`` later. Only employees created or changed since then
        can have entered one (everyone in it when it was created is a member already), so
        after a start the bound is each assignment's creation: no scan of everyone."""
        found = await store.active(s)
        margin = timedelta(hours=1)
        if not found:
            self._synced_at = now
            return 0
        oldest = min(_utc(a.created_at) for a in found)
        watermark = max(oldest, self._synced_at) if self._synced_at else oldest
        if not await store.changed_since(s, watermark - margin):
            self._synced_at = now
            return 0
        added = 0
        for assignment in found:
            due = max(assignment.due_on, today + timedelta(days=assignment.join_days))
            bound = _utc(assignment.created_at)
            if self._synced_at is not None:
                bound = max(bound, self._synced_at)
            added += await self._add_members(
                s, assignment, due, today, now, changed_since=bound - margin
            )
        self._synced_at = now
        return added

    async def _move_completed(self, s: AsyncSession, assignment: Assignment, today: date) -> int:
        """Members due a reminder who completed: nothing left to remind (one-off), or on to
        their next cycle (recurring). Read from the stored completions (``refresh`` ran first
        in the same transaction), not the ledger."""
        if not store.target_modules(self.catalog, assignment):
            return 0
        months = assignment.recurrence_months
        if months is None:  # one set-based UPDATE: nothing left to remind those who completed
            return await store.stop_completed(s, assignment.id, today)
        since = self.since(months, today)
        assert since is not None
        moves: dict[tuple[date, date | None], list[int]] = {}
        for employee_id, member_due, completed in await store.completed_due(
            s, assignment.id, today, since
        ):
            day = _utc(completed).astimezone(self.tz).date()
            key = next_cycle(member_due, day, months, today)
            moves.setdefault(key, []).append(employee_id)
        return await store.move_completed(s, assignment.id, moves)

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
