"""Who may do what: superadmins and OPD admins, checked on every call, and the audit log.

The one place both admin features (announcements, training verification and reports) ask.
A role is read from the database (or ``SINAU_ADMIN_IDS``) each time, never cached in the
session or in callback data, so a revoked admin loses access on their next tap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import Clock
from bot.core.errors import NotAllowed, Refusal
from bot.core.flows import Flow
from bot.core.nip import NipError, parse_nip
from bot.core.telegram_html import escape
from bot.services.audit import audit_view
from bot.store import employees, outbox, sessions
from bot.store.sessions import FlowState
from bot.texts import admin as t
from db.models import AdminRole, AuditEntry, Broadcast, Employee
from db.session import Database

CONFIRM_STEP = "confirm"  # the one step of the /admin flow


class Role(StrEnum):
    SUPERADMIN = "superadmin"
    OPD_ADMIN = "opd_admin"


# The server's operator (the command line): no Telegram account, every OPD.
OPERATOR_ID = 0
OPERATOR_NAME = "operator (CLI)"


@dataclass(frozen=True, slots=True)
class Actor:
    """An admin, as checked for this one call."""

    telegram_id: int
    role: Role
    opd_code: str | None = None  # an OPD admin's OPD
    employee_id: int | None = None

    @property
    def is_superadmin(self) -> bool:
        return self.role is Role.SUPERADMIN

    def may_manage(self, opd_code: str | None) -> bool:
        """Superadmins manage every OPD (and the whole province, ``None``); OPD admins their own."""
        return self.is_superadmin or (opd_code is not None and opd_code == self.opd_code)


@dataclass(frozen=True, slots=True)
class GrantTarget:
    employee_id: int
    name: str
    nip: str
    opd_code: str
    current: Role | None
    token: str = ""  # of the confirmation its buttons carry (``bot.store.sessions``)
    configured: bool = False  # a superadmin by ``SINAU_ADMIN_IDS``: no button changes that


class GrantOutcome(StrEnum):
    OK = "ok"
    BAD_NIP = "bad_nip"
    UNKNOWN = "unknown"  # no employee with that NIP
    SELF = "self"  # a superadmin revoking themself would lock the door behind them
    UNVERIFIED = "unverified"  # only a verified, bound employee is appointed


@dataclass(frozen=True, slots=True)
class GrantResult:
    outcome: GrantOutcome
    name: str | None = None
    telegram_id: int | None = None
    cancelled: list[int] = field(default_factory=list)  # scheduled announcements cancelled


class RoleService:
    def __init__(self, db: Database, clock: Clock, admin_ids: frozenset[int]) -> None:
        self.db = db
        self.clock = clock
        self.admin_ids = admin_ids

    async def actor(self, telegram_id: int) -> Actor | None:
        """The caller's role right now, or None for everyone who is not an admin."""
        async with self.db.transaction() as s:
            return await actor_in(s, telegram_id, self.admin_ids)

    async def require(self, telegram_id: int, *, superadmin: bool = False) -> Actor:
        """The caller's role, or ``NotAllowed``."""
        async with self.db.transaction() as s:
            return await require_admin(s, telegram_id, self.admin_ids, superadmin=superadmin)

    async def find(self, actor_id: int, raw_nip: str) -> tuple[GrantOutcome, GrantTarget | None]:
        """Look up the employee a superadmin wants to grant a role to."""
        async with self.db.transaction() as s:
            await require_admin(s, actor_id, self.admin_ids, superadmin=True)
            try:
                nip = parse_nip(raw_nip).digits
            except NipError:
                return GrantOutcome.BAD_NIP, None
            employee = await employees.by_nip(s, nip)
            if employee is None:
                return GrantOutcome.UNKNOWN, None
            await audit_view(s, self.clock, actor_id, employee.id, "role_lookup")
            row = await s.get(AdminRole, employee.id)
            if employee.telegram_id is not None and employee.telegram_id in self.admin_ids:
                return GrantOutcome.OK, GrantTarget(
                    employee.id,
                    employee.name,
                    employee.nip,
                    employee.opd_code,
                    Role.SUPERADMIN,
                    configured=True,
                )
            # The confirmation is a flow: only its own buttons, and only once, may act on it.
            confirm = FlowState(Flow.ADMIN, CONFIRM_STEP, {"employee_id": employee.id})
            await sessions.set_state(s, actor_id, confirm)
            return GrantOutcome.OK, GrantTarget(
                employee.id,
                employee.name,
                employee.nip,
                employee.opd_code,
                Role(row.role) if row else None,
                confirm.token,
            )

    async def cancel_confirmation(self, actor_id: int, token: str) -> None:
        async with self.db.transaction() as s:
            await require_admin(s, actor_id, self.admin_ids, superadmin=True)
            await sessions.expect(s, actor_id, token, Flow.ADMIN, (CONFIRM_STEP,))
            await sessions.clear_state(s, actor_id)

    async def grant(
        self, actor_id: int, employee_id: int, role: Role | None, *, token: str
    ) -> GrantResult:
        """Set (or, with None, revoke) a role; OPD admins manage the employee's own OPD.

        Only from the confirmation ``token`` was drawn for, for its employee, once. In the same
        transaction, the target's scheduled announcements their new role may not send are
        cancelled (audited, and the superadmins told), so a revoked admin's announcement never
        goes out. Only a verified employee is appointed.
        """
        async with self.db.transaction() as s:
            await require_admin(s, actor_id, self.admin_ids, superadmin=True)
            confirm = await sessions.expect(s, actor_id, token, Flow.ADMIN, (CONFIRM_STEP,))
            if confirm.data.get("employee_id") != employee_id:
                raise NotAllowed(Refusal.STALE_BUTTON)
            await sessions.clear_state(s, actor_id)
            employee = await s.get(Employee, employee_id)
            if employee is None:
                return GrantResult(GrantOutcome.UNKNOWN)
            if employee.telegram_id == actor_id and role is not Role.SUPERADMIN:
                return GrantResult(GrantOutcome.SELF, employee.name, employee.telegram_id)
            if role is not None and (employee.verified_at is None or employee.telegram_id is None):
                return GrantResult(GrantOutcome.UNVERIFIED, employee.name, employee.telegram_id)
            await s.execute(delete(AdminRole).where(AdminRole.employee_id == employee_id))
            opd = employee.opd_code if role is Role.OPD_ADMIN else None
            if role is not None:
                s.add(
                    AdminRole(
                        employee_id=employee_id,
                        role=role.value,
                        opd_code=opd,
                        granted_by=actor_id,
                        granted_at=self.clock(),
                    )
                )
            await record(
                s,
                self.clock,
                actor_id,
                "role.grant" if role else "role.revoke",
                {
                    "employee_id": employee_id,
                    "role": role.value if role else None,
                    "opd": employee.opd_code,
                },
            )
            cancelled: list[int] = []
            if employee.telegram_id is not None:
                kept = Actor(employee.telegram_id, role, opd) if role is not None else None
                cancelled = await self._cancel_schedules(s, actor_id, employee, kept)
        return GrantResult(GrantOutcome.OK, employee.name, employee.telegram_id, cancelled)

    async def _cancel_schedules(
        self, s: AsyncSession, actor_id: int, employee: Employee, kept: Actor | None
    ) -> list[int]:
        """Cancel ``employee``'s scheduled announcements that their new role ``kept`` (None:
        no role) may not send, each by a conditional update, and tell the superadmins."""
        rows = await s.execute(
            select(Broadcast.id, Broadcast.scope_opd).where(
                Broadcast.created_by == employee.telegram_id, Broadcast.status == "scheduled"
            )
        )
        cancelled = []
        for broadcast_id, scope in rows.all():
            if kept is not None and kept.may_manage(scope):
                continue
            result = await s.execute(
                update(Broadcast)
                .where(Broadcast.id == broadcast_id, Broadcast.status == "scheduled")
                .values(status="cancelled")
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                cancelled.append(broadcast_id)
        if not cancelled:
            return cancelled
        await record(
            s,
            self.clock,
            actor_id,
            "broadcast.cancel_role",
            {"broadcast_ids": cancelled, "creator": employee.telegram_id},
        )
        ids = ", ".join(f"#{i}" for i in cancelled)
        text = t.SCHEDULES_CANCELLED_ROLE.format(ids=ids, name=escape(employee.name))
        for chat_id in await superadmin_chats(s, self.admin_ids):
            await outbox.queue_account_notice(
                s, f"role-cancel:{cancelled[0]}:{chat_id}", chat_id, text, self.clock()
            )
        return cancelled


async def superadmin_chats(s: AsyncSession, admin_ids: frozenset[int]) -> list[int]:
    """The Telegram ids of every superadmin (configured or appointed)."""
    rows = await s.scalars(
        select(Employee.telegram_id)
        .join(AdminRole, AdminRole.employee_id == Employee.id)
        .where(AdminRole.role == Role.SUPERADMIN.value, Employee.telegram_id.is_not(None))
    )
    return sorted({*admin_ids, *(r for r in rows if r is not None)})


async def actor_in(s: AsyncSession, telegram_id: int, admin_ids: frozenset[int]) -> Actor | None:
    """The role check itself, inside the caller's transaction."""
    employee = await employees.by_telegram_id(s, telegram_id)
    if telegram_id in admin_ids:
        return Actor(telegram_id, Role.SUPERADMIN, employee_id=employee.id if employee else None)
    if employee is None or not employee.is_active:
        return None
    row = await s.get(AdminRole, employee.id)
    if row is None:
        return None
    role = Role(row.role)
    return Actor(telegram_id, role, row.opd_code if role is Role.OPD_ADMIN else None, employee.id)


async def reviewers_for(
    s: AsyncSession, opd_code: str, admin_ids: frozenset[int], submitter: int | None
) -> list[int]:
    """Who reviews something an employee of ``opd_code`` submitted: never the submitter.

    The OPD's admins other than the submitter; when there is none, or the submitter is a
    superadmin (whom an OPD admin does not review), the other superadmins. An empty list means
    nobody else can decide it: it stays pending.
    """
    submitted_by_superadmin = False
    if submitter is not None:
        actor = await actor_in(s, submitter, admin_ids)
        submitted_by_superadmin = actor is not None and actor.is_superadmin
    rows = await s.execute(
        select(Employee.telegram_id, AdminRole.role)
        .join(AdminRole, AdminRole.employee_id == Employee.id)
        .where(
            Employee.is_active.is_(True),
            Employee.telegram_id.is_not(None),
            Employee.deactivated_at.is_(None),
            or_(
                (AdminRole.role == Role.OPD_ADMIN.value) & (AdminRole.opd_code == opd_code),
                AdminRole.role == Role.SUPERADMIN.value,
            ),
        )
    )
    opd_admins: set[int] = set()
    superadmins = set(admin_ids)
    for telegram_id, role in rows:
        if telegram_id is not None:
            (opd_admins if role == Role.OPD_ADMIN else superadmins).add(telegram_id)
    opd_admins.discard(submitter or 0)
    superadmins.discard(submitter or 0)
    if opd_admins and not submitted_by_superadmin:
        return sorted(opd_admins)
    return sorted(superadmins)


async def require_admin(
    s: AsyncSession, telegram_id: int, admin_ids: frozenset[int], *, superadmin: bool = False
) -> Actor:
    """The caller's role, or ``NotAllowed`` when they have none (or not the superadmin role)."""
    actor = await actor_in(s, telegram_id, admin_ids)
    if actor is None:
        raise NotAllowed(Refusal.SUPERADMIN_ONLY if superadmin else Refusal.ADMIN_ONLY)
    if superadmin and not actor.is_superadmin:
        raise NotAllowed(Refusal.SUPERADMIN_ONLY)
    return actor


def require_scope(actor: Actor, opd_code: str | None, refusal: Refusal = Refusal.OTHER_OPD) -> None:
    """``NotAllowed`` unless the actor manages ``opd_code`` (None: the whole province)."""
    if not actor.may_manage(opd_code):
        raise NotAllowed(refusal)


async def decider_name(s: AsyncSession, telegram_id: int | None) -> str | None:
    """The name of the admin behind a decision, for "sudah diputuskan oleh <admin>"."""
    if telegram_id is None:
        return None
    if telegram_id == OPERATOR_ID:
        return OPERATOR_NAME
    employee = await employees.by_telegram_id(s, telegram_id)
    return employee.name if employee is not None else None


async def record(
    s: AsyncSession, clock: Clock, actor_id: int, action: str, params: dict[str, Any]
) -> None:
    """Append to the audit log, in the same transaction as the action it records."""
    s.add(AuditEntry(actor_telegram_id=actor_id, action=action, params=params, created_at=clock()))
