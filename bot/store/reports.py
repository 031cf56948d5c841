"""Set-based numbers for admin reports: per-OPD recap, JP by category, the per-employee list.

Each figure is one GROUP BY over the year's ledger rows, read through the covering index
``ix_jp_ledger_year_employee_cover`` (year, employee_id, category, minutes), so a province of
300,000 employees and millions of credits is summed by the database, never loaded as ORM objects.
The per-employee list is streamed row by row for the same reason.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.jp import Targets
from db.models import Employee, JpLedgerEntry

L = JpLedgerEntry
E = Employee


@dataclass(frozen=True, slots=True)
class OpdRecap:
    opd_code: str
    employees: int
    at_target: int
    total_minutes: int

    @property
    def average_minutes(self) -> int:
        """Rounded half up, as people round, not to even as ``round`` does."""
        if not self.employees:
            return 0
        return (2 * self.total_minutes + self.employees) // (2 * self.employees)

    @property
    def share(self) -> float:
        """The fraction (0..1) of employees who reached the target."""
        return self.at_target / self.employees if self.employees else 0.0


def _year_totals(year: int, opd_code: str | None = None) -> Select[int, int]:
    query = select(L.employee_id, func.sum(L.minutes).label("minutes")).where(L.year == year)
    if opd_code is not None:
        query = query.where(L.employee_id.in_(select(E.id).where(E.opd_code == opd_code)))
    return query.group_by(L.employee_id)


def target_of(targets: Targets) -> ColumnElement[int]:
    """Each employee's target in minutes, by kind."""
    return case((E.kind == "PPPK", targets.pppk), else_=targets.pns)


async def opd_recap(
    s: AsyncSession, year: int, targets: Targets, opd_code: str | None = None
) -> list[OpdRecap]:
    """Per OPD: employees registered, how many reached their target, total minutes; best share
    first. Employees with no credit count with 0 minutes (the outer join), so the share is
    honest.
    """
    totals = _year_totals(year, opd_code).subquery()
    minutes = func.coalesce(totals.c.minutes, 0)
    query = (
        select(
            E.opd_code,
            func.count(E.id),
            func.sum(case((minutes >= target_of(targets), 1), else_=0)),
            func.sum(minutes),
        )
        .select_from(E)
        .outerjoin(totals, totals.c.employee_id == E.id)
        .group_by(E.opd_code)
    )
    if opd_code is not None:
        query = query.where(E.opd_code == opd_code)
    rows = [
        OpdRecap(code, int(count), int(reached or 0), int(total or 0))
        for code, count, reached, total in await s.execute(query)
    ]
    rows.sort(key=lambda r: (-r.share, -r.average_minutes, r.opd_code))
    return rows


async def category_totals(
    s: AsyncSession, year: int, opd_code: str | None = None
) -> dict[str | None, int]:
    """Minutes per competency category in a year; None is outside trainings."""
    query = select(L.category, func.sum(L.minutes)).where(L.year == year)
    if opd_code is not None:
        query = query.where(L.employee_id.in_(select(E.id).where(E.opd_code == opd_code)))
    rows = await s.execute(query.group_by(L.category))
    return {category: int(total or 0) for category, total in rows}


async def employee_rows(
    s: AsyncSession, year: int, targets: Targets, opd_code: str
) -> AsyncIterator[dict[str, object]]:
    """One OPD's employees with their year's minutes (module, outside, total) and status."""
    per_employee = (
        select(
            L.employee_id,
            func.sum(case((L.source_kind == "module", L.minutes), else_=0)).label("module"),
            func.sum(case((L.source_kind != "module", L.minutes), else_=0)).label("external"),
        )
        .where(L.year == year, L.employee_id.in_(select(E.id).where(E.opd_code == opd_code)))
        .group_by(L.employee_id)
        .subquery()
    )
    module = func.coalesce(per_employee.c.module, 0)
    external = func.coalesce(per_employee.c.external, 0)
    query = (
        select(
            E.nip,
            E.name,
            E.unit_kerja,
            E.jabatan,
            E.golongan,
            E.kind,
            module.label("module"),
            external.label("external"),
        )
        .outerjoin(per_employee, per_employee.c.employee_id == E.id)
        .where(E.opd_code == opd_code)
        .order_by(E.name, E.nip)
    )
    result = await s.stream(query.execution_options(yield_per=2000))
    async for partition in result.partitions():  # one await per chunk, not per row
        for nip, name, unit, jabatan, golongan, kind, mod, ext in partition:
            total = int(mod) + int(ext)
            yield {
                "nip": nip,
                "name": name,
                "unit_kerja": unit,
                "jabatan": jabatan,
                "golongan": golongan,
                "kind": kind,
                "module_minutes": int(mod),
                "external_minutes": int(ext),
                "total_minutes": total,
                "reached": total >= targets.of(kind),
            }


async def course_records(
    s: AsyncSession, year: int, opd_code: str | None = None
) -> AsyncIterator[dict[str, object]]:
    """Every credit of the year with the SIASN course-record fields, for MyASN/SIASN feeds."""
    query = (
        select(
            E.nip,
            E.name,
            E.opd_code,
            L.title,
            L.organiser,
            L.activity_kind,
            L.minutes,
            L.started_on,
            L.ended_on,
            L.year,
            L.certificate_no,
            L.source_kind,
        )
        .join(E, E.id == L.employee_id)
        .where(L.year == year)
        .order_by(E.opd_code, E.nip, L.ended_on)
    )
    if opd_code is not None:
        query = query.where(E.opd_code == opd_code)
    result = await s.stream(query.execution_options(yield_per=2000))
    keys = (
        "nip",
        "name",
        "opd_code",
        "title",
        "organiser",
        "activity_kind",
        "minutes",
        "started_on",
        "ended_on",
        "year",
        "certificate_no",
        "source_kind",
    )
    async for partition in result.partitions():  # one await per chunk, not per row
        for row in partition:
            yield dict(zip(keys, row, strict=True))
