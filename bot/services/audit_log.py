"""``/audit``: the audit log as people read it, for superadmins.

Entries are stored with ids and codes (``bot.services.roles.record``, ``audit.audit_view``);
this service turns them into words in the transaction that reads them: who by name and role,
what as one Indonesian sentence per kind of action (``texts.admin.AUDIT_ACTIONS``), when in
the deployment's time zone, and the details as names, agencies and JP, never JSON, hundredths
of JP or raw ids. Pages are filtered by admin or by kind of action; the whole log exports as
CSV (with the stored codes and details beside the sentence, for an auditor's tools).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.agencies import short_name
from bot.core.clock import Clock
from bot.core.content import Catalog
from bot.documents.spreadsheets import Column, ColumnKind, to_csv
from bot.services.audit import audit_view
from bot.services.roles import OPERATOR_ID, Role, require_admin
from bot.texts import admin as t
from db.models import AdminRole, AuditEntry, Employee, ExternalTraining
from db.session import Database

KINDS = tuple(t.AUDIT_KINDS)  # the first word of an action: "training", "role", ...
PAGE_ENTRIES = 20
EXPORT_BATCH = 500
CSV_COLUMNS = tuple(
    Column(key, header, ColumnKind.TEXT) for key, header in t.AUDIT_CSV_HEADERS.items()
)


@dataclass(frozen=True, slots=True)
class AuditLine:
    """One entry in words (plain text: the chat escapes it, the CSV does not need to)."""

    id: int
    when: str
    who: str
    role: str
    what: str
    action: str
    params: dict[str, Any]


class _Defaults(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


def _jp(centi: object) -> str:
    if not isinstance(centi, int):
        return "?"
    return f"{centi / 100:g}".replace(".", ",")


class _Names:
    """Names of the people, agencies and reports a batch of entries refers to, read at once."""

    def __init__(self, catalog: Catalog, admin_ids: frozenset[int], tz: ZoneInfo) -> None:
        self.catalog, self.admin_ids, self.tz = catalog, admin_ids, tz
        self.by_telegram: dict[int, Employee] = {}
        self.by_id: dict[int, Employee] = {}
        self.by_nip: dict[str, Employee] = {}
        self.roles: dict[int, AdminRole] = {}
        self.reports: dict[int, ExternalTraining] = {}

    async def load(self, s: AsyncSession, entries: Sequence[AuditEntry]) -> None:
        telegram_ids = {e.actor_telegram_id for e in entries}
        ids: set[int] = set()
        nips: set[str] = set()
        reports: set[int] = set()
        for e in entries:
            p = e.params or {}
            for key, into in (("employee_id", ids), ("report_id", reports)):
                if isinstance(p.get(key), int):
                    into.add(p[key])
            if isinstance(p.get("nip"), str):
                nips.add(p["nip"])
        if reports:
            for r in await s.scalars(
                select(ExternalTraining).where(ExternalTraining.id.in_(reports))
            ):
                self.reports[r.id] = r
                ids.add(r.employee_id)
        found = await s.scalars(
            select(Employee).where(
                Employee.telegram_id.in_(telegram_ids)
                | Employee.id.in_(ids)
                | Employee.nip.in_(nips)
            )
        )
        for employee in found:
            self.by_id[employee.id] = employee
            self.by_nip[employee.nip] = employee
            if employee.telegram_id is not None:
                self.by_telegram[employee.telegram_id] = employee
        people = [e.id for e in self.by_telegram.values()]
        if people:
            for role in await s.scalars(select(AdminRole).where(AdminRole.employee_id.in_(people))):
                self.roles[role.employee_id] = role

    # --- words -------------------------------------------------------------------------------
    def opd(self, code: object) -> str:
        opd = self.catalog.opds.get(str(code))
        return opd.name if opd else str(code)

    def who(self, telegram_id: int) -> tuple[str, str]:
        """The actor's name and role now."""
        if telegram_id == OPERATOR_ID:
            return t.AUDIT_OPERATOR, t.AUDIT_ROLE_SYSTEM
        employee = self.by_telegram.get(telegram_id)
        superadmin = t.ROLE_NAMES[Role.SUPERADMIN.value]
        if employee is None:
            if telegram_id in self.admin_ids:
                return t.AUDIT_CONFIGURED, superadmin
            return t.AUDIT_UNREGISTERED, t.AUDIT_ROLE_NONE
        if telegram_id in self.admin_ids:
            return employee.name, superadmin
        role = self.roles.get(employee.id)
        if role is None:
            return employee.name, t.AUDIT_ROLE_EMPLOYEE
        if role.role == Role.SUPERADMIN.value:
            return employee.name, superadmin
        return employee.name, t.AUDIT_ROLE_OPD_ADMIN.format(
            opd=short_name(self.opd(role.opd_code), 40)
        )

    def employee(self, employee_id: object) -> str:
        employee = self.by_id.get(employee_id) if isinstance(employee_id, int) else None
        if employee is None:
            return t.AUDIT_ERASED
        return t.AUDIT_PERSON.format(name=employee.name, nip=employee.nip)

    def person(self, nip: object) -> str:
        employee = self.by_nip.get(str(nip))
        if employee is None:
            return f"NIP {nip}"
        return t.AUDIT_PERSON.format(name=employee.name, nip=employee.nip)

    def report(self, report_id: object, jp_centi: object) -> str:
        report = self.reports.get(report_id) if isinstance(report_id, int) else None
        if report is None:
            return t.AUDIT_REPORT_GONE.format(id=report_id, jp=_jp(jp_centi))
        return t.AUDIT_REPORT.format(
            id=report.id,
            title=report.title,
            jp=_jp(report.jp_centi),
            owner=self.employee(report.employee_id),
        )

    def moment(self, value: object) -> str:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            return str(value)
        if moment.tzinfo is None:
            return moment.strftime("%d/%m/%Y")
        local = moment.astimezone(self.tz)
        return local.strftime("%d/%m/%Y %H:%M ") + (local.tzname() or "")

    def fields(self, p: Mapping[str, Any]) -> dict[str, str]:
        f = _Defaults({k: str(v) for k, v in p.items()})
        if "employee_id" in p:
            f["employee"] = self.employee(p["employee_id"])
        if "nip" in p:
            f["person"] = self.person(p["nip"])
        if "report_id" in p:
            f["report"] = self.report(p["report_id"], p.get("jp_centi"))
        if "role" in p:
            role = p.get("role")
            f["role_name"] = t.ROLE_NAMES.get(role, str(role))
            if role == Role.OPD_ADMIN.value and p.get("opd"):
                f["role_name"] += " " + short_name(self.opd(p["opd"]), 40)
        f["scope"] = self.opd(p["opd"]) if p.get("opd") else t.AUDIT_PROVINCE
        if "scheduled_at" in p:
            f["scheduled_at"] = self.moment(p["scheduled_at"])
        if "keep_until" in p:
            f["keep_until"] = self.moment(p["keep_until"]).split(" ")[0]
        if isinstance(p.get("counts"), dict):
            f["counts"] = ", ".join(
                f"{n} {t.AUDIT_COUNT_NAMES.get(k, k)}" for k, n in sorted(p["counts"].items())
            )
        ids = p.get("broadcast_ids") or ([p["broadcast_id"]] if "broadcast_id" in p else [])
        f["broadcasts"] = ", ".join(f"#{i}" for i in ids)
        if "reason" in p:
            f["reason"] = t.AUDIT_REGISTRATION_REASONS.get(str(p["reason"]), str(p["reason"]))
        if "by" in p:
            f["by"] = t.AUDIT_ERASED_BY.get(str(p["by"]), str(p["by"]))
        return f

    def line(self, entry: AuditEntry) -> AuditLine:
        who, role = self.who(entry.actor_telegram_id)
        params = dict(entry.params or {})
        sentence = t.AUDIT_ACTIONS.get(entry.action)
        if sentence is not None:
            what = sentence.format_map(self.fields(params))
        else:  # a kind of action added later without its sentence: its code and details
            f = self.fields(params)
            details = ", ".join(f"{k}: {f[k]}" for k in params)
            what = t.AUDIT_UNKNOWN_ACTION.format(action=entry.action, details=details or "-")
        local = entry.created_at.astimezone(self.tz)
        return AuditLine(
            entry.id, local.strftime("%d/%m/%Y %H:%M"), who, role, what, entry.action, params
        )


class AuditLogService:
    def __init__(
        self,
        db: Database,
        catalog: Catalog,
        clock: Clock,
        admin_ids: frozenset[int],
        tz: ZoneInfo,
    ) -> None:
        self.db, self.catalog, self.clock = db, catalog, clock
        self.admin_ids, self.tz = admin_ids, tz

    def _names(self) -> _Names:
        return _Names(self.catalog, self.admin_ids, self.tz)

    async def page(
        self,
        actor_id: int,
        *,
        before: int | None = None,
        by: int | None = None,
        kind: str | None = None,
        limit: int = PAGE_ENTRIES,
    ) -> list[AuditLine]:
        """The newest entries (older than ``before``), of one admin or one kind of action."""
        async with self.db.transaction() as s:
            await require_admin(s, actor_id, self.admin_ids, superadmin=True)
            query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
            for condition in _filters(before, by, kind):
                query = query.where(condition)
            entries = list((await s.scalars(query)).all())
            names = self._names()
            await names.load(s, entries)
            return [names.line(e) for e in entries]

    async def actors(self, actor_id: int, limit: int = 20) -> list[tuple[int, str]]:
        """Who acted most often (Telegram id, "name (role)"), for the filter by admin."""
        async with self.db.transaction() as s:
            await require_admin(s, actor_id, self.admin_ids, superadmin=True)
            rows = await s.execute(
                select(AuditEntry.actor_telegram_id, func.count())
                .group_by(AuditEntry.actor_telegram_id)
                .order_by(func.count().desc(), AuditEntry.actor_telegram_id)
                .limit(limit)
            )
            ids = [int(telegram_id) for telegram_id, _ in rows]
            names = self._names()
            await names.load(s, [AuditEntry(actor_telegram_id=i, params={}) for i in ids])
            return [(i, "{} ({})".format(*names.who(i))) for i in ids]

    async def export(self, actor_id: int) -> tuple[bytes, int]:
        """The whole log as CSV, newest first, read in batches; the export is audited."""
        lines: list[AuditLine] = []
        async with self.db.transaction() as s:
            actor = await require_admin(s, actor_id, self.admin_ids, superadmin=True)
            before: int | None = None
            while True:
                query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(EXPORT_BATCH)
                if before is not None:
                    query = query.where(AuditEntry.id < before)
                batch = list((await s.scalars(query)).all())
                if not batch:
                    break
                names = self._names()
                await names.load(s, batch)
                lines.extend(names.line(e) for e in batch)
                before = batch[-1].id
            await audit_view(s, self.clock, actor, None, "audit_export")
        rows = [
            {
                "when": f"{line.when} {self.zone()}",
                "who": line.who,
                "role": line.role,
                "what": line.what,
                "action": line.action,
                "params": json.dumps(line.params, ensure_ascii=False, sort_keys=True),
            }
            for line in lines
        ]
        return to_csv(CSV_COLUMNS, rows), len(rows)

    def zone(self) -> str:
        return self.clock().astimezone(self.tz).tzname() or str(self.tz)


def _filters(before: int | None, by: int | None, kind: str | None) -> Iterable[Any]:
    if before is not None:
        yield AuditEntry.id < before
    if by is not None:
        yield AuditEntry.actor_telegram_id == by
    if kind is not None:
        yield AuditEntry.action.like(f"{kind}.%")
