"""The data subject's rights under UU 27/2022: the notice acknowledged, withdrawal, access
(``/dataku``) and erasure (``/hapus``, and the operator's ``python -m bot erase NIP``).

Retention policy (documented in the README and the notice): erasing an account deletes it with
everything that refers to it; the ledger of competency development, which the agency must keep
(UU 20/2023 Pasal 49, PP 11/2017), is held under the NIP, without the name, the Telegram id or any
file id, in ``retained_records`` for ``SINAU_RETENTION_YEARS``, then the worker deletes it.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.clock import Clock
from bot.core.flows import Flow
from bot.core.nip import NipError, parse_nip
from bot.services.audit import OPERATOR
from bot.services.reminders import ReminderService
from bot.services.roles import record
from bot.store import employees, sessions
from bot.store import privacy as store
from bot.store.privacy import AlreadyErased, PersonalData
from bot.store.sessions import FlowState
from bot.texts.privacy import NOTICE_VERSION
from db.models import Employee, Reminder
from db.session import Database

CONFIRM_STEP = "confirm"
CONFIRM_MINUTES = 10  # a /hapus confirmation is valid this long


def years_after(moment: datetime, years: int) -> datetime:
    """The same date and time ``years`` later (29 February becomes the 28th)."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


@dataclass(frozen=True, slots=True)
class PrivacyStatus:
    """What /privasi shows a registered employee."""

    version: str | None  # the notice version acknowledged
    acknowledged_at: datetime | None
    reminders_on: bool
    announcements_on: bool

    @property
    def current(self) -> bool:
        return self.version == NOTICE_VERSION


class ExportOutcome(StrEnum):
    OK = "ok"
    COOLDOWN = "cooldown"
    NOT_REGISTERED = "not_registered"


@dataclass(frozen=True, slots=True)
class Export:
    outcome: ExportOutcome
    data: PersonalData | None = None
    generated_at: datetime | None = None
    wait_minutes: int = 0


class EraseOutcome(StrEnum):
    OK = "ok"
    STALE = "stale"  # no such confirmation (any more): another button, a repeat, expired
    NOT_REGISTERED = "not_registered"


@dataclass(frozen=True, slots=True)
class ErasePlan:
    """What a confirmation is asked for: its token, and what the retention will keep."""

    token: str
    entries: int
    keep_until: datetime
    minutes: int = CONFIRM_MINUTES


@dataclass(frozen=True, slots=True)
class Erased:
    outcome: EraseOutcome
    retained: int = 0
    keep_until: datetime | None = None
    telegram_id: int | None = None


@dataclass(frozen=True, slots=True)
class OperatorTarget:
    """The account the operator named, for the command line's dry run."""

    name: str
    opd_code: str
    entries: int
    keep_until: datetime


class PrivacyService:
    def __init__(
        self, db: Database, clock: Clock, settings: Settings, reminders: ReminderService
    ) -> None:
        self.db = db
        self.clock = clock
        self.reminders = reminders
        self.retention_years = settings.retention_years
        self.cooldown = timedelta(minutes=settings.data_export_cooldown_minutes)

    def keep_until(self, now: datetime) -> datetime:
        return years_after(now, self.retention_years)

    # --- the notice and withdrawal ----------------------------------------------------------
    async def status(self, telegram_id: int) -> PrivacyStatus | None:
        """None for someone not registered."""
        async with self.db.transaction() as s:
            employee = await employees.by_telegram_id(s, telegram_id)
            if employee is None:
                return None
            reminder = await s.get(Reminder, employee.id)
            return PrivacyStatus(
                version=employee.privacy_version,
                acknowledged_at=employee.privacy_at,
                reminders_on=bool(reminder and reminder.enabled),
                announcements_on=not employee.announcements_opt_out,
            )

    async def acknowledge(self, telegram_id: int) -> PrivacyStatus | None:
        """A registered employee read the current notice."""
        async with self.db.transaction() as s:
            await s.execute(
                update(Employee)
                .where(
                    Employee.telegram_id == telegram_id,
                    or_(
                        Employee.privacy_version.is_(None),
                        Employee.privacy_version != NOTICE_VERSION,
                    ),
                )
                .values(privacy_version=NOTICE_VERSION, privacy_at=self.clock())
            )
        return await self.status(telegram_id)

    async def set_reminders(self, telegram_id: int, on: bool) -> PrivacyStatus | None:
        """Consent to reminders given or withdrawn; a reminder already queued is not sent
        (the renderer checks the setting at send time)."""
        if await self.reminders.set_enabled(telegram_id, on) is None:
            return None
        return await self.status(telegram_id)

    async def set_announcements(self, telegram_id: int, on: bool) -> PrivacyStatus | None:
        """Announcements that are not required: received or not, from the next one queued and
        for those already queued (the renderer checks at send time)."""
        async with self.db.transaction() as s:
            result = await s.execute(
                update(Employee)
                .where(Employee.telegram_id == telegram_id)
                .values(announcements_opt_out=not on)
            )
        if not result.rowcount:  # type: ignore[attr-defined]
            return None
        return await self.status(telegram_id)

    # --- access -----------------------------------------------------------------------------
    async def export(self, telegram_id: int) -> Export:
        """Everything stored about the caller, at most once per cooldown (a conditional
        update claims the export, so two taps at once make one)."""
        now = self.clock()
        async with self.db.transaction() as s:
            claimed = await s.execute(
                update(Employee)
                .where(
                    Employee.telegram_id == telegram_id,
                    or_(
                        Employee.data_export_at.is_(None),
                        Employee.data_export_at <= now - self.cooldown,
                    ),
                )
                .values(data_export_at=now)
                .execution_options(synchronize_session=False)
            )
            employee = await employees.by_telegram_id(s, telegram_id)
            if employee is None:
                return Export(ExportOutcome.NOT_REGISTERED)
            if not claimed.rowcount:  # type: ignore[attr-defined]
                last = employee.data_export_at or now
                wait = max(1, -(-int((last + self.cooldown - now).total_seconds()) // 60))
                return Export(ExportOutcome.COOLDOWN, wait_minutes=wait)
            await s.refresh(employee)
            await record(s, self.clock, telegram_id, "privacy.export", {"employee_id": employee.id})
            data = await store.collect(s, employee)
        return Export(ExportOutcome.OK, data, now)

    # --- erasure ----------------------------------------------------------------------------
    async def begin_erase(self, telegram_id: int) -> ErasePlan | None:
        """Ask for a confirmation; its token is what the buttons carry. None if not registered."""
        now = self.clock()
        async with self.db.transaction() as s:
            employee = await employees.by_telegram_id(s, telegram_id)
            if employee is None:
                return None
            token = secrets.token_hex(4)
            expires = now + timedelta(minutes=CONFIRM_MINUTES)
            state = FlowState(
                Flow.ERASE, CONFIRM_STEP, {"token": token, "expires": expires.isoformat()}
            )
            await sessions.set_state(s, telegram_id, state)
            entries = await store.ledger_count(s, employee.id)
        return ErasePlan(token, entries, self.keep_until(now))

    async def cancel_erase(self, telegram_id: int, token: str) -> bool:
        async with self.db.transaction() as s:
            if await self._confirmation(s, telegram_id, token) is None:
                return False
            return await sessions.clear_state(s, telegram_id)

    async def confirm_erase(self, telegram_id: int, token: str) -> Erased:
        """Erase the caller's account, if ``token`` is the confirmation still open."""
        now = self.clock()
        try:
            async with self.db.transaction() as s:
                if await self._confirmation(s, telegram_id, token) is None:
                    return Erased(EraseOutcome.STALE)
                # The confirmation is used up by this delete: a second tap finds nothing.
                if not await sessions.clear_state(s, telegram_id):
                    return Erased(EraseOutcome.STALE)
                employee = await employees.by_telegram_id(s, telegram_id)
                if employee is None:
                    return Erased(EraseOutcome.NOT_REGISTERED)
                keep_until = self.keep_until(now)
                retained = await self._erase(s, employee, now, keep_until, by="self")
        except AlreadyErased:
            return Erased(EraseOutcome.STALE)
        return Erased(EraseOutcome.OK, retained, keep_until, telegram_id)

    async def _confirmation(
        self, s: AsyncSession, telegram_id: int, token: str
    ) -> FlowState | None:
        state = await sessions.get_state(s, telegram_id)
        if state is None or state.flow != Flow.ERASE or state.step != CONFIRM_STEP:
            return None
        if state.data.get("token") != token:
            return None
        try:
            expires = datetime.fromisoformat(str(state.data.get("expires")))
        except ValueError:
            return None
        return state if self.clock() <= expires else None

    async def _erase(
        self, s: AsyncSession, employee: Employee, now: datetime, keep_until: datetime, *, by: str
    ) -> int:
        retained = await store.erase(s, employee, now, keep_until)
        # Without the erased data: no NIP, no name, no Telegram id (the actor is "the person"
        # or the operator, both recorded as the operator's id with ``by`` telling which).
        await record(
            s,
            self.clock,
            OPERATOR,
            "privacy.erase",
            {
                "employee_id": employee.id,
                "by": by,
                "retained_records": retained,
                "keep_until": keep_until.isoformat(),
            },
        )
        return retained

    # --- the operator's command line ----------------------------------------------------------
    async def find_for_operator(self, raw_nip: str) -> OperatorTarget | None:
        """The account with this NIP, for the dry run (``NipError`` for a malformed NIP)."""
        nip = parse_nip(raw_nip).digits
        async with self.db.transaction() as s:
            employee = await employees.by_nip(s, nip)
            if employee is None:
                return None
            entries = await store.ledger_count(s, employee.id)
            return OperatorTarget(
                employee.name, employee.opd_code, entries, self.keep_until(self.clock())
            )

    async def erase_by_operator(self, raw_nip: str) -> Erased:
        """``python -m bot erase NIP --yes``: the same erasure, by the operator."""
        try:
            nip = parse_nip(raw_nip).digits
        except NipError:
            return Erased(EraseOutcome.NOT_REGISTERED)
        now = self.clock()
        try:
            async with self.db.transaction() as s:
                employee = await employees.by_nip(s, nip)
                if employee is None:
                    return Erased(EraseOutcome.NOT_REGISTERED)
                telegram_id = employee.telegram_id
                keep_until = self.keep_until(now)
                retained = await self._erase(s, employee, now, keep_until, by="operator")
        except AlreadyErased:
            return Erased(EraseOutcome.STALE)
        return Erased(EraseOutcome.OK, retained, keep_until, telegram_id)


async def render_export(export: Export, settings: Settings) -> tuple[bytes, bytes]:
    """The export as (PDF, JSON), rendered in a worker thread so the bot keeps answering."""
    # fpdf2 is imported when a PDF is made, not at start-up (it is most of a process's memory).
    from bot.documents.personal_data import PersonalDocument, render_json, render_pdf

    assert export.data is not None and export.generated_at is not None
    person = export.data.sections[Employee.__tablename__][0]
    document = PersonalDocument(
        sections=export.data.sections,
        name=str(person["name"]),
        nip=str(person["nip"]),
        generated_at=export.generated_at,
        tz=settings.tz,
        controller=settings.privacy_controller,
        contact=settings.privacy_contact,
        notice_version=NOTICE_VERSION,
    )

    def both() -> tuple[bytes, bytes]:
        return render_pdf(document), render_json(document)

    return await asyncio.to_thread(both)
