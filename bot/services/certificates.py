"""E-certificates for passed modules, and checking that a certificate is genuine.

A certificate freezes the fields its verification code covers (name, NIP, module, JP, date) in
its own row, so renaming a module or an employee later does not invalidate what was printed.
The HMAC key is ``SINAU_CERT_SECRET`` when set; otherwise a random key is generated on first use
and kept in ``app_secrets``, stable for the deployment and never a constant in the code.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import Clock
from bot.core.jp import JpScale
from bot.documents.verification import (
    CertificateFields,
    certificate_number,
    check_code,
    format_code,
    make_code,
    normalize_code,
)
from bot.store import employees
from db.dialects import insert_for
from db.models import AppSecret, Certificate, JpLedgerEntry
from db.session import Database

SECRET_NAME = "certificate_hmac"


class Verdict(StrEnum):
    GENUINE = "genuine"
    UNKNOWN = "unknown"  # well-formed, but no certificate has this code
    MALFORMED = "malformed"  # cannot be a code at all
    TAMPERED = "tampered"  # the stored row no longer matches its code


@dataclass(frozen=True, slots=True)
class Issued:
    fields: CertificateFields
    code: str  # grouped, as printed


@dataclass(frozen=True, slots=True)
class Verification:
    verdict: Verdict
    fields: CertificateFields | None = None


def fields_of(row: Certificate) -> CertificateFields:
    return CertificateFields(
        certificate_no=row.certificate_no,
        nip=row.nip,
        name=row.name,
        module_id=row.module_id,
        module_title=row.module_title,
        category=row.category,
        completed_on=row.completed_on,
        minutes=row.minutes if row.fields_version == 2 else None,
        jp_centi=row.jp_centi if row.fields_version == 1 else None,
    )


async def deployment_secret(s: AsyncSession, configured: str | None) -> bytes:
    """The HMAC key: the configured one, or this deployment's own, created once.

    Two processes creating it at once both insert-or-ignore and then read the one that won.
    """
    if configured:
        return configured.encode("utf-8")
    row = await s.get(AppSecret, SECRET_NAME)
    if row is None:
        await s.execute(
            insert_for(s, AppSecret)
            .values(name=SECRET_NAME, value=secrets.token_hex(32))
            .on_conflict_do_nothing(index_elements=["name"])
        )
        row = await s.get(AppSecret, SECRET_NAME)
        assert row is not None
    return bytes.fromhex(row.value)


class CertificateService:
    def __init__(self, db: Database, clock: Clock, secret: str | None) -> None:
        self.db = db
        self.clock = clock
        self.configured_secret = secret

    async def passed(self, telegram_id: int) -> list[JpLedgerEntry] | None:
        """The caller's credited modules, newest first (None if not registered)."""
        async with self.db.transaction() as s:
            employee = await employees.by_telegram_id(s, telegram_id)
            if employee is None:
                return None
            rows = await s.scalars(
                select(JpLedgerEntry)
                .where(
                    JpLedgerEntry.employee_id == employee.id,
                    JpLedgerEntry.source_kind == "module",
                )
                .order_by(JpLedgerEntry.ended_on.desc(), JpLedgerEntry.id.desc())
            )
            return list(rows)

    async def issue(self, telegram_id: int, module_id: str) -> Issued | None:
        """The caller's certificate for a module they passed, issued on first request.

        None when the caller did not pass that module: the module id comes from a button, so
        nobody gets a certificate for a module they never passed, nor someone else's.
        """
        try:
            return await self._issue(telegram_id, module_id)
        except IntegrityError:
            # Another instance issued the same certificate at the same moment (the unique
            # employee + module constraint refused ours): theirs is the one, so read it.
            return await self._issue(telegram_id, module_id)

    async def _issue(self, telegram_id: int, module_id: str) -> Issued | None:
        async with self.db.transaction() as s:
            employee = await employees.by_telegram_id(s, telegram_id)
            if employee is None:
                return None
            secret = await deployment_secret(s, self.configured_secret)
            row = await s.scalar(
                select(Certificate).where(
                    Certificate.employee_id == employee.id, Certificate.module_id == module_id
                )
            )
            if row is None:
                entry = await s.scalar(
                    select(JpLedgerEntry).where(
                        JpLedgerEntry.employee_id == employee.id,
                        JpLedgerEntry.source_kind == "module",
                        JpLedgerEntry.source_id == module_id,
                    )
                )
                if entry is None:
                    return None
                row = Certificate(
                    employee_id=employee.id,
                    ledger_entry_id=entry.id,
                    certificate_no=f"pending-{entry.id}",
                    code=f"p{entry.id}"[:16],
                    nip=employee.nip,
                    name=employee.name,
                    module_id=module_id,
                    module_title=entry.title,
                    category=entry.category,
                    fields_version=2,
                    minutes=entry.minutes,
                    completed_on=entry.ended_on,
                    issued_at=self.clock(),
                )
                s.add(row)
                await s.flush()  # the row id is the serial of the certificate number
                row.certificate_no = certificate_number(entry.ended_on.year, row.id)
                row.code = normalize_code(make_code(secret, fields_of(row))) or ""
            fields = fields_of(row)
            return Issued(fields, format_code(row.code))

    async def verify(self, typed: str) -> Verification:
        """Whether ``typed`` is the code of a certificate we issued, with unchanged fields."""
        code = normalize_code(typed)
        if code is None:
            return Verification(Verdict.MALFORMED)
        async with self.db.transaction() as s:
            row = await s.scalar(select(Certificate).where(Certificate.code == code))
            if row is None:
                return Verification(Verdict.UNKNOWN)
            secret = await deployment_secret(s, self.configured_secret)
            fields = fields_of(row)
        if not check_code(secret, fields, code):
            return Verification(Verdict.TAMPERED)
        return Verification(Verdict.GENUINE, fields)


async def render_pdf(issued: Issued, scale: JpScale, bot_username: str = "") -> bytes:
    """The certificate PDF, rendered in a worker thread so the bot keeps answering meanwhile."""
    from bot.documents.certificate import render_certificate  # fpdf2: load on use

    return await asyncio.to_thread(
        render_certificate, issued.fields, issued.code, scale, bot_username=bot_username
    )
