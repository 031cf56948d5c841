"""Set-based numbers for admin reports: per-OPD recap, JP by category, the per-employee list,
review participation and the questions most often missed.

Each figure is one GROUP BY over the year's ledger rows, read through the covering index
``ix_jp_ledger_year_employee_cover`` (year, employee_id, category, minutes), so a province of
300,000 employees and millions of credits is summed by the database, never loaded as ORM objects.
The per-employee list is streamed row by row for the same reason.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, case, func, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.jp import Targets
from db.models import Employee, JpLedgerEntry, QuizAnswer, QuizAttempt, ReviewAnswer

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
            # The bot's own learning (modules, and review where it credits) against outside.
            func.sum(case((L.source_kind != "external", L.minutes), else_=0)).label("module"),
            func.sum(case((L.source_kind == "external", L.minutes), else_=0)).label("external"),
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
    async for nip, name, unit, jabatan, golongan, kind, mod, ext in result:
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
    async for row in result:
        yield dict(zip(keys, row, strict=True))


# --- Review: who keeps what they learned, and what is missed most ---------------------------------
@dataclass(frozen=True, slots=True)
class MissedQuestion:
    module_id: str
    question_id: str
    misses: int
    answers: int


async def review_participation(
    s: AsyncSession, since: datetime, opd_code: str | None = None
) -> dict[str, int]:
    """Per OPD: employees who answered at least one review question since ``since``."""
    R = ReviewAnswer
    reviewers = (
        select(R.employee_id)
        .where(R.answered_at >= since, R.kind == "review")
        .group_by(R.employee_id)
        .subquery()
    )
    query = (
        select(E.opd_code, func.count())
        .join(reviewers, reviewers.c.employee_id == E.id)
        .group_by(E.opd_code)
    )
    if opd_code is not None:
        query = query.where(E.opd_code == opd_code)
    return {code: int(count) for code, count in await s.execute(query)}


async def most_missed(
    s: AsyncSession, since: datetime, opd_code: str | None = None, limit: int = 5
) -> list[MissedQuestion]:
    """The questions answered wrong most often since ``since``, in quizzes and in reviews (not
    in practice, which repeats known mistakes), across the OPD or the province."""
    A, Q, R = QuizAttempt, QuizAnswer, ReviewAnswer
    quiz = (
        select(
            A.module_id.label("module_id"),
            Q.question_id.label("question_id"),
            Q.is_correct.label("is_correct"),
            A.employee_id.label("employee_id"),
        )
        .join(A, A.id == Q.attempt_id)
        .where(Q.answered_at >= since, Q.question_id.is_not(None))
    )
    review = select(
        R.module_id.label("module_id"),
        R.question_id.label("question_id"),
        R.is_correct.label("is_correct"),
        R.employee_id.label("employee_id"),
    ).where(R.answered_at >= since, R.kind == "review")
    answers = union_all(quiz, review).subquery()
    wrong = func.sum(case((answers.c.is_correct.is_(False), 1), else_=0))
    query = select(answers.c.module_id, answers.c.question_id, wrong, func.count())
    if opd_code is not None:
        query = query.join(E, E.id == answers.c.employee_id).where(E.opd_code == opd_code)
    query = (
        query.group_by(answers.c.module_id, answers.c.question_id)
        .having(wrong > 0)
        .order_by(wrong.desc(), answers.c.module_id, answers.c.question_id)
        .limit(limit)
    )
    return [
        MissedQuestion(module_id, question_id, int(misses), int(total))
        for module_id, question_id, misses, total in await s.execute(query)
    ]
