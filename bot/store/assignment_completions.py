"""The SQL that keeps each member's completion on ``assignment_members`` up to date, inside
the caller's transaction: the quiz's pass marks the employee pending (``mark_passed``), and
``AssignmentService.refresh`` reads the pending members and the module starts since its mark,
then writes their completions and starts. Its own module: the refresh's reads and writes,
apart from membership and the tick."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Integer, bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.assignments import chunks
from db.dialects import cast_table, insert_for
from db.models import (
    AssignmentMark,
    AssignmentMember,
    AssignmentPending,
    ModuleProgress,
    UtcDateTime,
)

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
    for chunk in chunks(ids, 500):
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
    for chunk in chunks(employee_ids, 500):
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
