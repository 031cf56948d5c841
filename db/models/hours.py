"""The JP ledger, outside trainings, certificates and the derived secret."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow


class JpLedgerEntry(Base):
    """One credit of competency hours, with its evidence and the national course-record fields."""

    __tablename__ = "jp_ledger"
    __table_args__ = (
        UniqueConstraint("employee_id", "source_kind", "source_id"),
        Index("ix_jp_ledger_employee_year", "employee_id", "year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[int] = mapped_column(Integer)  # learning time credited; JP is derived
    source_kind: Mapped[str] = mapped_column(String(16))  # "module" | "external"
    source_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(24))
    activity_kind: Mapped[str] = mapped_column(String(40))  # e.g. "e-learning (mikro)"
    organiser: Mapped[str] = mapped_column(String(120))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date] = mapped_column(Date)
    certificate_no: Mapped[str | None] = mapped_column(String(80))
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    credited_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExternalTraining(Base):
    """A training done elsewhere, reported by the employee and verified by an OPD admin.

    The certificate file stays on Telegram's servers: we keep its ``file_id`` and never
    download it, so no personal document is copied to our disk. Approval writes a ledger credit
    with source kind ``external`` and this row's id as the source id, so it is credited once.
    """

    __tablename__ = "external_trainings"
    __table_args__ = (
        Index("ix_external_trainings_status_opd", "status", "opd_code"),
        Index("ix_external_trainings_employee", "employee_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    opd_code: Mapped[str] = mapped_column(String(24))  # the employee's OPD when submitted
    title: Mapped[str] = mapped_column(String(200))
    organiser: Mapped[str] = mapped_column(String(120))
    activity_kind: Mapped[str] = mapped_column(String(40))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date] = mapped_column(Date)
    jp_centi: Mapped[int] = mapped_column(Integer)  # JP as printed on the certificate, x 100
    certificate_no: Mapped[str] = mapped_column(String(80))
    certificate_key: Mapped[str] = mapped_column(String(80), index=True)  # normalised, for dupes
    duplicate_of: Mapped[int | None] = mapped_column(Integer)  # an earlier report, same number
    file_id: Mapped[str] = mapped_column(String(200))
    file_unique_id: Mapped[str] = mapped_column(String(64))
    file_kind: Mapped[str] = mapped_column(String(8))  # "photo" | "document"
    file_name: Mapped[str | None] = mapped_column(String(120))
    file_size: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending|approved|rejected
    reason: Mapped[str | None] = mapped_column(String(300))
    reviewed_by: Mapped[int | None] = mapped_column(BigInteger)  # Telegram id of the admin
    reviewed_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)


class Certificate(Base):
    """An issued e-certificate: the exact fields its verification code covers, frozen.

    A correction of the name issues a new revision under the same number, with a new code; the
    earlier revision is then ``superseded_at`` and its code answers so.
    """

    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("employee_id", "module_id", "revision", name="uq_certificates_revision"),
        UniqueConstraint("certificate_no", "revision", name="uq_certificates_number_revision"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    ledger_entry_id: Mapped[int] = mapped_column(ForeignKey("jp_ledger.id", ondelete="CASCADE"))
    certificate_no: Mapped[str] = mapped_column(String(40))
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    superseded_at: Mapped[datetime | None]
    code: Mapped[str] = mapped_column(String(16), unique=True)  # normalised, no dashes
    nip: Mapped[str] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(120))
    module_id: Mapped[str] = mapped_column(String(24))
    module_title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(24))
    # The learning time on the certificate: minutes (fields version 2), or, on certificates
    # issued before credits were minutes, JP in hundredths (version 1); the code covers it.
    fields_version: Mapped[int] = mapped_column(Integer, default=2, server_default="1")
    minutes: Mapped[int | None] = mapped_column(Integer)
    jp_centi: Mapped[int | None] = mapped_column(Integer)
    completed_on: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Fields version 3: who signs, where and when, as printed (and covered by the code).
    issued_on: Mapped[date | None] = mapped_column(Date)
    issuer: Mapped[str | None] = mapped_column(String(120))
    signer_name: Mapped[str | None] = mapped_column(String(120))
    signer_nip: Mapped[str | None] = mapped_column(String(24))
    signer_title: Mapped[str | None] = mapped_column(String(120))
    city: Mapped[str | None] = mapped_column(String(60))


class Transcript(Base):
    """An issued transcript: its verification code and the fields it covers, frozen."""

    __tablename__ = "transcripts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(16), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)  # what the code covers
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)


class AppSecret(Base):
    """Secrets the deployment derives for itself on first use (the certificate HMAC key)."""

    __tablename__ = "app_secrets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# Reports group a year's ledger by employee: this index covers that scan (no table lookups).
Index(
    "ix_jp_ledger_year_employee_cover",
    JpLedgerEntry.year,
    JpLedgerEntry.employee_id,
    JpLedgerEntry.category,
    JpLedgerEntry.minutes,
)
