"""The SQL of assignments, inside the caller's transaction: members, completions, the tick's
range scan and the compliance counts.

A completion is a passed module: its ledger credit (the first pass, in minutes) or any later
passed attempt (a refresher after a recurrence), whichever is latest. A path is completed when
each of its modules is; its completion day is the oldest of those latest passes, so a recurring
path counts only while every module was passed within the window.

Each member's completion is also kept on ``assignment_members`` (``completed_at``, ``on_time``):
found when they become a member (``add_members``) and brought up to date after each pass
(``mark_passed`` in the quiz's transaction, then ``AssignmentService.refresh``), so that
compliance is a GROUP BY over the members instead of a join of the ledger.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    delete,
    distinct,
    false,
    func,
    insert,
    literal,
    null,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.assignments import due_at, next_reminder
from bot.core.content import Catalog
from bot.core.outgoing import MessageKind
from bot.store.audience import Audience, person_conditions
from bot.store.outbox import enqueue_from
from db.dialects import cast_table, insert_for
from db.models import (
    Assignment,
    AssignmentMark,
    AssignmentMember,
    AssignmentPending,
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


async def due_assignments(s: AsyncSession, today: date) -> list[int]:
    m = cast_table(AssignmentMember)
    rows = await s.scalars(select(m.c.assignment_id).where(m.c.next_remind_on <= today).distinct())
    return list(rows)


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


async def stop_completed(s: AsyncSession, assignment_id: int, today: date) -> int:
    """Members of a one-off assignment due a reminder who completed (at any time, as stored):
    nothing left to remind, in one UPDATE."""
    m = cast_table(AssignmentMember)
    result = await s.execute(
        update(m)
        .where(
            m.c.assignment_id == assignment_id,
            m.c.next_remind_on <= today,
            m.c.completed_at.is_not(None),
        )
        .values(next_remind_on=None)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def completed_due(
    s: AsyncSession, assignment_id: int, today: date, since: datetime
) -> list[tuple[int, date, datetime]]:
    """(employee, due date, completion) of the members due a reminder whose stored completion
    still counts (since ``since``)."""
    m = cast_table(AssignmentMember)
    rows = await s.execute(
        select(m.c.employee_id, m.c.due_on, m.c.completed_at).where(
            m.c.assignment_id == assignment_id,
            m.c.next_remind_on <= today,
            m.c.completed_at >= since,
        )
    )
    return [(int(e), d, c) for e, d, c in rows]


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


# The quiz's pass, in its transaction (a hot path): one INSERT of an indexed probe, and nothing
# for someone who is no assignment's member.
_pending_employee = bindparam("pending_employee", type_=Integer)
_members = cast_table(AssignmentMember)
MARK_PASSED = insert(cast_table(AssignmentPending)).from_select(
    ["employee_id"],
    select(_pending_employee).where(
        select(_members.c.employee_id).where(_members.c.employee_id == _pending_employee).exists()
    ),
)


def mark_passed_sync(conn: Connection, employee_id: int) -> None:
    """Note that ``employee_id`` passed a module: their completions are brought up to date
    before compliance is next counted (``AssignmentService.refresh``)."""
    conn.execute(MARK_PASSED, {"pending_employee": employee_id})


async def mark_passed(s: AsyncSession, employee_id: int) -> None:
    await s.execute(MARK_PASSED, {"pending_employee": employee_id})


async def pending(s: AsyncSession, limit: int) -> list[tuple[int, int]]:
    """(id, employee_id) of the oldest members to bring up to date."""
    rows = await s.execute(
        select(AssignmentPending.id, AssignmentPending.employee_id)
        .order_by(AssignmentPending.id)
        .limit(limit)
    )
    return [(int(i), int(e)) for i, e in rows]


async def forget_pending(s: AsyncSession, ids: Sequence[int]) -> None:
    """Delete exactly the rows read (one written meanwhile stays for the next refresh)."""
    for chunk in _chunks(ids, 500):
        await s.execute(delete(AssignmentPending).where(AssignmentPending.id.in_(chunk)))


async def set_completions(s: AsyncSession, rows: list[dict[str, Any]]) -> int:
    """``rows``: assignment, employee, completed (datetime or None), on_time (bool or None),
    started."""
    if not rows:
        return 0
    m = cast_table(AssignmentMember)
    statement = (
        update(m)
        .where(
            m.c.assignment_id == bindparam("b_assignment"),
            m.c.employee_id == bindparam("b_employee"),
        )
        .values(
            completed_at=bindparam("b_completed", type_=UtcDateTime()),
            on_time=bindparam("b_on_time"),
            started=bindparam("b_started"),
        )
    )
    await s.execute(statement, rows)
    return len(rows)


async def mark_value(s: AsyncSession, name: str) -> int:
    found = await s.scalar(select(AssignmentMark.value).where(AssignmentMark.name == name))
    return int(found or 0)


async def advance_mark(s: AsyncSession, name: str, value: int) -> None:
    """Move the mark forward (never back, whoever else moved it meanwhile)."""
    table = cast_table(AssignmentMark)
    await s.execute(insert_for(s, table).values(name=name, value=0).on_conflict_do_nothing())
    await s.execute(
        update(table).where(table.c.name == name, table.c.value < value).values(value=value)
    )


async def progress_since(s: AsyncSession, after: int, limit: int) -> list[tuple[int, int, str]]:
    """(id, employee_id, module_id) of the module starts recorded after ``after``."""
    rows = await s.execute(
        select(ModuleProgress.id, ModuleProgress.employee_id, ModuleProgress.module_id)
        .where(ModuleProgress.id > after)
        .order_by(ModuleProgress.id)
        .limit(limit)
    )
    return [(int(i), int(e), str(m)) for i, e, m in rows]


async def opened_modules(
    s: AsyncSession, employee_ids: Sequence[int], module_ids: Sequence[str]
) -> set[tuple[int, str]]:
    """(employee, module) of the given employees' module starts among ``module_ids``."""
    if not module_ids or not employee_ids:
        return set()
    rows = await s.execute(
        select(ModuleProgress.employee_id, ModuleProgress.module_id).where(
            ModuleProgress.employee_id.in_(employee_ids), ModuleProgress.module_id.in_(module_ids)
        )
    )
    return {(int(e), str(m)) for e, m in rows}


async def set_started(s: AsyncSession, assignment_id: int, employee_ids: Sequence[int]) -> int:
    m = cast_table(AssignmentMember)
    written = 0
    for chunk in _chunks(employee_ids, 500):
        result = await s.execute(
            update(m)
            .where(
                m.c.assignment_id == assignment_id,
                m.c.employee_id.in_(chunk),
                m.c.started.is_(False),
            )
            .values(started=True)
        )
        written += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return written


def _chunks(items: Sequence[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
