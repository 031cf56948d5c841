"""Registration and profile edits as a small state machine persisted in ``chat_sessions``.

Steps of registration: ``privacy`` (the notice, acknowledged before any personal data is asked
for) -> ``nip`` -> (``contact``) -> (``name`` -> ``opd``) -> ``consent`` (the confirmation, with
the optional consent to reminders and announcements). Each method takes what the user sent,
checks it, moves the state on and says what happened; the handlers render that.

A NIP is not a secret, so nothing from the roster is shown before the person is verified:

- when the roster has a phone for the NIP (and ``SINAU_VERIFICATION`` allows it), the user shares
  their own contact with a ``request_contact`` button; a number that matches the roster's (both
  normalised with libphonenumber) verifies them, and only then are the roster's name and agency
  shown;
- otherwise they type their name (and pick their agency when the roster does not list them)
  and the account is created **unverified**, with a request an admin of the OPD decides
  (``bot.services.identity``): they can learn meanwhile, but count in no official total.

A NIP the bot already knows (bound to another account, or unbound) is bound to a new account
only by a matching phone (unbound ones) or an approved transfer. At most ``MAX_FAILURES`` NIPs
that are unknown or belong to someone else (and contacts that do not match) per account per
hour; each is logged to the audit log, and past the limit the bot says when to try again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import agencies
from bot.core.clock import Clock
from bot.core.content import Catalog, Opd
from bot.core.flows import Flow
from bot.core.nip import NipError, parse_nip
from bot.core.phone import same_phone
from bot.services.identity import file_request
from bot.services.reminders import ReminderService
from bot.services.roles import record
from bot.store import employees, roster, sessions
from bot.store.sessions import FlowState
from db.models import AuditEntry, Employee, IdentityRequest
from db.session import Database

OPD_PAGE_SIZE = 8
PROFILE_FIELDS = ("name", "opd", "unit_kerja", "jabatan", "golongan")
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(hours=1)
FAILED = "registration.failed"


class Verification(StrEnum):
    """``SINAU_VERIFICATION``: how an account is confirmed as the NIP's owner."""

    PHONE = "phone"
    ADMIN = "admin"
    PHONE_OR_ADMIN = "phone_or_admin"


class RegistrationStep(StrEnum):
    PRIVACY = "privacy"  # the privacy notice, before anything personal is asked
    NIP = "nip"
    CONTACT = "contact"  # share one's own contact, to match the roster's phone
    NAME = "name"
    OPD = "opd"
    CONSENT = "consent"
    TAKEN = "taken"  # the NIP is bound to another account: a transfer may be asked
    TRANSFER_NAME = "transfer_name"


# The flows whose agency step the picker's buttons answer.
_OPD_FLOWS = (Flow.REGISTER, Flow.PROFILE)


class RegistrationOutcome(StrEnum):
    OK = "ok"
    INVALID = "invalid"
    TAKEN = "taken"
    STALE = "stale"
    UNKNOWN = "unknown"  # not in the roster, and the roster is required
    LIMITED = "limited"  # too many failed attempts this hour
    DEACTIVATED = "deactivated"
    NO_PHONE = "no_phone"  # verification by phone only, and the roster has none
    NOT_OWN_CONTACT = "not_own_contact"  # forwarded, or someone else's
    PHONE_MISMATCH = "phone_mismatch"
    PENDING = "pending"  # a request was filed; an admin decides


@dataclass(frozen=True, slots=True)
class TelegramUser:
    """What Telegram says about the person writing (shown to the reviewing admin)."""

    name: str = ""
    username: str | None = None


@dataclass(frozen=True, slots=True)
class Result:
    outcome: RegistrationOutcome
    state: FlowState | None = None
    reason: str = ""
    employee: Employee | None = None
    retry_at: datetime | None = None  # LIMITED: when to try again
    request: IdentityRequest | None = None  # PENDING, or an unverified registration
    reviewers: int = 0
    admin_route: bool = False  # PHONE_MISMATCH: an admin may verify instead


@dataclass(frozen=True, slots=True)
class OpdPage:
    items: list[Opd]
    page: int
    pages: int
    query: str | None = None


class RegistrationService:
    def __init__(
        self,
        db: Database,
        catalog: Catalog,
        clock: Clock,
        reminders: ReminderService,
        *,
        roster_allow_unknown: bool = True,
        verification: Verification = Verification.PHONE_OR_ADMIN,
        admin_ids: frozenset[int] = frozenset(),
    ) -> None:
        self.roster_allow_unknown = roster_allow_unknown
        self.verification = verification
        self.admin_ids = admin_ids
        self.reminders = reminders
        self.db = db
        self.catalog = catalog
        self.clock = clock

    # --- state ---------------------------------------------------------------------------------
    async def state(self, telegram_id: int) -> FlowState | None:
        async with self.db.transaction() as s:
            return await sessions.get_state(s, telegram_id)

    async def begin(self, telegram_id: int) -> FlowState:
        """Start (or restart) registration at the privacy notice: nothing personal is stored
        until it is acknowledged."""
        state = FlowState(flow=Flow.REGISTER, step=RegistrationStep.PRIVACY)
        async with self.db.transaction() as s:
            await sessions.set_state(s, telegram_id, state)
        return state

    async def acknowledge_privacy(self, telegram_id: int, version: str) -> Result:
        """The notice was read: remember which version (stored on the employee at the end) and
        ask for the NIP."""
        async with self.db.transaction() as s:
            state = await sessions.get_state(s, telegram_id)
            if (
                state is None
                or state.flow != Flow.REGISTER
                or state.step != RegistrationStep.PRIVACY
            ):
                return Result(RegistrationOutcome.STALE)
            state.step = RegistrationStep.NIP
            state.data.update(privacy_version=version, privacy_at=self.clock().isoformat())
            await sessions.set_state(s, telegram_id, state)
        return Result(RegistrationOutcome.OK, state=state)

    async def cancel(self, telegram_id: int) -> bool:
        async with self.db.transaction() as s:
            return await sessions.clear_state(s, telegram_id)

    async def waiting_request(self, telegram_id: int) -> IdentityRequest | None:
        """A transfer this account asked for and an admin has not decided yet."""
        async with self.db.transaction() as s:
            return await s.scalar(
                select(IdentityRequest).where(
                    IdentityRequest.telegram_id == telegram_id,
                    IdentityRequest.status == "pending",
                    IdentityRequest.kind == "transfer",
                )
            )

    # --- the attempt limit ---------------------------------------------------------------------
    async def _retry_at(self, s: AsyncSession, telegram_id: int) -> datetime | None:
        """When this account may try again, if it used up its failed attempts this hour."""
        since = self.clock() - FAILURE_WINDOW
        times = list(
            await s.scalars(
                select(AuditEntry.created_at)
                .where(
                    AuditEntry.actor_telegram_id == telegram_id,
                    AuditEntry.action == FAILED,
                    AuditEntry.created_at > since,
                )
                .order_by(AuditEntry.created_at.desc())
                .limit(MAX_FAILURES)
            )
        )
        if len(times) < MAX_FAILURES:
            return None
        return times[-1] + FAILURE_WINDOW

    async def _failed(self, s: AsyncSession, telegram_id: int, nip: str, why: str) -> None:
        await record(s, self.clock, telegram_id, FAILED, {"nip": nip, "reason": why})

    # --- registration steps --------------------------------------------------------------------
    async def submit_nip(self, telegram_id: int, raw: str) -> Result:
        today = self.clock().date()
        try:
            nip = parse_nip(raw, today=today)
        except NipError as exc:
            return Result(RegistrationOutcome.INVALID, reason=str(exc))
        async with self.db.transaction() as s:
            state = await sessions.get_state(s, telegram_id)
            if state is None or state.flow != Flow.REGISTER or state.step != RegistrationStep.NIP:
                return Result(RegistrationOutcome.STALE)
            retry_at = await self._retry_at(s, telegram_id)
            if retry_at is not None:
                await record(
                    s, self.clock, telegram_id, "registration.limited", {"nip": nip.digits}
                )
                return Result(RegistrationOutcome.LIMITED, retry_at=retry_at)
            # The notice acknowledged at the first step goes on with every later state.
            notice = {k: v for k, v in state.data.items() if k in ("privacy_version", "privacy_at")}
            owner = await employees.by_nip(s, nip.digits)
            if owner is not None and owner.deactivated_at is not None:
                await sessions.clear_state(s, telegram_id)
                return Result(RegistrationOutcome.DEACTIVATED)
            if owner is not None and owner.telegram_id not in (None, telegram_id):
                await self._failed(s, telegram_id, nip.digits, "taken")
                state = FlowState(
                    Flow.REGISTER, RegistrationStep.TAKEN, {**notice, "nip": nip.digits}
                )
                await sessions.set_state(s, telegram_id, state)
                return Result(RegistrationOutcome.TAKEN, state=state)
            data: dict[str, object] = {**notice, "nip": nip.digits, "kind": nip.kind.value}
            entry = await roster.lookup(s, nip.digits) if await roster.has_roster(s) else None
            if entry is None and await roster.has_roster(s) and not self.roster_allow_unknown:
                await self._failed(s, telegram_id, nip.digits, "unknown")
                await sessions.clear_state(s, telegram_id)
                return Result(RegistrationOutcome.UNKNOWN)
            phone_ok = entry is not None and entry.phone and self.verification != Verification.ADMIN
            if self.verification == Verification.PHONE and not phone_ok:
                await sessions.clear_state(s, telegram_id)
                return Result(RegistrationOutcome.NO_PHONE)
            if entry is not None:  # the agency's record: kind and agency, shown only once verified
                data.update(kind=entry.kind, opd=entry.opd_code, roster=True)
            if owner is not None and owner.telegram_id is None:
                data.update(opd=owner.opd_code, existing=owner.id)
            step = RegistrationStep.CONTACT if phone_ok else RegistrationStep.NAME
            state = FlowState(Flow.REGISTER, step, data)
            await sessions.set_state(s, telegram_id, state)
        return Result(RegistrationOutcome.OK, state=state)

    async def submit_contact(
        self, telegram_id: int, contact_user_id: int | None, phone: str, *, forwarded: bool
    ) -> Result:
        """A contact shared at the contact step: the sender's own, with the roster's number."""
        async with self.db.transaction() as s:
            state = await sessions.get_state(s, telegram_id)
            if (
                state is None
                or state.flow != Flow.REGISTER
                or state.step != RegistrationStep.CONTACT
            ):
                return Result(RegistrationOutcome.STALE)
            if forwarded or contact_user_id != telegram_id:
                return Result(RegistrationOutcome.NOT_OWN_CONTACT, state=state)
            nip = str(state.data["nip"])
            entry = await roster.lookup(s, nip)
            if entry is None or not same_phone(entry.phone, phone):
                await self._failed(s, telegram_id, nip, "phone")
                admin_route = self.verification == Verification.PHONE_OR_ADMIN
                if not admin_route:
                    await sessions.clear_state(s, telegram_id)
                return Result(
                    RegistrationOutcome.PHONE_MISMATCH, state=state, admin_route=admin_route
                )
            state.data.update(
                verified=True,
                name=entry.name,
                opd=entry.opd_code,
                kind=entry.kind,
                unit_kerja=entry.unit_kerja,
                jabatan=entry.jabatan,
                golongan=entry.golongan,
            )
            state.step = RegistrationStep.CONSENT
            await sessions.set_state(s, telegram_id, state)
        return Result(RegistrationOutcome.OK, state=state)

    async def choose_admin_route(self, telegram_id: int, token: str) -> Result:
        """After a phone that did not match: be verified by an admin instead (when allowed)."""
        async with self.db.transaction() as s:
            steps = (RegistrationStep.CONTACT,)
            state = await sessions.expect(s, telegram_id, token, Flow.REGISTER, steps)
            if self.verification != Verification.PHONE_OR_ADMIN:
                return Result(RegistrationOutcome.STALE)
            state.step = RegistrationStep.NAME
            await sessions.set_state(s, telegram_id, state)
        return Result(RegistrationOutcome.OK, state=state)

    async def submit_name(self, telegram_id: int, raw: str) -> Result:
        name = employees.clean_name(raw)
        if name is None:
            return Result(RegistrationOutcome.INVALID)
        async with self.db.transaction() as s:
            state = await sessions.get_state(s, telegram_id)
            if state is None or state.flow != Flow.REGISTER or state.step != RegistrationStep.NAME:
                return Result(RegistrationOutcome.STALE)
            state.step = RegistrationStep.CONSENT if state.data.get("opd") else RegistrationStep.OPD
            state.data["name"] = name
            await sessions.set_state(s, telegram_id, state)
        return Result(RegistrationOutcome.OK, state=state)

    async def opd_picker(self, telegram_id: int, token: str) -> FlowState:
        """The registration or profile edit an agency picker's button was drawn for, at its
        agency step (``sessions.expect``: any other is refused as stale)."""
        async with self.db.transaction() as s:
            return await sessions.expect(s, telegram_id, token, _OPD_FLOWS, (RegistrationStep.OPD,))

    async def choose_opd(
        self, telegram_id: int, token: str, code: str, who: TelegramUser | None = None
    ) -> Result:
        """Pick an agency, in registration or in a profile edit (the one the button is for)."""
        if code not in self.catalog.opds:
            return Result(RegistrationOutcome.INVALID)
        async with self.db.transaction() as s:
            state = await sessions.expect(
                s, telegram_id, token, _OPD_FLOWS, (RegistrationStep.OPD,)
            )
            if state.flow == Flow.REGISTER:
                state.step = RegistrationStep.CONSENT
                state.data["opd"] = code
                await sessions.set_state(s, telegram_id, state)
                return Result(RegistrationOutcome.OK, state=state)
            if state.flow == Flow.PROFILE:
                employee = await employees.by_telegram_id(s, telegram_id)
                if employee is None or await self._locked(s, employee, "opd"):
                    return Result(RegistrationOutcome.STALE)
                await sessions.clear_state(s, telegram_id)
                if employee.opd_code != code:
                    employee.opd_code = code
                    await self._reverify(s, employee, who or TelegramUser())
                return Result(RegistrationOutcome.OK, employee=employee)
        return Result(RegistrationOutcome.STALE)

    async def consent(
        self,
        telegram_id: int,
        token: str,
        agreed: bool,
        who: TelegramUser | None = None,
        *,
        optional: bool = True,
    ) -> Result:
        """Confirm the registration (``agreed``), with or without the optional messages
        (reminders and announcements that are not required), which rest on consent."""
        who = who or TelegramUser()
        async with self.db.transaction() as s:
            steps = (RegistrationStep.CONSENT,)
            state = await sessions.expect(s, telegram_id, token, Flow.REGISTER, steps)
            await sessions.take(s, telegram_id, state)
            if not agreed:
                return Result(RegistrationOutcome.INVALID)
            data = state.data
            verified = bool(data.get("verified"))
            owner = await employees.by_nip(s, data["nip"])
            if owner is not None and owner.deactivated_at is not None:
                return Result(RegistrationOutcome.DEACTIVATED)
            if owner is not None and owner.telegram_id not in (None, telegram_id):
                return Result(RegistrationOutcome.TAKEN)
            if await employees.by_telegram_id(s, telegram_id) is not None:
                return Result(RegistrationOutcome.STALE)  # registered meanwhile, elsewhere
            now = self.clock()
            # The notice version read at the first step (None for a registration begun before
            # the notice was versioned: /privasi then asks for the current one).
            privacy_version = data.get("privacy_version")
            privacy_at = _parse_time(data.get("privacy_at"))
            if owner is not None:  # known, unbound: hours stay with the employee
                if not verified:
                    request, reviewers = await file_request(
                        s,
                        self.catalog,
                        self.clock,
                        self.admin_ids,
                        kind="transfer",
                        employee=owner,
                        telegram_id=telegram_id,
                        telegram_name=who.name,
                        telegram_username=who.username,
                        typed_name=str(data.get("name") or ""),
                        new_employee=False,
                    )
                    return Result(
                        RegistrationOutcome.PENDING, request=request, reviewers=len(reviewers)
                    )
                bound = await s.execute(
                    update(Employee)
                    .where(Employee.id == owner.id, Employee.telegram_id.is_(None))
                    .values(
                        telegram_id=telegram_id,
                        verified_at=now,
                        verified_via="phone",
                        verified_by=None,
                        consent_at=now,
                        privacy_version=privacy_version,
                        privacy_at=privacy_at,
                        announcements_opt_out=not optional,
                        is_active=True,
                    )
                    .execution_options(synchronize_session=False)
                )
                if bound.rowcount != 1:  # type: ignore[attr-defined]
                    return Result(RegistrationOutcome.TAKEN)
                await s.refresh(owner)
                await record(s, self.clock, telegram_id, "identity.bind_phone", {"nip": owner.nip})
                await self.reminders.create_default(s, owner.id, enabled=optional)
                return Result(RegistrationOutcome.OK, employee=owner)
            employee = Employee(
                telegram_id=telegram_id,
                nip=data["nip"],
                name=data["name"],
                opd_code=data["opd"],
                kind=data["kind"],
                consent_at=now,
                privacy_version=privacy_version,
                privacy_at=privacy_at,
                announcements_opt_out=not optional,
                last_activity_at=now,
                is_active=True,
            )
            if verified:
                employee.verified_at, employee.verified_via = now, "phone"
                for extra in ("unit_kerja", "jabatan", "golongan"):  # from the roster
                    if data.get(extra):
                        setattr(employee, extra, data[extra])
            s.add(employee)
            try:
                async with s.begin_nested():
                    await s.flush()
            except IntegrityError:
                # Another account registered the same NIP between our check and our insert.
                return Result(RegistrationOutcome.TAKEN)
            await self.reminders.create_default(s, employee.id, enabled=optional)
            if verified:
                await record(
                    s, self.clock, telegram_id, "identity.bind_phone", {"nip": employee.nip}
                )
                return Result(RegistrationOutcome.OK, employee=employee)
            request, reviewers = await file_request(
                s,
                self.catalog,
                self.clock,
                self.admin_ids,
                kind="verify",
                employee=employee,
                telegram_id=telegram_id,
                telegram_name=who.name,
                telegram_username=who.username,
                typed_name=employee.name,
                new_employee=True,
            )
        return Result(
            RegistrationOutcome.OK, employee=employee, request=request, reviewers=len(reviewers)
        )

    # --- a transfer to this account ------------------------------------------------------------
    async def begin_transfer(self, telegram_id: int, token: str) -> Result:
        async with self.db.transaction() as s:
            steps = (RegistrationStep.TAKEN,)
            state = await sessions.expect(s, telegram_id, token, Flow.REGISTER, steps)
            state.step = RegistrationStep.TRANSFER_NAME
            await sessions.set_state(s, telegram_id, state)
        return Result(RegistrationOutcome.OK, state=state)

    async def submit_transfer(
        self, telegram_id: int, raw_name: str, who: TelegramUser | None = None
    ) -> Result:
        """The name typed for a transfer: file the request for the OPD's admins."""
        name = employees.clean_name(raw_name)
        if name is None:
            return Result(RegistrationOutcome.INVALID)
        who = who or TelegramUser()
        async with self.db.transaction() as s:
            state = await sessions.get_state(s, telegram_id)
            if (
                state is None
                or state.flow != Flow.REGISTER
                or state.step != RegistrationStep.TRANSFER_NAME
            ):
                return Result(RegistrationOutcome.STALE)
            await sessions.clear_state(s, telegram_id)
            owner = await employees.by_nip(s, str(state.data["nip"]))
            if owner is None or owner.deactivated_at is not None:
                return Result(RegistrationOutcome.STALE)
            if await employees.by_telegram_id(s, telegram_id) is not None:
                return Result(RegistrationOutcome.STALE)
            request, reviewers = await file_request(
                s,
                self.catalog,
                self.clock,
                self.admin_ids,
                kind="transfer",
                employee=owner,
                telegram_id=telegram_id,
                telegram_name=who.name,
                telegram_username=who.username,
                typed_name=name,
                new_employee=False,
            )
        return Result(RegistrationOutcome.PENDING, request=request, reviewers=len(reviewers))

    # --- agency picker -------------------------------------------------------------------------
    def opd_page(self, page: int) -> OpdPage:
        items = list(self.catalog.opds.values())
        pages = max(1, -(-len(items) // OPD_PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        start = page * OPD_PAGE_SIZE
        return OpdPage(items=items[start : start + OPD_PAGE_SIZE], page=page, pages=pages)

    def opd_search(self, query: str) -> OpdPage:
        matches = agencies.search(self.catalog.opds.values(), query, limit=OPD_PAGE_SIZE)
        return OpdPage(items=matches, page=0, pages=1, query=query)

    # --- profile -------------------------------------------------------------------------------
    async def locked_fields(self, telegram_id: int) -> frozenset[str]:
        """The profile fields the employee may not change: those the roster holds."""
        async with self.db.transaction() as s:
            employee = await employees.by_telegram_id(s, telegram_id)
            if employee is None or await roster.lookup(s, employee.nip) is None:
                return frozenset()
            return frozenset(PROFILE_FIELDS)

    async def _locked(self, s: AsyncSession, employee: Employee, field: str) -> bool:
        return field in PROFILE_FIELDS and await roster.lookup(s, employee.nip) is not None

    async def _reverify(self, s: AsyncSession, employee: Employee, who: TelegramUser) -> None:
        """A verified employee outside the roster changed their name or agency: the change is
        the admins' to confirm, so the account waits for verification again."""
        if employee.verified_at is None or employee.telegram_id is None:
            return
        employee.verified_at = None
        await s.flush()
        await file_request(
            s,
            self.catalog,
            self.clock,
            self.admin_ids,
            kind="verify",
            employee=employee,
            telegram_id=employee.telegram_id,
            telegram_name=who.name,
            telegram_username=who.username,
            typed_name=employee.name,
            new_employee=False,
        )

    async def begin_edit(
        self, telegram_id: int, field: str, message_id: int | None = None
    ) -> Result:
        """Edit one profile field; ``message_id``: the profile message, edited in place with
        the result."""
        if field not in PROFILE_FIELDS:
            return Result(RegistrationOutcome.INVALID)
        async with self.db.transaction() as s:
            employee = await employees.by_telegram_id(s, telegram_id)
            if employee is None:
                return Result(RegistrationOutcome.STALE)
            if await self._locked(s, employee, field):
                return Result(RegistrationOutcome.TAKEN)  # the agency's record: read-only
            data = {"message_id": message_id} if message_id is not None else {}
            state = FlowState(flow=Flow.PROFILE, step=field, data=data)
            await sessions.set_state(s, telegram_id, state)
        return Result(RegistrationOutcome.OK, state=state)

    async def submit_profile_field(
        self, telegram_id: int, raw: str, who: TelegramUser | None = None
    ) -> Result:
        async with self.db.transaction() as s:
            state = await sessions.get_state(s, telegram_id)
            employee = await employees.by_telegram_id(s, telegram_id)
            if state is None or state.flow != Flow.PROFILE or employee is None:
                return Result(RegistrationOutcome.STALE)
            field = state.step
            if await self._locked(s, employee, field):
                await sessions.clear_state(s, telegram_id)
                return Result(RegistrationOutcome.TAKEN)
            if field == "name":
                value = employees.clean_name(raw)
            elif field == "golongan":
                value = employees.clean_golongan(raw, employee.kind)
            elif field in ("unit_kerja", "jabatan"):
                value = employees.clean_free_field(raw)
            else:  # "opd" is chosen with buttons
                return Result(RegistrationOutcome.INVALID, state=state)
            if value is None:
                return Result(RegistrationOutcome.INVALID, state=state)
            changed = getattr(employee, field) != value
            setattr(employee, field, value)
            await sessions.clear_state(s, telegram_id)
            if field == "name" and changed:
                await self._reverify(s, employee, who or TelegramUser())
        return Result(RegistrationOutcome.OK, state=state, employee=employee)


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


async def failed_attempts(s: AsyncSession, telegram_id: int, since: datetime) -> int:
    """How many failed registration attempts an account made since ``since`` (for tests and
    the operator's stats)."""
    return int(
        await s.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(
                AuditEntry.actor_telegram_id == telegram_id,
                AuditEntry.action == FAILED,
                AuditEntry.created_at > since,
            )
        )
        or 0
    )
