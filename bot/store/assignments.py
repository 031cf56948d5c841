"""The SQL of assignments, inside the caller's transaction: the audience, members, completions
read from the ledger and the compliance counts. The tick's writes are in
``bot/store/assignment_reminders.py``, the refresh of the stored completions in
``bot/store/assignment_completions.py``.

A completion is a passed module: its ledger credit (the first pass, in minutes) or any later
passed attempt (a refresher after a recurrence), whichever is latest. A path is completed when
each of its modules is; its completion day is the oldest of those latest passes, so a recurring
path counts only while every module was passed within the window.

Each member's completion is also kept on ``assignment_members`` (``completed_at``, ``on_time``):
found when they become a member (``add_members``) and brought up to date after each pass
(``assignment_completions.mark_passed`` in the quiz's transaction, then
``AssignmentService.refresh``), so that compliance is a GROUP BY over the members instead of a
join of the ledger.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    case,
    distinct,
    false,
    func,
    literal,
    null,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.assignments import due_at, next_reminder
from bot.core.content import Catalog
from bot.store.audience import Audience, person_conditions
from db.dialects import cast_table, insert_for
from db.models import (
    Assignment,
    AssignmentMember,
    Employee,
    JpLedgerEntry,
    ModuleProgress,
    QuizAttempt,
    UtcDateTime,
)

ACTIVE = "active"
CANCELLED = "cancelled"


def target_modules(catalog: Catalog, assignment: Assignment) -> tuple[str, ...]:
    """The modules an assignment's target needs passed (a path's that still exist)."""
    if assignment.target_kind == "path":
        path = catalog.path(assignment.target_id)
        return path.module_ids if path is not None else ()
    return (assignment.target_id,)


def audience_of(assignment: Assignment) -> Audience:
    return Audience.from_json(assignment.audience)


def in_service() -> ColumnElement[bool]:
    return Employee.deactivated_at.is_(None)


def audience_where(assignment: Assignment) -> list[ColumnElement[bool]]:
    """The employees the assignment's audience holds now: registered, in service and verified
    (an account whose person is not confirmed yet is not assigned, and counts in no report,
    as its minutes count in no official total)."""
    return [
        in_service(),
        Employee.verified_at.is_not(None),
        *person_conditions(audience_of(assignment)),
    ]


def local_start(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def passes(module_ids: Sequence[str], since: datetime | None, employees: Any | None = None) -> Any:
    """(employee_id, module_id, at) of every pass of ``module_ids`` since ``since``."""
    ledger = select(
        JpLedgerEntry.employee_id.label("employee_id"),
        JpLedgerEntry.source_id.label("module_id"),
        JpLedgerEntry.credited_at.label("at"),
    ).where(JpLedgerEntry.source_kind == "module", JpLedgerEntry.source_id.in_(module_ids))
    attempts = select(
        QuizAttempt.employee_id.label("employee_id"),
        QuizAttempt.module_id.label("module_id"),
        QuizAttempt.finished_at.label("at"),
    ).where(QuizAttempt.passed.is_(True), QuizAttempt.module_id.in_(module_ids))
    if since is not None:
        ledger = ledger.where(JpLedgerEntry.credited_at >= since)
        attempts = attempts.where(QuizAttempt.finished_at >= since)
    if employees is not None:
        ledger = ledger.where(JpLedgerEntry.employee_id.in_(employees))
        attempts = attempts.where(QuizAttempt.employee_id.in_(employees))
    return union_all(ledger, attempts).subquery("passes")


def completed_select(
    module_ids: Sequence[str], since: datetime | None, employees: Any | None = None
) -> Select[Any]:
    """The employees who passed every module of ``module_ids`` since ``since``."""
    p = passes(module_ids, since, employees)
    return (
        select(p.c.employee_id)
        .group_by(p.c.employee_id)
        .having(func.count(distinct(p.c.module_id)) == len(set(module_ids)))
    )


def completions(module_ids: Sequence[str], employees: Any | None = None) -> Any:
    """(employee_id, completed_at, finished_at) of each employee who ever passed every module
    of ``module_ids``: ``completed_at`` the oldest of the modules' latest passes (the one that
    decides the recurrence window), ``finished_at`` the latest (the day the target was done)."""
    p = passes(module_ids, None, employees)
    latest = (
        select(p.c.employee_id, p.c.module_id, func.max(p.c.at).label("at"))
        .group_by(p.c.employee_id, p.c.module_id)
        .subquery("latest")
    )
    return (
        select(
            latest.c.employee_id,
            func.min(latest.c.at).label("completed_at"),
            func.max(latest.c.at).label("finished_at"),
        )
        .group_by(latest.c.employee_id)
        .having(func.count() == len(set(module_ids)))
        .subquery("completions")
    )


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


async def started_modules(s: AsyncSession, employee_id: int) -> set[str]:
    rows = await s.scalars(
        select(ModuleProgress.module_id).where(ModuleProgress.employee_id == employee_id)
    )
    return set(rows)


async def active(s: AsyncSession) -> list[Assignment]:
    rows = await s.scalars(
        select(Assignment).where(Assignment.status == ACTIVE).order_by(Assignment.due_on)
    )
    return list(rows)


async def add_members(
    s: AsyncSession,
    assignment: Assignment,
    due: date,
    today: date,
    now: datetime,
    *,
    changed_since: datetime | None = None,
    employee_id: int | None = None,
    modules: Sequence[str] = (),
    tz: tzinfo = UTC,
) -> int:
    """Assign everyone in the audience not assigned yet, due ``due``: one INSERT ... SELECT
    (the unique key makes a repeat add nobody twice). ``changed_since`` narrows it to employees
    created or changed since (the daily top-up of people who joined the audience)."""
    m = cast_table(AssignmentMember)
    where = [
        *audience_where(assignment),
        ~select(m.c.employee_id)
        .where(m.c.assignment_id == assignment.id, m.c.employee_id == Employee.id)
        .exists(),
    ]
    if changed_since is not None:
        where.append(Employee.updated_at >= changed_since)
    if employee_id is not None:
        where.append(Employee.id == employee_id)
    # A completion made before they became members counts (if within the window when read):
    # the target's completions among the employees added, joined once.
    narrow = None
    if changed_since is not None or employee_id is not None:
        narrow = select(Employee.id).where(*where)
    if modules:
        done = completions(modules, narrow)
        completed_at: Any = done.c.completed_at
        on_time: Any = case(
            (done.c.finished_at.is_(None), null()),
            (done.c.finished_at <= literal(due_at(due, tz), UtcDateTime()), true()),
            else_=false(),
        )
    else:
        done, completed_at, on_time = None, literal(None, UtcDateTime()), null()
    started: Any = false()
    if modules:
        started = (
            select(ModuleProgress.id)
            .where(ModuleProgress.employee_id == Employee.id, ModuleProgress.module_id.in_(modules))
            .exists()
        )
    values = {
        "assignment_id": literal(assignment.id),
        "employee_id": Employee.id,
        "due_on": literal(due),
        "joined_at": literal(now, UtcDateTime()),
        "next_remind_on": literal(next_reminder(due, today)),
        "completed_at": completed_at,
        "on_time": on_time,
        "started": started,
    }
    rows = select(*values.values()).where(*where)
    if done is not None:
        rows = rows.select_from(Employee).outerjoin(done, done.c.employee_id == Employee.id)
    # In the members' key order: one assignment's rows stay together in the table, as the
    # tick's and the report's scans by assignment read them.
    rows = rows.order_by(Employee.id)
    statement = insert_for(s, m).from_select(list(values), rows).on_conflict_do_nothing()
    result = await s.execute(statement)
    return max(int(result.rowcount or 0), 0)  # type: ignore[attr-defined]


async def changed_since(s: AsyncSession, since: datetime) -> bool:
    """Whether any employee was created or changed since ``since`` (one look, no list)."""
    found = await s.scalar(select(Employee.id).where(Employee.updated_at >= since).limit(1))
    return found is not None


def chunks(items: Sequence[int], size: int) -> Iterable[list[int]]:
    """``items`` in lists of at most ``size`` (for the IN lists of the UPDATEs and DELETEs)."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
