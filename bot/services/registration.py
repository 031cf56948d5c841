"""Registration and profile edits as a small state machine persisted in ``chat_sessions``.

Steps of registration: ``nip`` -> ``name`` -> ``opd`` -> ``consent``. Each method takes what the
user sent, checks it, moves the state on and says what happened; the handlers render that.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.exc import IntegrityError

from bot.core.clock import Clock
from bot.core.content import Catalog, Opd
from bot.core.flows import Flow
from bot.core.nip import NipError, parse_nip
from bot.services.reminders import ReminderService
from bot.store import employees, roster, sessions
from bot.store.sessions import FlowState
from db.models import Employee
from db.session import Database

OPD_PAGE_SIZE = 8
PROFILE_FIELDS = ("name", "opd", "unit_kerja", "jabatan", "golongan")


class RegistrationStep(StrEnum):
    NIP = "nip"
    NAME = "name"
    OPD = "opd"
    CONSENT = "consent"
    ROSTER = "roster"  # "is this you?", when the NIP is in the imported roster


# The flows whose agency step the picker's buttons answer.
_OPD_FLOWS = (Flow.REGISTER, Flow.PROFILE)


class RegistrationOutcome(StrEnum):
    OK = "ok"
    INVALID = "invalid"
    TAKEN = "taken"
    STALE = "stale"
    UNKNOWN = "unknown"  # not in the roster, and the roster is required


@dataclass(frozen=True, slots=True)
class Result:
    outcome: RegistrationOutcome
    state: FlowState | None = None
    reason: str = ""
    employee: Employee | None = None


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
    ) -> None:
        self.roster_allow_unknown = roster_allow_unknown
        self.reminders = reminders
        self.db = db
        self.catalog = catalog
        self.clock = clock

    # --- state ---------------------------------------------------------------------------------
    async def state(self, telegram_id: int) -> FlowState | None:
        async with self.db.transaction() as s:
            return await sessions.get_state(s, telegram_id)

    async def begin(self, telegram_id: int) -> FlowState:
        """Start (or restart) registration at the NIP step."""
        state = FlowState(flow=Flow.REGISTER, step=RegistrationStep.NIP)
        async with self.db.transaction() as s:
            await sessions.set_state(s, telegram_id, state)
        return state

    async def cancel(self, telegram_id: int) -> bool:
        async with self.db.transaction() as s:
            return await sessions.clear_state(s, telegram_id)

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
            owner = await employees.by_nip(s, nip.digits)
            if owner is not None and owner.telegram_id != telegram_id:
                return Result(RegistrationOutcome.TAKEN)
            state.step = RegistrationStep.NAME
            state.data.update(nip=nip.digits, kind=nip.kind.value)
            if await roster.has_roster(s):
                entry = await roster.lookup(s, nip.digits)
                if entry is None and not self.roster_allow_unknown:
                    await sessions.clear_state(s, telegram_id)
                    return Result(RegistrationOutcome.UNKNOWN)
                if entry is not None:
                    state.step = RegistrationStep.ROSTER
                    state.data.update(
                        kind=entry.kind,
                        name=entry.name,
                        opd=entry.opd_code,
                        unit_kerja=entry.unit_kerja,
                        jabatan=entry.jabatan,
                        golongan=entry.golongan,
                    )
            await sessions.set_state(s, telegram_id, state)
        return Result(RegistrationOutcome.OK, state=state)

    async def confirm_roster(self, telegram_id: int, agreed: bool) -> Result:
        """The answer to "is this you?": yes goes to consent, no ends the registration."""
        async with self.db.transaction() as s:
            state = await sessions.get_state(s, telegram_id)
            if (
                state is None
                or state.flow != Flow.REGISTER
                or state.step != RegistrationStep.ROSTER
            ):
                return Result(RegistrationOutcome.STALE)
            if not agreed:
                await sessions.clear_state(s, telegram_id)
                return Result(RegistrationOutcome.INVALID)
            state.step = RegistrationStep.CONSENT
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
            state.step = RegistrationStep.OPD
            state.data["name"] = name
            await sessions.set_state(s, telegram_id, state)
        return Result(RegistrationOutcome.OK, state=state)

    async def opd_picker(self, telegram_id: int, token: str) -> FlowState:
        """The registration or profile edit an agency picker's button was drawn for, at its
        agency step (``sessions.expect``: any other is refused as stale)."""
        async with self.db.transaction() as s:
            return await sessions.expect(s, telegram_id, token, _OPD_FLOWS, (RegistrationStep.OPD,))

    async def choose_opd(self, telegram_id: int, token: str, code: str) -> Result:
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
                if employee is None:
                    return Result(RegistrationOutcome.STALE)
                employee.opd_code = code
                await sessions.clear_state(s, telegram_id)
                return Result(RegistrationOutcome.OK, employee=employee)
        return Result(RegistrationOutcome.STALE)

    async def consent(self, telegram_id: int, agreed: bool) -> Result:
        async with self.db.transaction() as s:
            state = await sessions.get_state(s, telegram_id)
            if (
                state is None
                or state.flow != Flow.REGISTER
                or state.step != RegistrationStep.CONSENT
            ):
                return Result(RegistrationOutcome.STALE)
            await sessions.clear_state(s, telegram_id)
            if not agreed:
                return Result(RegistrationOutcome.INVALID)
            data = state.data
            employee = await employees.by_telegram_id(s, telegram_id)
            owner = await employees.by_nip(s, data["nip"])
            if owner is not None and owner.telegram_id != telegram_id:
                return Result(RegistrationOutcome.TAKEN)
            now = self.clock()
            if employee is None:
                employee = Employee(telegram_id=telegram_id, nip=data["nip"])
                s.add(employee)
            employee.nip = data["nip"]
            employee.name = data["name"]
            employee.opd_code = data["opd"]
            employee.kind = data["kind"]
            employee.consent_at = now
            for extra in ("unit_kerja", "jabatan", "golongan"):  # from the roster, if any
                if data.get(extra):
                    setattr(employee, extra, data[extra])
            employee.last_activity_at = now
            employee.is_active = True
            try:
                await s.flush()
            except IntegrityError:
                # Another account registered the same NIP between our check and our insert.
                return Result(RegistrationOutcome.TAKEN)
            await self.reminders.create_default(s, employee.id)
        return Result(RegistrationOutcome.OK, employee=employee)

    # --- agency picker -------------------------------------------------------------------------
    def opd_page(self, page: int) -> OpdPage:
        items = list(self.catalog.opds.values())
        pages = max(1, -(-len(items) // OPD_PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        start = page * OPD_PAGE_SIZE
        return OpdPage(items=items[start : start + OPD_PAGE_SIZE], page=page, pages=pages)

    def opd_search(self, query: str) -> OpdPage:
        words = query.casefold().split()
        matches = [
            opd
            for opd in self.catalog.opds.values()
            if all(word in opd.name.casefold() or word == opd.code for word in words)
        ]
        return OpdPage(items=matches[:OPD_PAGE_SIZE], page=0, pages=1, query=query)

    # --- profile -------------------------------------------------------------------------------
    async def begin_edit(self, telegram_id: int, field: str) -> Result:
        if field not in PROFILE_FIELDS:
            return Result(RegistrationOutcome.INVALID)
        async with self.db.transaction() as s:
            if await employees.by_telegram_id(s, telegram_id) is None:
                return Result(RegistrationOutcome.STALE)
            state = FlowState(flow=Flow.PROFILE, step=field)
            await sessions.set_state(s, telegram_id, state)
        return Result(RegistrationOutcome.OK, state=state)

    async def submit_profile_field(self, telegram_id: int, raw: str) -> Result:
        async with self.db.transaction() as s:
            state = await sessions.get_state(s, telegram_id)
            employee = await employees.by_telegram_id(s, telegram_id)
            if state is None or state.flow != Flow.PROFILE or employee is None:
                return Result(RegistrationOutcome.STALE)
            field = state.step
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
            setattr(employee, field, value)
            await sessions.clear_state(s, telegram_id)
        return Result(RegistrationOutcome.OK, state=state, employee=employee)
