"""The Mini App dashboard's use cases, on the same rules as the chat.

Who the caller is comes from the signed ``initData`` (``bot.core.webapp_auth``, checked by the
web adapter); what they may see is decided here on every call, inside the call's transaction,
by ``bot.services.roles`` exactly as for ``/laporan`` and ``/pegawai``: a superadmin sees the
province and every OPD, an OPD admin their own OPD, a learner only their own hours. The figures
are the chat's: ``bot.store.reports`` for the recap and the per-employee states, ``HoursService``
and ``bot.services.hours_files`` for a learner's year.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.core.assignments import Standing
from bot.core.clock import Clock
from bot.core.content import Catalog
from bot.core.errors import NotAllowed, Refusal
from bot.core.jp import JpScale, Targets, claim_text
from bot.core.nip import NipError, parse_nip
from bot.documents.verification import format_code
from bot.services import hours_files
from bot.services.assignments import AssignmentService, Counts, LearnerItem
from bot.services.audit import audit_view
from bot.services.hours import HoursService
from bot.services.learning import LearningService
from bot.services.roles import Actor, actor_in, require_admin, require_scope
from bot.store import employees, ledger, reports
from db.models import Assignment, Certificate, Employee, ExternalTraining
from db.session import Database

log = logging.getLogger(__name__)
REVIEW_WINDOW = timedelta(days=30)
# The province's recap sums every credit of the year (seconds at 300,000 employees on SQLite):
# it is kept this long per process and refreshed in the background after that, so a superadmin
# gets it at once, at most this old (the answer says when it was computed). The role is checked
# on every request all the same; an agency's figures are always read fresh.
PROVINCE_FRESH_SECONDS = 60.0
REPORTS_SHOWN = 50  # an employee's latest outside-training reports
PAGE_MAX = 200  # employees in one answer: a phone shows a page, the search finds the rest
STATES = ("reached", "missing", "pending", "unregistered")
# The ledger's evidence the page shows: the quiz's score and tries, the time on the cards and
# in the quiz, the content version; for an outside training, who verified it and when.
EVIDENCE = (
    "score",
    "correct",
    "questions",
    "attempts",
    "reading_seconds",
    "quiz_seconds",
    "content_version",
    "completed_at",
    "jp_on_certificate",
    "verified_at",
)


@dataclass(frozen=True, slots=True)
class ProvinceFigures:
    """The province's answer as computed (kept ``PROVINCE_FRESH_SECONDS``): the recap, the
    year's monthly trend, and each OPD's members of the active assignments."""

    started: float
    as_of: str
    rows: list[reports.OpdRecap]
    months: dict[int, int]
    assignments: dict[str, Counts]


def _assignment_json(item: LearnerItem) -> dict[str, Any]:
    """An assignment as one person stands in it (the assignments service decides the standing)."""
    return {
        "id": item.assignment_id,
        "title": item.title,
        "kind": item.target_kind,
        "standing": item.status.standing.value,
        "due_on": item.status.due.isoformat(),
        "completed_on": item.status.completed.isoformat() if item.status.completed else None,
        "recurring": item.recurring,
    }


def _sum_counts(found: Any) -> Counts:
    items = list(found)
    return Counts(
        sum(c.members for c in items),
        sum(c.completed for c in items),
        sum(c.in_progress for c in items),
        sum(c.overdue for c in items),
    )


def _counts_json(counts: Counts) -> dict[str, Any]:
    return {
        "members": counts.members,
        "completed": counts.completed,
        "in_progress": counts.in_progress,
        "overdue": counts.overdue,
        "share": round(counts.share(), 4) if counts.members else None,
    }


class NotRegistered(Exception):
    """A signed Telegram user who is neither an employee nor an admin: nothing to show."""


@dataclass(frozen=True, slots=True)
class Caller:
    telegram_id: int
    actor: Actor | None  # None: a learner
    employee_id: int | None
    name: str
    opd_code: str | None


class DashboardService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        catalog: Catalog,
        admin_ids: frozenset[int],
        targets: Targets,
        scale: JpScale,
        hours: HoursService,
        assignments: AssignmentService | None = None,
        learning: LearningService | None = None,
    ) -> None:
        self.db = db
        self.assignments = assignments
        self.learning = learning
        self.clock = clock
        self.catalog = catalog
        self.admin_ids = admin_ids
        self.targets = targets
        self.scale = scale
        self.hours = hours
        self.monotonic: Callable[[], float] = time.monotonic
        self._province: dict[int, ProvinceFigures] = {}
        self._province_locks: dict[int, asyncio.Lock] = {}
        self._refreshing: dict[int, asyncio.Task[None]] = {}
        # The assignments service's compliance report (every active assignment's counts per
        # OPD): kept and refreshed as the province's recap is, for the province and the agencies.
        self._compliance: tuple[float, str, list[tuple[Assignment, dict[str | None, Counts]]]]
        self._compliance = (0.0, "", [])
        self._compliance_kept = False
        self._compliance_lock = asyncio.Lock()
        self._compliance_task: asyncio.Task[None] | None = None

    def _name(self, opd_code: str) -> str:
        opd = self.catalog.opds.get(opd_code)
        return opd.name if opd is not None else opd_code

    async def caller(self, telegram_id: int) -> Caller:
        """Who the signed user is right now (``NotRegistered`` when nobody)."""
        async with self.db.transaction() as s:
            actor = await actor_in(s, telegram_id, self.admin_ids)
            employee = await employees.by_telegram_id(s, telegram_id)
        if employee is not None and not employee.is_active and actor is None:
            employee = None
        if actor is None and employee is None:
            raise NotRegistered
        return Caller(
            telegram_id,
            actor,
            employee.id if employee else None,
            employee.name if employee else "",
            employee.opd_code if employee else None,
        )

    async def me(self, telegram_id: int) -> dict[str, Any]:
        caller = await self.caller(telegram_id)
        actor = caller.actor
        role = "learner" if actor is None else actor.role.value
        return {
            "role": role,
            "name": caller.name,
            "opd": actor.opd_code if actor is not None else caller.opd_code,
            "opd_name": self._name(actor.opd_code) if actor and actor.opd_code else None,
            "year": self.hours.current_year(),
            "minutes_per_jp": self.scale.minutes_per_jp,
            "timezone": self.hours.tz.key,
            "has_hours": caller.employee_id is not None,
        }

    def _recap_json(self, r: reports.OpdRecap, assigned: Counts | None = None) -> dict[str, Any]:
        counts = assigned or Counts()
        return {
            "opd": r.opd_code,
            "name": self._name(r.opd_code),
            "employees": r.employees,
            "registered": r.registered,
            "verified": r.verified,
            "at_target": r.at_target,
            "share": round(r.share, 4),
            "minutes": r.total_minutes,
            # Required learning (the active assignments' members in the OPD): completed of
            # assigned, None where nobody is assigned anything.
            "assigned": counts.members,
            "assigned_done": counts.completed,
            "overdue": counts.overdue,
            "compliance": round(counts.share(), 4) if counts.members else None,
        }

    async def province(self, telegram_id: int, year: int) -> dict[str, Any]:
        """Every OPD's recap, as the ``/laporan`` ranking: superadmins only."""
        async with self.db.transaction() as s:
            require_scope(await require_admin(s, telegram_id, self.admin_ids), None)
        cached = self._province.get(year)
        if cached is None:
            async with self._province_locks.setdefault(year, asyncio.Lock()):
                cached = self._province.get(year) or await self._compute_province(year)
        elif self.monotonic() - cached.started > PROVINCE_FRESH_SECONDS:
            self._refresh_province(year)
        assigned = cached.assignments
        return {
            "year": year,
            "as_of": cached.as_of,
            "agencies": [self._recap_json(r, assigned.get(r.opd_code)) for r in cached.rows],
            "months": {str(m): v for m, v in sorted(cached.months.items())},
            "assignments": _counts_json(_sum_counts(assigned.values())),
        }

    async def _compute_province(self, year: int) -> ProvinceFigures:
        started = self.monotonic()
        async with self.db.transaction() as s:
            rows = await reports.opd_recap(s, year, self.targets)
            months = await reports.monthly_totals(s, year)
        assigned: dict[str, list[Counts]] = {}
        for _assignment, per_opd in (await self._assignment_compliance())[1]:
            for opd, counts in per_opd.items():
                if opd is not None:
                    assigned.setdefault(opd, []).append(counts)
        entry = ProvinceFigures(
            started,
            self.clock().isoformat(timespec="seconds"),
            rows,
            months,
            {opd: _sum_counts(found) for opd, found in assigned.items()},
        )
        self._province[year] = entry
        return entry

    def _refresh_province(self, year: int) -> None:
        if year in self._refreshing:
            return  # one refresh at a time
        lock = self._province_locks.setdefault(year, asyncio.Lock())

        async def refresh() -> None:
            try:
                async with lock:
                    await self._compute_province(year)
            except Exception:  # the stale figures stay; a later request tries again
                log.exception("dashboard: the province recap of %s was not refreshed", year)
            finally:
                self._refreshing.pop(year, None)

        self._refreshing[year] = asyncio.get_running_loop().create_task(refresh())

    async def settle(self) -> None:
        """Wait for the background refreshes under way (tests, shutdown)."""
        tasks = [*self._refreshing.values(), *filter(None, [self._compliance_task])]
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _assignment_compliance(
        self,
    ) -> tuple[str, list[tuple[Assignment, dict[str | None, Counts]]]]:
        """(when it was computed, ``AssignmentService.compliance()``): computed on first use,
        then served at once and refreshed in the background once older than
        ``PROVINCE_FRESH_SECONDS`` (it counts every active assignment's members)."""
        if self.assignments is None:
            return "", []
        if not self._compliance_kept:
            async with self._compliance_lock:
                if not self._compliance_kept:
                    await self._compute_compliance()
        elif (
            self.monotonic() - self._compliance[0] > PROVINCE_FRESH_SECONDS
            and self._compliance_task is None
        ):

            async def refresh() -> None:
                try:
                    async with self._compliance_lock:
                        await self._compute_compliance()
                except Exception:  # the kept figures stay; a later request tries again
                    log.exception("dashboard: the assignments' compliance was not refreshed")
                finally:
                    self._compliance_task = None

            self._compliance_task = asyncio.get_running_loop().create_task(refresh())
        return self._compliance[1], self._compliance[2]

    async def _compute_compliance(self) -> None:
        assert self.assignments is not None
        started = self.monotonic()
        found = await self.assignments.compliance()
        self._compliance = (started, self.clock().isoformat(timespec="seconds"), found)
        self._compliance_kept = True

    async def agency(
        self,
        telegram_id: int,
        opd_code: str,
        year: int,
        *,
        query: str = "",
        state: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> dict[str, Any]:
        """One OPD: its recap, its people with their state (searchable by name or NIP, and
        filtered by state), and its most-missed questions. Scoped as ``/laporan <OPD>``."""
        if opd_code not in self.catalog.opds:
            raise LookupError(opd_code)
        needle = query.strip().casefold()
        async with self.db.transaction() as s:  # the role first: nothing is computed for others
            require_scope(await require_admin(s, telegram_id, self.admin_ids), opd_code)
        compliance_as_of, compliance = await self._assignment_compliance()
        limit = max(1, min(limit, PAGE_MAX))
        async with self.db.transaction() as s:
            actor = await require_admin(s, telegram_id, self.admin_ids)
            require_scope(actor, opd_code)
            recap = await reports.opd_recap(s, year, self.targets, opd_code)
            missed = await reports.most_missed(s, self.clock() - REVIEW_WINDOW, opd_code)
            counts = dict.fromkeys(STATES, 0)
            matched = 0
            people: list[dict[str, Any]] = []
            async for row in reports.employee_rows(s, year, self.targets, opd_code):
                counts[str(row["state"])] += 1
                if state is not None and row["state"] != state:
                    continue
                if needle and needle not in str(row["name"]).casefold():
                    if not str(row["nip"] or "").startswith(needle):
                        continue
                matched += 1
                if offset < matched <= offset + limit:
                    people.append(
                        {
                            "nip": row["nip"],
                            "name": row["name"],
                            "kind": row["kind"],
                            "module_minutes": row["module_minutes"],
                            "external_minutes": row["external_minutes"],
                            "minutes": row["total_minutes"],
                            "target": self.targets.of(str(row["kind"])),
                            "state": row["state"],
                        }
                    )
            # Who is overdue: asked of the assignments service for the page's people, unless
            # the compliance report (a minute old at most) has nobody overdue in this OPD.
            late = any(c.overdue for _, per_opd in compliance if (c := per_opd.get(opd_code)))
            await self._overdue_on_page(s, people if late else [])
            for person in people:
                person.setdefault("overdue", [])
            # Names and NIPs of an OPD: an audited view of personal data, as the export is.
            await audit_view(s, self.clock, actor, None, "webapp.agency", opd=opd_code)
        # The role and the scope were checked above; the figures are the compliance report's.
        assignments = [
            {"id": a.id, "title": a.title, "due_on": a.due_on.isoformat(), **_counts_json(c)}
            for a, per_opd in compliance
            if (c := per_opd.get(opd_code)) is not None
        ]
        return {
            "year": year,
            "opd": opd_code,
            "name": self._name(opd_code),
            "recap": self._recap_json(recap[0]) if recap else None,
            "states": counts,
            "matched": matched,
            "employees": people,
            "missed": [self._missed_json(m) for m in missed],
            "assignments": assignments,
            "assignments_as_of": compliance_as_of or None,
        }

    async def _overdue_on_page(self, s: Any, people: list[dict[str, Any]]) -> None:
        """Each listed employee's overdue assignments (titles), as the assignments service
        stands them: read for the page shown only (at most ``PAGE_MAX`` people)."""
        for person in people:
            person["overdue"] = []
        if self.assignments is None or not people:
            return
        nips = [p["nip"] for p in people if p["nip"]]
        found = await s.scalars(select(Employee).where(Employee.nip.in_(nips)))
        by_nip = {e.nip: e for e in found}
        for person in people:
            employee = by_nip.get(person["nip"])
            if employee is None:
                continue  # on the roster, not registered: assigned nothing yet
            items = await self.assignments.items_for(s, employee)
            person["overdue"] = [i.title for i in items if i.status.standing is Standing.OVERDUE]

    def _missed_json(self, missed: reports.MissedQuestion) -> dict[str, Any]:
        module = self.catalog.modules.get(missed.module_id)
        question = module.question(missed.question_id) if module is not None else None
        return {
            "module": module.title if module else missed.module_id,
            "question": question.question if question else missed.question_id,
            "misses": missed.misses,
            "answers": missed.answers,
        }

    async def employee(self, telegram_id: int, raw_nip: str, year: int) -> dict[str, Any]:
        """One employee's ledger of the year with its evidence, for the admins of their OPD."""
        try:
            nip = parse_nip(raw_nip, today=self.clock().date()).digits
        except NipError:
            raise LookupError(raw_nip) from None
        async with self.db.transaction() as s:
            actor = await require_admin(s, telegram_id, self.admin_ids)
            employee = await employees.by_nip(s, nip)
            if employee is None:
                raise LookupError(raw_nip)
            require_scope(actor, employee.opd_code)
            summary = await ledger.year_summary(s, employee.id, year)
            items = await self.assignments.items_for(s, employee) if self.assignments else []
            certificates = await _certificates(s, employee.id)
            trainings = await s.scalars(
                select(ExternalTraining)
                .where(ExternalTraining.employee_id == employee.id)
                .order_by(ExternalTraining.submitted_at.desc(), ExternalTraining.id.desc())
                .limit(REPORTS_SHOWN)
            )
            reports_json = [_report_json(r) for r in trainings]
            await audit_view(s, self.clock, actor, employee.id, "webapp.employee")
            return {
                "year": year,
                "nip": employee.nip,
                "name": employee.name,
                "opd": employee.opd_code,
                "opd_name": self._name(employee.opd_code),
                "verified": employee.verified_at is not None,
                "minutes": summary.minutes,
                "target": self.targets.of(employee.kind),
                "entries": [_entry_json(e) for e in summary.entries],
                "assignments": [_assignment_json(i) for i in items],
                "certificates": certificates,
                "reports": reports_json,
            }

    async def learner(self, telegram_id: int, year: int) -> dict[str, Any]:
        """The caller's own year: against their target, by month and by source (as ``/jp``)."""
        view = await self.hours.view(telegram_id, year)
        if view is None:
            raise NotAllowed(Refusal.ADMIN_ONLY)  # an admin without an employee record
        module, external = hours_files.by_source(view)
        async with self.db.transaction() as s:
            certificates = await _certificates(s, view.employee.id)
        items = await self.assignments.for_learner(telegram_id) if self.assignments else None
        overview = await self.learning.overview(telegram_id) if self.learning else None
        paths = [
            {
                "id": p.path.id,
                "title": p.path.title,
                "done": p.done,
                "total": p.total,
                "followed": p.followed,
                "next": p.next.title if p.next is not None else None,
            }
            for p in (overview.paths if overview is not None else ())
        ]
        return {
            "year": view.year,
            "name": view.employee.name,
            "verified": view.employee.verified_at is not None,
            "minutes": view.minutes,
            "target": view.target_minutes,
            "missing": view.missing,
            "days_left": view.days_left,
            "by_month": {str(m): v for m, v in hours_files.by_month(view).items()},
            "by_source": {"module": module, "external": external},
            "entries": [_entry_json(e) for e in view.entries],
            "other_years": view.other_years,
            "certificates": certificates,
            "assignments": [_assignment_json(i) for i in items or []],
            "paths": paths,
        }


async def _certificates(s: Any, employee_id: int) -> list[dict[str, Any]]:
    """An employee's current module certificates (the latest revision of each), newest first."""
    issued = await s.scalars(
        select(Certificate)
        .where(Certificate.employee_id == employee_id, Certificate.superseded_at.is_(None))
        .order_by(Certificate.completed_on.desc(), Certificate.id.desc())
    )
    return [
        {
            "certificate_no": c.certificate_no,
            "title": c.module_title,
            "completed_on": c.completed_on.isoformat(),
            "code": format_code(c.code),
        }
        for c in issued
    ]


def _report_json(report: ExternalTraining) -> dict[str, Any]:
    """An outside-training report as its reviewers see it: pending, approved or rejected."""
    return {
        "id": report.id,
        "title": report.title,
        "organiser": report.organiser,
        "started_on": report.started_on.isoformat(),
        "ended_on": report.ended_on.isoformat(),
        "jp": claim_text(report.jp_centi),
        "certificate_no": report.certificate_no,
        "status": report.status,
        "reason": report.reason,
    }


def _entry_json(entry: Any) -> dict[str, Any]:
    evidence = entry.evidence or {}
    return {
        "title": entry.title,
        "source": entry.source_kind,
        "minutes": entry.minutes,
        "started_on": entry.started_on.isoformat(),
        "ended_on": entry.ended_on.isoformat(),
        "organiser": entry.organiser,
        "certificate_no": entry.certificate_no,
        "evidence": {k: evidence[k] for k in EVIDENCE if k in evidence},
    }
