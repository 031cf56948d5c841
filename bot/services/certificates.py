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
from datetime import UTC, tzinfo
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot import texts
from bot.core.clock import Clock
from bot.core.errors import NotAllowed, Refusal
from bot.core.jp import JpScale
from bot.documents.verification import (
    CertificateFields,
    certificate_number,
    check_code,
    check_transcript_code,
    format_code,
    make_code,
    make_transcript_code,
    normalize_code,
)
from bot.store import employees
from db.dialects import insert_for
from db.models import AppSecret, Certificate, Employee, JpLedgerEntry, Transcript
from db.session import Database

SECRET_NAME = "certificate_hmac"


class Verdict(StrEnum):
    GENUINE = "genuine"
    UNKNOWN = "unknown"  # well-formed, but no certificate has this code
    MALFORMED = "malformed"  # cannot be a code at all
    TAMPERED = "tampered"  # the stored row no longer matches its code
    SUPERSEDED = "superseded"  # genuine, but a later revision replaced it


@dataclass(frozen=True, slots=True)
class Signer:
    """Who signs certificates, and where: from the settings, frozen into each certificate."""

    issuer: str
    name: str = ""
    nip: str = ""
    title: str = ""
    city: str = ""


@dataclass(frozen=True, slots=True)
class Issued:
    fields: CertificateFields
    code: str  # grouped, as printed


@dataclass(frozen=True, slots=True)
class Verification:
    verdict: Verdict
    fields: CertificateFields | None = None
    transcript: dict[str, Any] | None = None  # a genuine transcript's fields
    latest_revision: int | None = None  # SUPERSEDED: the revision that replaced it


def fields_of(row: Certificate) -> CertificateFields:
    return CertificateFields(
        certificate_no=row.certificate_no,
        nip=row.nip,
        name=row.name,
        module_id=row.module_id,
        module_title=row.module_title,
        category=row.category,
        completed_on=row.completed_on,
        minutes=row.minutes if row.fields_version >= 2 else None,
        jp_centi=row.jp_centi if row.fields_version == 1 else None,
        revision=row.revision,
        issued_on=row.issued_on,
        issuer=row.issuer,
        signer_name=row.signer_name,
        signer_nip=row.signer_nip,
        signer_title=row.signer_title,
        city=row.city,
        fields_version=row.fields_version,
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
    def __init__(
        self,
        db: Database,
        clock: Clock,
        secret: str | None,
        signer: Signer | None = None,
        tz: tzinfo = UTC,
    ) -> None:
        self.db = db
        self.clock = clock
        self.configured_secret = secret
        self.signer = signer or Signer(issuer=texts.ORGANISER)
        self.tz = tz

    async def _verified(self, s: AsyncSession, telegram_id: int) -> Employee | None:
        """The caller, if registered; a document with their name and NIP only once verified."""
        employee = await employees.by_telegram_id(s, telegram_id)
        if employee is not None and employee.verified_at is None:
            raise NotAllowed(Refusal.UNVERIFIED)
        return employee

    async def passed(self, telegram_id: int) -> list[JpLedgerEntry] | None:
        """The caller's credited modules, newest first (None if not registered)."""
        async with self.db.transaction() as s:
            employee = await self._verified(s, telegram_id)
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
        """The caller's certificate for a module they passed, issued on first request, and
        issued again (a new revision, same number, new code) when their verified name changed.

        None when the caller did not pass that module: the module id comes from a button, so
        nobody gets a certificate for a module they never passed, nor someone else's.
        """
        try:
            return await self._issue(telegram_id, module_id)
        except IntegrityError:
            # Another instance issued the same certificate (or revision) at the same moment
            # (the unique employee + module + revision refused ours): theirs is the one.
            return await self._issue(telegram_id, module_id)

    async def _issue(self, telegram_id: int, module_id: str) -> Issued | None:
        async with self.db.transaction() as s:
            employee = await self._verified(s, telegram_id)
            if employee is None:
                return None
            secret = await deployment_secret(s, self.configured_secret)
            latest = await s.scalar(
                select(Certificate)
                .where(Certificate.employee_id == employee.id, Certificate.module_id == module_id)
                .order_by(Certificate.revision.desc())
                .limit(1)
            )
            if latest is not None and latest.name == employee.name:
                return Issued(fields_of(latest), format_code(latest.code))
            entry = await s.scalar(
                select(JpLedgerEntry).where(
                    JpLedgerEntry.employee_id == employee.id,
                    JpLedgerEntry.source_kind == "module",
                    JpLedgerEntry.source_id == module_id,
                )
            )
            if entry is None:
                return None
            revision = latest.revision + 1 if latest is not None else 1
            now = self.clock()
            signer = self.signer
            row = Certificate(
                employee_id=employee.id,
                ledger_entry_id=entry.id,
                certificate_no=latest.certificate_no if latest else f"pending-{entry.id}",
                revision=revision,
                code=f"p{entry.id}r{revision}"[:16],
                nip=employee.nip,
                name=employee.name,
                module_id=module_id,
                module_title=latest.module_title if latest else entry.title,
                category=entry.category,
                fields_version=3,
                minutes=entry.minutes,
                completed_on=entry.ended_on,
                issued_at=now,
                issued_on=now.astimezone(self.tz).date(),
                issuer=signer.issuer,
                signer_name=signer.name or None,
                signer_nip=signer.nip or None,
                signer_title=signer.title or None,
                city=signer.city or None,
            )
            s.add(row)
            await s.flush()  # the row id is the serial of the certificate number
            if latest is None:
                row.certificate_no = certificate_number(entry.ended_on.year, row.id)
            else:  # the earlier revision answers "replaced" from now on
                await s.execute(
                    update(Certificate)
                    .where(Certificate.id == latest.id, Certificate.superseded_at.is_(None))
                    .values(superseded_at=now)
                    .execution_options(synchronize_session=False)
                )
            row.code = normalize_code(make_code(secret, fields_of(row))) or ""
            return Issued(fields_of(row), format_code(row.code))

    async def transcript_code(self, telegram_id: int, fields: dict[str, Any]) -> str:
        """The verification code of a transcript with these fields, recorded so that
        ``/verifikasi`` finds it; the same fields always give the same code."""
        async with self.db.transaction() as s:
            employee = await self._verified(s, telegram_id)
            if employee is None:
                raise NotAllowed(Refusal.UNVERIFIED)
            secret = await deployment_secret(s, self.configured_secret)
            code = make_transcript_code(secret, fields)
            await s.execute(
                insert_for(s, Transcript)
                .values(
                    employee_id=employee.id,
                    code=normalize_code(code),
                    year=int(fields["year"]),
                    fields=fields,
                    issued_at=self.clock(),
                )
                .on_conflict_do_nothing(index_elements=["code"])
            )
            return code

    async def verify(self, typed: str) -> Verification:
        """Whether ``typed`` is the code of a certificate (or transcript) we issued, with
        unchanged fields; a certificate a later revision replaced says so."""
        code = normalize_code(typed)
        if code is None:
            return Verification(Verdict.MALFORMED)
        async with self.db.transaction() as s:
            row = await s.scalar(select(Certificate).where(Certificate.code == code))
            secret = await deployment_secret(s, self.configured_secret)
            if row is None:
                transcript = await s.scalar(select(Transcript).where(Transcript.code == code))
                if transcript is None:
                    return Verification(Verdict.UNKNOWN)
                if not check_transcript_code(secret, transcript.fields, code):
                    return Verification(Verdict.TAMPERED)
                return Verification(Verdict.GENUINE, transcript=dict(transcript.fields))
            fields = fields_of(row)
            latest = None
            if row.superseded_at is not None:
                latest = await s.scalar(
                    select(func.max(Certificate.revision)).where(
                        Certificate.certificate_no == row.certificate_no
                    )
                )
        if not check_code(secret, fields, code):
            return Verification(Verdict.TAMPERED)
        if latest is not None:
            return Verification(Verdict.SUPERSEDED, fields, latest_revision=int(latest))
        return Verification(Verdict.GENUINE, fields)


async def render_pdf(
    issued: Issued,
    scale: JpScale,
    bot_username: str = "",
    *,
    logo: Path | None = None,
    signature: Path | None = None,
) -> bytes:
    """The certificate PDF, rendered in a worker thread so the bot keeps answering meanwhile."""
    from bot.documents.certificate import render_certificate  # fpdf2: load on use

    render = partial(render_certificate, bot_username=bot_username, logo=logo, signature=signature)
    return await asyncio.to_thread(render, issued.fields, issued.code, scale)
