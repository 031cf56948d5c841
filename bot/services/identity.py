"""Who an account is: verification requests, transfers, and the admins' tools (``/pegawai``).

A NIP is not a secret, so knowing one binds nothing by itself. A registration is verified by a
shared contact whose number matches the roster (``bot.services.registration``), or it files a
request here that an admin of the employee's OPD decides (a superadmin when the OPD has none).
A NIP already known to the bot (bound to another account, or unbound) is only ever bound to a
new account by an approved transfer. Every decision is a conditional update of the request (or
of the employee's binding) from the state it was read in, so of two admins deciding at once one
wins and the other is told who; each one goes to the audit log, and the people concerned are told
through the outbox in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.callbacks import IdentityButton
from bot.core.clock import Clock
from bot.core.content import Catalog
from bot.core.errors import NotAllowed, Refusal
from bot.core.flows import Flow
from bot.core.nip import NipError, parse_nip
from bot.core.telegram_html import escape
from bot.services.roles import (
    OPERATOR_ID,
    Actor,
    Role,
    decider_name,
    record,
    require_admin,
    require_scope,
    reviewers_for,
)
from bot.store import employees, outbox, roster, sessions
from bot.store.sessions import FlowState
from bot.texts import identity as t
from db.models import AdminRole, Employee, IdentityRequest
from db.session import Database

MAX_REASON = 300
OPERATOR = Actor(OPERATOR_ID, Role.SUPERADMIN)


class Decision(StrEnum):
    OK = "ok"
    NOT_FOUND = "not_found"
    ALREADY = "already"  # decided by someone else
    OWN = "own"
    STALE = "stale"  # the binding changed since the request; cancelled


@dataclass(frozen=True, slots=True)
class Decided:
    outcome: Decision
    request: IdentityRequest | None = None
    decided_by: str | None = None
    employee: Employee | None = None


@dataclass(frozen=True, slots=True)
class EmployeeCard:
    employee: Employee
    pending: IdentityRequest | None


class PersonAction(StrEnum):
    VERIFY = "verified"
    UNBIND = "unbound"
    DEACTIVATE = "deactivated"
    REACTIVATE = "reactivated"


def review_text(
    catalog: Catalog, request: IdentityRequest, employee: Employee, entry_name: str | None
) -> str:
    """What the reviewing admin reads: the NIP, the name typed, the Telegram name and
    username, and what the roster says (admins may see it; the requester may not)."""
    opd = catalog.opds.get(request.opd_code)
    roster_line = (
        t.ROSTER_LINE.format(name=escape(entry_name), opd=escape(opd.name if opd else "-"))
        if entry_name
        else t.ROSTER_NONE
    )
    values = {
        "id": request.id,
        "nip": employee.nip,
        "kind": "NI PPPK" if employee.kind == "PPPK" else "NIP",
        "typed": escape(request.typed_name),
        "tg_name": escape(request.telegram_name or "-"),
        "tg_username": f" (@{escape(request.telegram_username)})"
        if request.telegram_username
        else "",
        "tg_id": request.telegram_id,
        "roster": roster_line,
    }
    if request.kind == "transfer":
        old = request.old_telegram_id
        return t.REVIEW_TRANSFER.format(
            **values, old=f"id <code>{old}</code>" if old else t.OLD_NONE
        )
    return t.REVIEW_VERIFY.format(**values)


def review_buttons(request_id: int) -> tuple[tuple[tuple[str, str], ...], ...]:
    return (
        (
            (t.BTN_CONFIRM, IdentityButton("ok", request_id).pack()),
            (t.BTN_REFUSE, IdentityButton("no", request_id).pack()),
        ),
    )


async def file_request(
    s: AsyncSession,
    catalog: Catalog,
    clock: Clock,
    admin_ids: frozenset[int],
    *,
    kind: str,
    employee: Employee,
    telegram_id: int,
    telegram_name: str,
    telegram_username: str | None,
    typed_name: str,
    new_employee: bool,
) -> tuple[IdentityRequest, list[int]]:
    """File a request (cancelling the account's earlier pending ones) and queue it to its
    reviewers; returns it and the reviewers (none: nobody else can decide it yet)."""
    now = clock()
    await s.execute(
        update(IdentityRequest)
        .where(IdentityRequest.telegram_id == telegram_id, IdentityRequest.status == "pending")
        .values(status="cancelled", decided_at=now)
        .execution_options(synchronize_session=False)
    )
    request = IdentityRequest(
        kind=kind,
        employee_id=employee.id,
        telegram_id=telegram_id,
        old_telegram_id=employee.telegram_id if kind == "transfer" else None,
        telegram_name=telegram_name[:120] or "-",
        telegram_username=(telegram_username or "")[:40] or None,
        typed_name=typed_name[:120],
        opd_code=employee.opd_code,
        new_employee=new_employee,
        status="pending",
        created_at=now,
    )
    s.add(request)
    await s.flush()
    entry = await roster.lookup(s, employee.nip)
    text = review_text(catalog, request, employee, entry.name if entry else None)
    reviewers = await reviewers_for(s, employee.opd_code, admin_ids, telegram_id)
    for chat_id in reviewers:
        await outbox.queue_account_notice(
            s,
            f"request:{request.id}:review:{chat_id}",
            chat_id,
            text,
            now,
            buttons=review_buttons(request.id),
            request_id=request.id,
        )
    await record(
        s,
        clock,
        telegram_id,
        f"identity.request_{kind}",
        {"request_id": request.id, "nip": employee.nip, "reviewers": len(reviewers)},
    )
    return request, reviewers


async def copy_roster_fields(s: AsyncSession, employee: Employee) -> None:
    """The agency's record wins: a verified employee's fields are the roster's, if listed."""
    entry = await roster.lookup(s, employee.nip)
    if entry is None:
        return
    employee.name = entry.name
    employee.opd_code = entry.opd_code
    employee.unit_kerja = entry.unit_kerja
    employee.jabatan = entry.jabatan
    employee.golongan = entry.golongan
    employee.kind = entry.kind


class IdentityService:
    def __init__(
        self, db: Database, catalog: Catalog, clock: Clock, admin_ids: frozenset[int]
    ) -> None:
        self.db = db
        self.catalog = catalog
        self.clock = clock
        self.admin_ids = admin_ids

    async def _actor(self, s: AsyncSession, actor_id: int) -> Actor:
        """The caller's role; ``OPERATOR_ID`` is the command line (no Telegram account)."""
        if actor_id == OPERATOR_ID:
            return OPERATOR
        return await require_admin(s, actor_id, self.admin_ids)

    async def _may_decide(self, s: AsyncSession, actor: Actor, opd_code: str) -> None:
        """OPD admins decide for their OPD; a superadmin only where the OPD has no admin."""
        if actor.telegram_id == OPERATOR_ID:
            return
        require_scope(actor, opd_code, Refusal.NOT_REVIEWER)
        if actor.is_superadmin:
            admins = await s.scalar(
                select(func.count())
                .select_from(AdminRole)
                .join(Employee, Employee.id == AdminRole.employee_id)
                .where(
                    AdminRole.role == Role.OPD_ADMIN.value,
                    AdminRole.opd_code == opd_code,
                    Employee.telegram_id.is_not(None),
                    Employee.id != (actor.employee_id or 0),
                )
            )
            if admins:
                raise NotAllowed(Refusal.OPD_HAS_ADMIN)

    # --- the queue --------------------------------------------------------------------------
    async def pending(self, actor_id: int, limit: int = 20) -> list[IdentityRequest]:
        """Pending requests the caller may decide (never their own)."""
        async with self.db.transaction() as s:
            actor = await self._actor(s, actor_id)
            query = (
                select(IdentityRequest)
                .where(
                    IdentityRequest.status == "pending",
                    IdentityRequest.telegram_id != actor.telegram_id,
                )
                .order_by(IdentityRequest.id)
                .limit(limit)
            )
            if not actor.is_superadmin:
                query = query.where(IdentityRequest.opd_code == actor.opd_code)
            return list((await s.scalars(query)).all())

    async def review(self, actor_id: int, request_id: int) -> tuple[Decided, str | None]:
        """One request and its review text, if the caller may decide it."""
        async with self.db.transaction() as s:
            decided = await self._reviewable(s, actor_id, request_id)
            if decided.outcome is not Decision.OK or decided.request is None:
                return decided, None
            employee = await s.get(Employee, decided.request.employee_id)
            if employee is None:
                return Decided(Decision.NOT_FOUND), None
            entry = await roster.lookup(s, employee.nip)
            text = review_text(
                self.catalog, decided.request, employee, entry.name if entry else None
            )
            return decided, text

    async def _reviewable(self, s: AsyncSession, actor_id: int, request_id: int) -> Decided:
        actor = await self._actor(s, actor_id)
        request = await s.get(IdentityRequest, request_id)
        if request is None:
            return Decided(Decision.NOT_FOUND)
        if request.telegram_id == actor.telegram_id or (
            actor.employee_id is not None and request.employee_id == actor.employee_id
        ):
            return Decided(Decision.OWN, request)
        await self._may_decide(s, actor, request.opd_code)
        if request.status != "pending":
            return Decided(Decision.ALREADY, request, await decider_name(s, request.decided_by))
        return Decided(Decision.OK, request)

    async def begin_refuse(self, actor_id: int, request_id: int) -> Decided:
        """Ask for a reason: the admin's next text message is it (state in chat_sessions)."""
        async with self.db.transaction() as s:
            decided = await self._reviewable(s, actor_id, request_id)
            if decided.outcome is Decision.OK:
                await sessions.set_state(
                    s, actor_id, FlowState(Flow.REFUSE_IDENTITY, "reason", {"request": request_id})
                )
            return decided

    async def refuse_with_reason(self, actor_id: int, reason: str) -> Decided:
        async with self.db.transaction() as s:
            state = await sessions.get_state(s, actor_id)
            if state is None or state.flow != Flow.REFUSE_IDENTITY:
                return Decided(Decision.NOT_FOUND)
            await sessions.clear_state(s, actor_id)
            return await self._decide(s, actor_id, int(state.data["request"]), None, reason)

    async def approve(self, actor_id: int, request_id: int) -> Decided:
        async with self.db.transaction() as s:
            return await self._decide(s, actor_id, request_id, True, None)

    async def refuse(self, actor_id: int, request_id: int, reason: str) -> Decided:
        """Refuse with the reason given at once (the dashboard asks for it on the same
        screen); the same decision as ``refuse_with_reason``."""
        async with self.db.transaction() as s:
            return await self._decide(s, actor_id, request_id, None, reason)

    async def _claim(
        self,
        s: AsyncSession,
        request: IdentityRequest,
        actor_id: int,
        status: str,
        reason: str | None,
    ) -> bool:
        """The decision itself: the request changes only while it is still pending."""
        result = await s.execute(
            update(IdentityRequest)
            .where(IdentityRequest.id == request.id, IdentityRequest.status == "pending")
            .values(status=status, reason=reason, decided_by=actor_id, decided_at=self.clock())
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            await s.refresh(request)
            return True
        # Decided by someone else meanwhile: read who, if the row is still there (refusing a new
        # account deletes the account, and its request with it; ``refresh`` would then raise).
        await s.execute(
            select(IdentityRequest)
            .where(IdentityRequest.id == request.id)
            .execution_options(populate_existing=True)
        )
        return False

    async def _cancel(self, s: AsyncSession, request: IdentityRequest) -> Decided:
        await s.execute(
            update(IdentityRequest)
            .where(IdentityRequest.id == request.id)
            .values(status="cancelled")
            .execution_options(synchronize_session=False)
        )
        return Decided(Decision.STALE, request)

    async def _decide(
        self,
        s: AsyncSession,
        actor_id: int,
        request_id: int,
        approve: bool | None,
        reason: str | None,
    ) -> Decided:
        decided = await self._reviewable(s, actor_id, request_id)
        request = decided.request
        if decided.outcome is not Decision.OK or request is None:
            return decided
        employee = await s.get(Employee, request.employee_id)
        if employee is None:
            return Decided(Decision.NOT_FOUND)
        status = "approved" if approve else "refused"
        if not await self._claim(s, request, actor_id, status, (reason or "")[:MAX_REASON] or None):
            return Decided(Decision.ALREADY, request, await decider_name(s, request.decided_by))
        now = self.clock()
        if approve and request.kind == "verify":
            bound = await s.execute(
                update(Employee)
                .where(Employee.id == employee.id, Employee.telegram_id == request.telegram_id)
                .values(verified_at=now, verified_via="admin", verified_by=actor_id)
                .execution_options(synchronize_session=False)
            )
            if bound.rowcount != 1:  # type: ignore[attr-defined]
                return await self._cancel(s, request)
            await s.refresh(employee)
            await copy_roster_fields(s, employee)
            await self._tell(s, request, request.telegram_id, t.NOTIFY_VERIFIED)
        elif approve:
            if await employees.by_telegram_id(s, request.telegram_id) is not None:
                return await self._cancel(s, request)  # registered another NIP meanwhile
            old = employee.telegram_id
            if old is not None and old != request.old_telegram_id:
                return await self._cancel(s, request)  # bound to yet another account since
            try:
                async with s.begin_nested():
                    moved = await s.execute(
                        update(Employee)
                        .where(
                            Employee.id == employee.id,
                            or_(Employee.telegram_id == old, Employee.telegram_id.is_(None))
                            if old is not None
                            else Employee.telegram_id.is_(None),
                        )
                        .values(
                            telegram_id=request.telegram_id,
                            verified_at=now,
                            verified_via="admin",
                            verified_by=actor_id,
                            is_active=True,
                        )
                        .execution_options(synchronize_session=False)
                    )
            except IntegrityError:
                return await self._cancel(s, request)
            if moved.rowcount != 1:  # type: ignore[attr-defined]
                return await self._cancel(s, request)
            await s.refresh(employee)
            await copy_roster_fields(s, employee)
            nip = employee.nip
            await self._tell(
                s, request, request.telegram_id, t.NOTIFY_TRANSFER_APPROVED.format(nip=nip)
            )
            if old is not None:
                await sessions.clear_state(s, old)
                text = t.NOTIFY_UNBOUND.format(nip=nip, why=t.WHY_TRANSFER)
                await self._tell(s, request, old, text, part="unbound")
        elif request.kind == "verify":
            why = escape(reason or "-")
            if request.new_employee and employee.verified_at is None:
                await s.execute(
                    delete(Employee).where(
                        Employee.id == employee.id, Employee.telegram_id == request.telegram_id
                    )
                )
            else:
                await s.execute(
                    update(Employee)
                    .where(Employee.id == employee.id, Employee.telegram_id == request.telegram_id)
                    .values(telegram_id=None, verified_at=None)
                    .execution_options(synchronize_session=False)
                )
            text = t.NOTIFY_VERIFY_REFUSED.format(nip=employee.nip, reason=why)
            await self._tell(s, request, request.telegram_id, text)
        else:
            text = t.NOTIFY_TRANSFER_REFUSED.format(nip=employee.nip, reason=escape(reason or "-"))
            await self._tell(s, request, request.telegram_id, text)
        await record(
            s,
            self.clock,
            actor_id,
            f"identity.{request.kind}_{status}",
            {"request_id": request.id, "nip": employee.nip, "telegram_id": request.telegram_id},
        )
        return Decided(Decision.OK, request, employee=employee)

    async def _tell(
        self,
        s: AsyncSession,
        request: IdentityRequest,
        chat_id: int,
        text: str,
        part: str = "decided",
    ) -> None:
        await outbox.queue_account_notice(
            s, f"request:{request.id}:{part}", chat_id, text, self.clock()
        )

    # --- /pegawai and the command line ------------------------------------------------------
    async def card(self, actor_id: int, raw_nip: str) -> EmployeeCard | None:
        """The employee with that NIP, within the caller's scope (None: no such employee)."""
        try:
            nip = parse_nip(raw_nip, today=self.clock().date()).digits
        except NipError:
            nip = "".join(ch for ch in raw_nip if ch.isascii() and ch.isdigit())
        async with self.db.transaction() as s:
            actor = await self._actor(s, actor_id)
            employee = await employees.by_nip(s, nip)
            if employee is None:
                return None
            require_scope(actor, employee.opd_code)
            await record(s, self.clock, actor_id, "employee.view", {"nip": employee.nip})
            pending = await s.scalar(
                select(IdentityRequest)
                .where(
                    IdentityRequest.employee_id == employee.id,
                    IdentityRequest.status == "pending",
                )
                .order_by(IdentityRequest.id.desc())
                .limit(1)
            )
            return EmployeeCard(employee, pending)

    async def act(self, actor_id: int, employee_id: int, action: PersonAction) -> Employee | None:
        """Verify, unbind, deactivate or reactivate an employee (None: nothing changed, because
        the employee is not in that state any more). Each a conditional update, audited, with
        the account told."""
        async with self.db.transaction() as s:
            actor = await self._actor(s, actor_id)
            employee = await s.get(Employee, employee_id)
            if employee is None:
                return None
            require_scope(actor, employee.opd_code)
            old = employee.telegram_id
            now = self.clock()
            e = Employee
            if action is PersonAction.VERIFY:
                if old is None or employee.telegram_id == actor.telegram_id:
                    return None  # nobody to verify, or oneself
                await self._may_decide(s, actor, employee.opd_code)
                where = [e.id == employee_id, e.telegram_id == old, e.verified_at.is_(None)]
                values: dict[str, object] = {
                    "verified_at": now,
                    "verified_via": "operator" if actor_id == OPERATOR_ID else "admin",
                    "verified_by": actor_id,
                }
            elif action is PersonAction.UNBIND:
                if old is None:
                    return None
                where = [e.id == employee_id, e.telegram_id == old]
                values = {"telegram_id": None, "verified_at": None}
            elif action is PersonAction.DEACTIVATE:
                where = [e.id == employee_id, e.deactivated_at.is_(None)]
                values = {"deactivated_at": now, "telegram_id": None, "verified_at": None}
            else:
                where = [e.id == employee_id, e.deactivated_at.is_not(None)]
                values = {"deactivated_at": None}
            changed = await s.execute(
                update(Employee)
                .where(*where)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            if changed.rowcount != 1:  # type: ignore[attr-defined]
                return None
            await s.refresh(employee)
            requests = update(IdentityRequest).where(
                IdentityRequest.employee_id == employee_id, IdentityRequest.status == "pending"
            )
            if action is PersonAction.VERIFY:
                await copy_roster_fields(s, employee)
                await s.execute(
                    requests.values(status="approved", decided_by=actor_id, decided_at=now)
                )
                await outbox.queue_account_notice(
                    s, f"verified:{employee_id}:{now.timestamp()}", old or 0, t.NOTIFY_VERIFIED, now
                )
            elif old is not None and action in (PersonAction.UNBIND, PersonAction.DEACTIVATE):
                await s.execute(requests.values(status="cancelled", decided_at=now))
                why = t.WHY_UNBIND if action is PersonAction.UNBIND else t.WHY_DEACTIVATED
                await sessions.clear_state(s, old)
                await outbox.queue_account_notice(
                    s,
                    f"unbound:{employee_id}:{now.timestamp()}",
                    old,
                    t.NOTIFY_UNBOUND.format(nip=employee.nip, why=why),
                    now,
                )
            await record(
                s,
                self.clock,
                actor_id,
                f"employee.{action.value}",
                {"nip": employee.nip, "telegram_id": old, "opd": employee.opd_code},
            )
            return employee


def is_pending(employee: Employee) -> bool:
    return employee.verified_at is None


def when(value: datetime | None) -> str:
    return value.strftime("%d-%m-%Y") if value else "-"
