"""The ledger of competency hours, in minutes: idempotent credits and per-year summaries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.dialects import PerDialect, cast_table
from db.models import JpLedgerEntry


@dataclass(frozen=True, slots=True)
class Credit:
    """What to write into the ledger; ``source_kind`` + ``source_id`` make it unique per person."""

    employee_id: int
    year: int
    minutes: int
    source_kind: str
    source_id: str
    title: str
    category: str | None
    activity_kind: str
    organiser: str
    started_on: date
    ended_on: date
    evidence: dict[str, Any]
    credited_at: datetime
    certificate_no: str | None = None


@dataclass(frozen=True, slots=True)
class YearSummary:
    year: int
    minutes: int
    entries: list[JpLedgerEntry]


async def credit(session: AsyncSession, item: Credit) -> bool:
    """Insert a credit unless the same source was credited before. True if it was new.

    The unique constraint (employee, source kind, source id) is what makes this idempotent, also
    between two processes racing: the database, not our code, decides who wins.
    """
    return await session.run_sync(lambda s: credit_sync(s.connection(), item))


def credit_sync(conn: Connection, item: Credit) -> bool:
    """``credit`` for synchronous code (``Database.run``: the quiz's last answer)."""
    inserted = conn.execute(_CREDIT.for_(conn), _values(item)).scalar_one_or_none()
    return inserted is not None


def credit_or_raise_sync(conn: Connection, item: Credit) -> None:
    """A credit that may grow (a day of review): inserted once, later only ever raised, with the
    evidence of the larger figure. Unique per source like every credit."""
    conn.execute(_RAISE.for_(conn), _values(item))


def _values(item: Credit) -> dict[str, Any]:
    return {
        "employee_id": item.employee_id,
        "year": item.year,
        "minutes": item.minutes,
        "source_kind": item.source_kind,
        "source_id": item.source_id,
        "title": item.title,
        "category": item.category,
        "activity_kind": item.activity_kind,
        "organiser": item.organiser,
        "started_on": item.started_on,
        "ended_on": item.ended_on,
        "certificate_no": item.certificate_no,
        "evidence": item.evidence,
        "credited_at": item.credited_at,
    }


async def year_minutes(session: AsyncSession, employee_id: int, year: int) -> int:
    return await session.run_sync(lambda s: year_minutes_sync(s.connection(), employee_id, year))


def year_minutes_sync(conn: Connection, employee_id: int, year: int) -> int:
    total = conn.execute(_YEAR_TOTAL, {"employee_id": employee_id, "year": year}).scalar()
    return int(total or 0)


# Prepared once (the quiz's last answer is a hot path): each use finds the compiled form cached.
_ledger = cast_table(JpLedgerEntry)
_CREDIT = PerDialect(
    lambda insert: (
        insert(_ledger)
        .on_conflict_do_nothing(index_elements=["employee_id", "source_kind", "source_id"])
        .returning(_ledger.c.id)
    )
)
_RAISE = PerDialect(
    lambda insert: (statement := insert(_ledger)).on_conflict_do_update(
        index_elements=["employee_id", "source_kind", "source_id"],
        set_={
            "minutes": statement.excluded.minutes,
            "evidence": statement.excluded.evidence,
            "category": statement.excluded.category,
            "credited_at": statement.excluded.credited_at,
        },
        where=_ledger.c.minutes < statement.excluded.minutes,
    )
)
_YEAR_TOTAL = select(func.coalesce(func.sum(_ledger.c.minutes), 0)).where(
    _ledger.c.employee_id == bindparam("employee_id"), _ledger.c.year == bindparam("year")
)


async def year_summary(session: AsyncSession, employee_id: int, year: int) -> YearSummary:
    rows = (
        await session.scalars(
            select(JpLedgerEntry)
            .where(JpLedgerEntry.employee_id == employee_id, JpLedgerEntry.year == year)
            .order_by(JpLedgerEntry.ended_on.desc(), JpLedgerEntry.id.desc())
        )
    ).all()
    return YearSummary(year=year, minutes=sum(row.minutes for row in rows), entries=list(rows))


async def years_with_credits(session: AsyncSession, employee_id: int) -> list[int]:
    years = await session.scalars(
        select(JpLedgerEntry.year)
        .where(JpLedgerEntry.employee_id == employee_id)
        .distinct()
        .order_by(JpLedgerEntry.year.desc())
    )
    return list(years)


async def year_totals(
    session: AsyncSession, employee_ids: Sequence[int], year: int
) -> dict[int, int]:
    """Minutes per employee for one year, in one query; absent means zero."""
    if not employee_ids:
        return {}
    rows = await session.execute(
        select(JpLedgerEntry.employee_id, func.sum(JpLedgerEntry.minutes))
        .where(JpLedgerEntry.employee_id.in_(employee_ids), JpLedgerEntry.year == year)
        .group_by(JpLedgerEntry.employee_id)
    )
    return {employee_id: int(total or 0) for employee_id, total in rows}
