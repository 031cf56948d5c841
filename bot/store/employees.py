"""Employees: lookups, profile fields and the active flag."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import and_, bindparam, case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.people import clean_free_field, clean_golongan, clean_name
from bot.core.schedule import streak_grace
from db.dialects import cast_table
from db.models import Employee

__all__ = ["clean_free_field", "clean_golongan", "clean_name"]


async def by_telegram_id(session: AsyncSession, telegram_id: int) -> Employee | None:
    return await session.scalar(select(Employee).where(Employee.telegram_id == telegram_id))


async def by_nip(session: AsyncSession, nip: str) -> Employee | None:
    return await session.scalar(select(Employee).where(Employee.nip == nip))


async def set_active(session: AsyncSession, telegram_id: int, active: bool) -> bool:
    """Mark an employee (in)active, e.g. after they blocked the bot. True if a row changed."""
    result = await session.execute(
        update(Employee)
        .where(Employee.telegram_id == telegram_id, Employee.is_active.is_not(active))
        .values(is_active=active)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


# "This employee learned something now": the last activity, the active flag and the daily streak,
# as one prepared statement. The streak rule lives here only, and every path runs it (the hot
# paths on their connection, ``touch`` in a session): learning again on the streak's day keeps
# it, on a later day up to the next working day (weekends freeze it, ``streak_grace``) extends
# it, any later day starts it over at 1. Reading a streak is
# ``bot.core.schedule.current_streak``. Parameters: see ``touch_params``.
_E = cast_table(Employee)
TOUCH = (
    update(_E)
    .where(_E.c.id == bindparam("employee_id"))
    .values(
        last_activity_at=bindparam("now"),
        is_active=True,
        streak_days=case(
            (_E.c.streak_day == bindparam("today"), _E.c.streak_days),
            (
                and_(_E.c.streak_day >= bindparam("since"), _E.c.streak_day < bindparam("today")),
                _E.c.streak_days + 1,
            ),
            else_=1,
        ),
        streak_day=bindparam("today"),
    )
)


def touch_params(employee_id: int, now: datetime, tz: tzinfo) -> dict[str, Any]:
    today = now.astimezone(tz).date()
    return {
        "employee_id": employee_id,
        "now": now,
        "today": today,
        "since": streak_grace(today),
    }


async def touch(session: AsyncSession, employee: Employee, now: datetime, tz: tzinfo) -> None:
    """Learning activity: remember when, extend the daily streak, and count as active again.

    Runs ``TOUCH`` in the session's transaction; ``employee``'s loaded attributes are not
    refreshed.
    """
    await session.execute(TOUCH, touch_params(employee.id, now, tz))
