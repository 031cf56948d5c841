"""The SQL of assignments, inside the caller's transaction: members, completions, the tick's
range scan and the compliance counts.

A completion is a passed module: its ledger credit (the first pass, in minutes) or any later
passed attempt (a refresher after a recurrence), whichever is latest. A path is completed when
each of its modules is; its completion day is the oldest of those latest passes, so a recurring
path counts only while every module was passed within the window.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, tzinfo
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    cast,
    distinct,
    func,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.assignments import next_reminder
from bot.core.content import Catalog
from bot.core.outgoing import MessageKind
from bot.store.audience import Audience, person_conditions
from bot.store.outbox import enqueue_from
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
    """The employees the assignment's audience holds now (registered, in service)."""
    return [in_service(), *person_conditions(audience_of(assignment))]


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


async def completion_days(
    s: AsyncSession,
    module_ids: Sequence[str],
    since: datetime | None,
    employees: Any,
    tz: tzinfo,
) -> dict[int, date]:
    """Each employee who completed the target since ``since``, with the completion day (the
    oldest of the modules' latest passes, in local time)."""
    if not module_ids:
        return {}
    p = passes(module_ids, since, employees)
    rows = await s.execute(
        select(p.c.employee_id, p.c.module_id, func.max(p.c.at)).group_by(
            p.c.employee_id, p.c.module_id
        )
    )
    latest: dict[int, dict[str, datetime]] = {}
    for employee_id, module_id, at in rows:
        if at is not None:
            latest.setdefault(employee_id, {})[module_id] = _aware(at)
    needed = set(module_ids)
    return {
        employee_id: min(by_module.values()).astimezone(tz).date()
        for employee_id, by_module in latest.items()
        if set(by_module) >= needed
    }


def _aware(value: datetime) -> datetime:
    from datetime import UTC

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
    values = {
        "assignment_id": literal(assignment.id),
        "employee_id": Employee.id,
        "due_on": literal(due),
        "joined_at": literal(now, UtcDateTime()),
        "next_remind_on": literal(next_reminder(due, today)),
    }
    rows = select(*values.values()).where(*where)
    statement = insert_for(s, m).from_select(list(values), rows).on_conflict_do_nothing()
    result = await s.execute(statement)
    return max(int(result.rowcount or 0), 0)  # type: ignore[attr-defined]


async def changed_since(s: AsyncSession, since: datetime) -> bool:
    """Whether any employee was created or changed since ``since`` (one look, no list)."""
    found = await s.scalar(select(Employee.id).where(Employee.updated_at >= since).limit(1))
    return found is not None


async def due_assignments(s: AsyncSession, today: date) -> list[int]:
    m = cast_table(AssignmentMember)
    rows = await s.scalars(select(m.c.assignment_id).where(m.c.next_remind_on <= today).distinct())
    return list(rows)


def due_members(assignment_id: int, today: date) -> Select[Any]:
    m = cast_table(AssignmentMember)
    return select(m.c.employee_id).where(
        m.c.assignment_id == assignment_id, m.c.next_remind_on <= today
    )


async def move_completed(
    s: AsyncSession, assignment_id: int, moves: dict[tuple[date, date | None], list[int]]
) -> int:
    """Members who completed: the next cycle's due date and reminder (recurring), or none."""
    m = cast_table(AssignmentMember)
    written = 0
    for (due, remind), employee_ids in moves.items():
        for chunk in _chunks(employee_ids, 500):
            result = await s.execute(
                update(m)
                .where(m.c.assignment_id == assignment_id, m.c.employee_id.in_(chunk))
                .values(due_on=due, next_remind_on=remind)
            )
            written += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return written


async def stop_completed(
    s: AsyncSession, assignment_id: int, module_ids: Sequence[str], today: date
) -> int:
    """Members of a one-off assignment due a reminder who completed (at any time): nothing
    left to remind, in one UPDATE."""
    m = cast_table(AssignmentMember)
    due = select(m.c.employee_id).where(
        m.c.assignment_id == assignment_id, m.c.next_remind_on <= today
    )
    result = await s.execute(
        update(m)
        .where(
            m.c.assignment_id == assignment_id,
            m.c.next_remind_on <= today,
            m.c.employee_id.in_(completed_select(module_ids, None, due)),
        )
        .values(next_remind_on=None)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def move_completed_once(s: AsyncSession, assignment_id: int, employee_ids: list[int]) -> int:
    """Members of a one-off assignment who completed: nothing left to remind."""
    m = cast_table(AssignmentMember)
    written = 0
    for chunk in _chunks(employee_ids, 500):
        result = await s.execute(
            update(m)
            .where(m.c.assignment_id == assignment_id, m.c.employee_id.in_(chunk))
            .values(next_remind_on=None)
        )
        written += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return written


async def enqueue_reminders(
    s: AsyncSession, assignment: Assignment, today: date, now: datetime
) -> int:
    """One outbox row per person and day (``assignment:<employee>:<day>``, unique): a second
    assignment due the same day adds nothing, so nobody gets two."""
    m = cast_table(AssignmentMember)
    e = cast_table(Employee)
    dedup_key = (
        literal(f"{MessageKind.ASSIGNMENT}:", String)
        + cast(m.c.employee_id, String)
        + literal(f":{today.isoformat()}", String)
    )
    statement = enqueue_from(
        s,
        kind=MessageKind.ASSIGNMENT,
        dedup_key=dedup_key,
        employee_id=m.c.employee_id,
        chat_id=e.c.telegram_id,
        source=m.join(e, e.c.id == m.c.employee_id),
        where=[
            m.c.assignment_id == assignment.id,
            m.c.next_remind_on <= today,
            e.c.is_active.is_(True),
            e.c.telegram_id.is_not(None),
            *audience_where(assignment),
        ],
        now=now,
    )
    result = await s.execute(statement)
    return max(int(result.rowcount or 0), 0)  # type: ignore[attr-defined]


async def move_reminded(s: AsyncSession, assignment_id: int, today: date) -> int:
    """Everyone still due moves on to their next reminder day, one UPDATE per due date."""
    m = cast_table(AssignmentMember)
    due = and_(m.c.assignment_id == assignment_id, m.c.next_remind_on <= today)
    written = 0
    for due_on in (await s.scalars(select(m.c.due_on).where(due).distinct())).all():
        following = next_reminder(due_on, date.fromordinal(today.toordinal() + 1))
        result = await s.execute(
            update(m)
            .where(due, m.c.due_on == due_on)
            .values(next_remind_on=following, last_reminded_on=today)
        )
        written += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return written


def _chunks(items: Sequence[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
