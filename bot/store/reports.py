"""Set-based numbers for admin reports: per-OPD recap, JP by category, the per-employee list,
review participation and the questions most often missed.

Each figure is one GROUP BY over the year's ledger rows, read through the covering index
``ix_jp_ledger_year_employee_cover`` (year, employee_id, category, minutes), so a province of
300,000 employees and millions of credits is summed by the database, never loaded as ORM objects.
The per-employee list is streamed row by row for the same reason.

Only verified people count: an account waiting for verification records its minutes, but they
are in no total, report or export until an admin (or a matching phone) confirms the person; a
deactivated employee counts nowhere. When a roster is imported, each OPD's figures count its
roster employees (registered or not, verified or not) plus the verified employees outside it,
so an OPD's compliance does not look better the fewer of its staff register.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    and_,
    case,
    exists,
    extract,
    false,
    func,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.jp import Targets
from bot.core.siasn import jenis_kursus
from db.models import (
    Certificate,
    Employee,
    JpLedgerEntry,
    QuizAnswer,
    QuizAttempt,
    ReviewAnswer,
    RosterEntry,
)

L = JpLedgerEntry
E = Employee
R = RosterEntry
C = Certificate


def counted() -> ColumnElement[bool]:
    """An employee whose minutes count in official figures: verified, not deactivated."""
    return and_(E.verified_at.is_not(None), E.deactivated_at.is_(None))


@dataclass(frozen=True, slots=True)
class OpdRecap:
    opd_code: str
    employees: int  # the OPD's people: its roster (and verified others), or its verified ones
    at_target: int
    total_minutes: int
    registered: int = 0  # with an account
    verified: int = 0

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


def target_of(targets: Targets, kind: ColumnElement[str] | None = None) -> ColumnElement[int]:
    """Each employee's target in minutes, by kind."""
    return case(((E.kind if kind is None else kind) == "PPPK", targets.pppk), else_=targets.pns)


async def has_roster(s: AsyncSession) -> bool:
    return bool(await s.scalar(select(exists().where(R.nip.is_not(None)))))


def people(roster: bool, opd_code: str | None = None) -> Subquery:
    """Who an OPD's figures count, one row each: (opd_code, employee_id, nip, name, unit_kerja,
    jabatan, golongan, kind, registered, verified, listed).

    With a roster: every roster employee (as the roster records them), joined to their account
    if any, and the verified employees the roster does not list. Without one: the employees
    with an account, the verified ones counted.
    """
    bound = and_(E.telegram_id.is_not(None), E.deactivated_at.is_(None))
    if not roster:
        query = select(
            E.opd_code.label("opd_code"),
            E.id.label("employee_id"),
            E.nip.label("nip"),
            E.name.label("name"),
            E.unit_kerja.label("unit_kerja"),
            E.jabatan.label("jabatan"),
            E.golongan.label("golongan"),
            E.kind.label("kind"),
            bound.label("registered"),
            counted().label("verified"),
            false().label("listed"),
        ).where(E.deactivated_at.is_(None), bound | counted())
        if opd_code is not None:
            query = query.where(E.opd_code == opd_code)
        return query.subquery("people")
    listed = select(
        R.opd_code.label("opd_code"),
        E.id.label("employee_id"),
        R.nip.label("nip"),
        R.name.label("name"),
        R.unit_kerja.label("unit_kerja"),
        R.jabatan.label("jabatan"),
        R.golongan.label("golongan"),
        R.kind.label("kind"),
        and_(E.id.is_not(None), bound).label("registered"),
        and_(E.id.is_not(None), counted()).label("verified"),
        true().label("listed"),
    ).outerjoin(E, and_(E.nip == R.nip, E.deactivated_at.is_(None)))
    others = select(
        E.opd_code,
        E.id,
        E.nip,
        E.name,
        E.unit_kerja,
        E.jabatan,
        E.golongan,
        E.kind,
        bound,
        counted(),
        false(),
    ).where(counted(), ~exists().where(R.nip == E.nip))
    if opd_code is not None:
        listed = listed.where(R.opd_code == opd_code)
        others = others.where(E.opd_code == opd_code)
    return union_all(listed, others).subquery("people")


async def opd_recap(
    s: AsyncSession, year: int, targets: Targets, opd_code: str | None = None
) -> list[OpdRecap]:
    """Per OPD: its people, how many registered, were verified and reached their target, and
    the verified people's total minutes; best share first. People with no credit count with 0
    minutes (the outer join), so the share is honest.
    """
    roster = await has_roster(s)
    who = people(roster, opd_code)
    totals = _year_totals(year, opd_code).subquery()
    verified = who.c.verified
    minutes = case((verified, func.coalesce(totals.c.minutes, 0)), else_=0)
    reached = case((verified & (minutes >= target_of(targets, who.c.kind)), 1), else_=0)
    population = func.count() if roster else func.sum(case((verified, 1), else_=0))
    query = (
        select(
            who.c.opd_code,
            population,
            func.sum(reached),
            func.sum(minutes),
            func.sum(case((who.c.registered, 1), else_=0)),
            func.sum(case((verified, 1), else_=0)),
        )
        .select_from(who)
        .outerjoin(totals, totals.c.employee_id == who.c.employee_id)
        .group_by(who.c.opd_code)
    )
    rows = [
        OpdRecap(code, int(count or 0), int(at or 0), int(total or 0), int(reg or 0), int(ver or 0))
        for code, count, at, total, reg, ver in await s.execute(query)
    ]
    rows.sort(key=lambda r: (-r.share, -r.average_minutes, r.opd_code))
    return rows


async def category_totals(
    s: AsyncSession, year: int, opd_code: str | None = None
) -> dict[str | None, int]:
    """Minutes per competency category in a year, of verified people; None is outside
    trainings."""
    official = select(E.id).where(counted())
    if opd_code is not None:
        official = official.where(E.opd_code == opd_code)
    query = select(L.category, func.sum(L.minutes)).where(
        L.year == year, L.employee_id.in_(official)
    )
    rows = await s.execute(query.group_by(L.category))
    return {category: int(total or 0) for category, total in rows}


async def monthly_totals(s: AsyncSession, year: int, opd_code: str | None = None) -> dict[int, int]:
    """Minutes credited per month of a year (by the activity's end date, when a credit counts,
    as a learner's ``/jp`` shows it), of verified people: the trend of the province or an OPD.
    The same rows as ``category_totals``: the year's credits of the counted people."""
    official = select(E.id).where(counted())
    if opd_code is not None:
        official = official.where(E.opd_code == opd_code)
    month = extract("month", L.ended_on)
    query = select(month, func.sum(L.minutes)).where(L.year == year, L.employee_id.in_(official))
    rows = await s.execute(query.group_by(month))
    return {int(m): int(total or 0) for m, total in rows if m is not None}


async def employee_rows(
    s: AsyncSession, year: int, targets: Targets, opd_code: str
) -> AsyncIterator[dict[str, object]]:
    """One OPD's people with their year's minutes (module, outside, total) and state:
    ``reached`` or ``missing`` for the verified, ``pending`` (waiting for verification: no
    minutes counted) or ``unregistered`` (on the roster, no account yet)."""
    roster = await has_roster(s)
    who = people(roster, opd_code)
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
    verified = who.c.verified
    module = case((verified, func.coalesce(per_employee.c.module, 0)), else_=0)
    external = case((verified, func.coalesce(per_employee.c.external, 0)), else_=0)
    query = (
        select(
            who.c.nip,
            who.c.name,
            who.c.unit_kerja,
            who.c.jabatan,
            who.c.golongan,
            who.c.kind,
            module.label("module"),
            external.label("external"),
            who.c.registered,
            verified,
        )
        .select_from(who)
        .outerjoin(per_employee, per_employee.c.employee_id == who.c.employee_id)
        .order_by(who.c.name, who.c.nip)
    )
    if not roster:
        query = query.where(verified)
    result = await s.stream(query.execution_options(yield_per=2000))
    async for partition in result.partitions():  # one await per chunk, not per row
        for nip, name, unit, jabatan, golongan, kind, mod, ext, registered, ok in partition:
            total = int(mod) + int(ext)
            if not ok:
                state = "pending" if registered else "unregistered"
            else:
                state = "reached" if total >= targets.of(kind) else "missing"
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
                "reached": state == "reached",
                "state": state,
            }


async def course_records(
    s: AsyncSession, year: int, opd_code: str | None = None
) -> AsyncIterator[dict[str, object]]:
    """Every credit of the year of verified people, with the SIASN course-record fields, for
    MyASN/SIASN feeds: ``nomorSertipikat`` is the outside training's certificate number, or the
    number of the certificate the bot issued for a module; ``jenisKursus`` is a code of
    ``bot.core.siasn``."""
    issued = (
        select(C.certificate_no)
        .where(C.ledger_entry_id == L.id)
        .order_by(C.revision.desc())
        .limit(1)
        .scalar_subquery()
    )
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
            func.coalesce(L.certificate_no, issued),
            L.source_kind,
        )
        .join(E, E.id == L.employee_id)
        .where(L.year == year, counted())
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
            record = dict(zip(keys, row, strict=True))
            kind = jenis_kursus(str(record["source_kind"]), record["activity_kind"])
            record["activity_kind"] = kind
            yield record


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
