"""Who an announcement goes to: filters that combine (AND), turned into one SQL condition.

Kept as data (a small dict in the broadcast row) so a scheduled announcement picks its
recipients when it starts, and an audit entry shows exactly what was chosen.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select

from bot.core.jp import Targets
from db.models import Employee, JpLedgerEntry, ModuleProgress

INACTIVE_CHOICES = (7, 14, 30)


@dataclass(frozen=True, slots=True)
class Audience:
    """All active employees, narrowed by every filter that is set."""

    opd: str | None = None
    below_target: bool = False
    inactive_days: int | None = None
    not_completed: str | None = None  # a module id
    # The person's fields (matched ignoring case), as assignments choose their audience.
    unit_kerja: str | None = None
    jabatan: str | None = None
    golongan: str | None = None
    kind: str | None = None  # "PNS" | "PPPK"
    # A required (official) announcement also reaches those who withdrew from announcements that
    # are not required (``employees.announcements_opt_out``, consent-based, /privasi).
    required: bool = False

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, False)}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Audience:
        data = data or {}
        days = data.get("inactive_days")
        return cls(
            opd=data.get("opd") or None,
            below_target=bool(data.get("below_target")),
            inactive_days=int(days) if days in INACTIVE_CHOICES else None,
            not_completed=data.get("not_completed") or None,
            required=bool(data.get("required")),
            unit_kerja=_text(data.get("unit_kerja")),
            jabatan=_text(data.get("jabatan")),
            golongan=_text(data.get("golongan")),
            kind=data.get("kind") if data.get("kind") in ("PNS", "PPPK") else None,
        )

    def with_opd(self, opd: str | None) -> Audience:
        return replace(self, opd=opd)

    @property
    def is_everyone(self) -> bool:
        return replace(self, required=False) == Audience()


def _text(value: Any) -> str | None:
    return str(value).strip()[:120] or None if value else None


def person_conditions(audience: Audience) -> list[ColumnElement[bool]]:
    """The filters on the person's own fields (OPD, unit kerja, jabatan, golongan, kind)."""
    parts: list[ColumnElement[bool]] = []
    if audience.opd is not None:
        parts.append(Employee.opd_code == audience.opd)
    for column, value in (
        (Employee.unit_kerja, audience.unit_kerja),
        (Employee.jabatan, audience.jabatan),
        (Employee.golongan, audience.golongan),
    ):
        if value is not None:
            parts.append(func.lower(column) == value.lower())
    if audience.kind is not None:
        parts.append(Employee.kind == audience.kind)
    return parts


def matches(audience: Audience, employee: Employee) -> bool:
    """``person_conditions`` in Python, for one employee."""
    if audience.opd is not None and employee.opd_code != audience.opd:
        return False
    for have, want in (
        (employee.unit_kerja, audience.unit_kerja),
        (employee.jabatan, audience.jabatan),
        (employee.golongan, audience.golongan),
    ):
        if want is not None and (have or "").lower() != want.lower():
            return False
    return audience.kind is None or employee.kind == audience.kind


def condition(
    audience: Audience, *, year: int, targets: Targets, now: datetime
) -> ColumnElement[bool]:
    """The WHERE clause over ``employees`` for this audience: blocked users never included, and
    those who withdrew from announcements that are not required only in a required one."""
    parts: list[ColumnElement[bool]] = [Employee.is_active.is_(True)]
    if not audience.required:
        parts.append(Employee.announcements_opt_out.is_(False))
    parts.extend(person_conditions(audience))
    if audience.below_target:
        total = (
            select(func.coalesce(func.sum(JpLedgerEntry.minutes), 0))
            .where(JpLedgerEntry.employee_id == Employee.id, JpLedgerEntry.year == year)
            .scalar_subquery()
        )
        target = case((Employee.kind == "PPPK", targets.pppk), else_=targets.pns)
        parts.append(total < target)
    if audience.inactive_days is not None:
        since = now - timedelta(days=audience.inactive_days)
        parts.append(or_(Employee.last_activity_at.is_(None), Employee.last_activity_at < since))
    if audience.not_completed is not None:
        completed = (
            select(ModuleProgress.id)
            .where(
                ModuleProgress.employee_id == Employee.id,
                ModuleProgress.module_id == audience.not_completed,
                ModuleProgress.completed_at.is_not(None),
            )
            .exists()
        )
        parts.append(~completed)
    return and_(*parts)
