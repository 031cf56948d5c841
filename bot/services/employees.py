"""Employees: lookups, profile fields and the active flag."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Employee

NAME_PATTERN = re.compile(r"^[^\W\d_][\w .,'’\-]{1,119}$", re.UNICODE)
FREE_FIELD_PATTERN = re.compile(r"^\S.{1,119}$", re.DOTALL)
PNS_GOLONGAN = re.compile(r"^(I|II|III|IV)/([a-e])$", re.IGNORECASE)
PPPK_GOLONGAN = "I II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI XVII".split()


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


# "This employee did something now": one prepared statement for the hot paths, which run Core
# statements on a connection instead of loading the employee. Parameters: employee_id, now.
TOUCH = (
    update(Employee.__table__)
    .where(Employee.__table__.c.id == bindparam("employee_id"))
    .values(last_activity_at=bindparam("now"), is_active=True)
)


async def touch(session: AsyncSession, employee: Employee, now: datetime) -> None:
    employee.last_activity_at = now
    if not employee.is_active:
        employee.is_active = True


def clean_name(raw: str) -> str | None:
    """A person's name, tidied; None if it cannot be a name."""
    name = " ".join(raw.split())
    if not NAME_PATTERN.match(name) or sum(ch.isalpha() for ch in name) < 2:
        return None
    return name


def clean_free_field(raw: str) -> str | None:
    value = " ".join(raw.split())
    if not FREE_FIELD_PATTERN.match(value):
        return None
    return value


def clean_golongan(raw: str, kind: str) -> str | None:
    """``"iii/a"`` -> ``"III/a"``; PPPK grades are roman numerals I-XVII."""
    value = raw.strip().replace(" ", "")
    match = PNS_GOLONGAN.match(value)
    if match:
        grade, room = match.group(1).upper(), match.group(2).lower()
        if room == "e" and grade != "IV":
            return None
        return f"{grade}/{room}"
    if value.upper() in PPPK_GOLONGAN and kind == "PPPK":
        return value.upper()
    return None
