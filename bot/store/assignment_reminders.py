"""The SQL of the assignments' daily tick, inside the caller's transaction: the members due a
reminder today (a range scan of ``next_remind_on``), those who completed moved on or stopped,
one outbox row per person and day, and everyone else moved to their next reminder day. Its
own module: the tick's writes, apart from membership and completions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import String, and_, cast, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.assignments import next_reminder
from bot.core.outgoing import MessageKind
from bot.store.assignments import audience_where, chunks
from bot.store.outbox import enqueue_from
from db.dialects import cast_table
from db.models import Assignment, AssignmentMember, Employee


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
        for chunk in chunks(employee_ids, 500):
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
    for chunk in chunks(employee_ids, 500):
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
