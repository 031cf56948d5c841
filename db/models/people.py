"""Employees, their multi-step chat sessions, the roster, identity requests, admin roles and the
audit log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow


class Employee(Base):
    """A person in service, by NIP or NI PPPK, and the Telegram account bound to them.

    The hours belong to the employee, not to the account: an account can be unbound (lost
    phone, a new account) and another one bound later, after verification. ``verified_at`` says
    that the bound person was confirmed (by a matching phone or an admin); until then the
    minutes are recorded but count in no official total. A deactivated employee has no account.
    """

    __tablename__ = "employees"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    nip: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    opd_code: Mapped[str] = mapped_column(String(24))
    unit_kerja: Mapped[str | None] = mapped_column(String(120))
    jabatan: Mapped[str | None] = mapped_column(String(120))
    golongan: Mapped[str | None] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(8))  # "PNS" or "PPPK"
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    verified_at: Mapped[datetime | None]
    verified_via: Mapped[str | None] = mapped_column(String(8))  # phone | admin | operator
    verified_by: Mapped[int | None] = mapped_column(BigInteger)  # the admin's Telegram id
    deactivated_at: Mapped[datetime | None]
    consent_at: Mapped[datetime]  # when registration was confirmed
    # The version of the privacy notice (/privasi) the employee acknowledged, and when; NULL for
    # accounts registered before the notice was versioned (revision 0009).
    privacy_version: Mapped[str | None] = mapped_column(String(16))
    privacy_at: Mapped[datetime | None]
    # Withdrawn from announcements that are not required (consent-based); reminders are
    # withdrawn by turning them off (``reminders.enabled``).
    announcements_opt_out: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    data_export_at: Mapped[datetime | None]  # the latest /dataku, for its per-user limit
    last_activity_at: Mapped[datetime | None]
    # Days in a row with learning activity, and the local day of the latest activity.
    streak_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    streak_day: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    # By OPD, and covering what the per-OPD recap reads of each employee (kind, verified,
    # deactivated, registered): the province recap then reads the index alone, in OPD order,
    # instead of one table row per employee (``bench/hours.py``: 300,000 employees).
    __table_args__ = (
        Index(
            "ix_employees_opd_recap",
            "opd_code",
            "kind",
            "verified_at",
            "deactivated_at",
            "telegram_id",
            "id",
        ),
    )


class ChatSession(Base):
    """Where a user is in a multi-step flow (registration, profile edit), kept across restarts."""

    __tablename__ = "chat_sessions"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    flow: Mapped[str] = mapped_column(String(24))
    step: Mapped[str] = mapped_column(String(24))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # A new random token at every change of the state: every button of a flow carries the token
    # of the state it was drawn for, and ``bot.store.sessions.expect`` refuses any other.
    token: Mapped[str | None] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RosterEntry(Base):
    """An employee as the personnel agency lists them, imported from CSV/XLSX."""

    __tablename__ = "roster"

    nip: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    opd_code: Mapped[str] = mapped_column(String(24), index=True)
    unit_kerja: Mapped[str | None] = mapped_column(String(120))
    jabatan: Mapped[str | None] = mapped_column(String(120))
    golongan: Mapped[str | None] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(8))
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164, for verification by phone
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class IdentityRequest(Base):
    """An account asking to be confirmed as an employee, reviewed by an admin of the OPD.

    ``verify``: a new registration without a phone to check (the account is bound, unverified).
    ``transfer``: an account asking for an employee already known (bound to another account, or
    unbound); nothing is bound until an admin approves. Decided once: the decision is a
    conditional update of ``status`` from pending.
    """

    __tablename__ = "identity_requests"
    __table_args__ = (Index("ix_identity_requests_status_opd", "status", "opd_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # verify | transfer
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    telegram_id: Mapped[int] = mapped_column(BigInteger, index=True)  # who asks
    old_telegram_id: Mapped[int | None] = mapped_column(BigInteger)  # bound when asked
    telegram_name: Mapped[str] = mapped_column(String(120))
    telegram_username: Mapped[str | None] = mapped_column(String(40))
    typed_name: Mapped[str] = mapped_column(String(120))
    opd_code: Mapped[str] = mapped_column(String(24))
    new_employee: Mapped[bool] = mapped_column(Boolean, default=False)  # created by this request
    status: Mapped[str] = mapped_column(
        String(10), default="pending"
    )  # pending|approved|refused|cancelled
    reason: Mapped[str | None] = mapped_column(String(300))
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AdminRole(Base):
    """A role granted in the bot. Superadmins may also come from ``SINAU_ADMIN_IDS``."""

    __tablename__ = "admin_roles"

    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    role: Mapped[str] = mapped_column(String(16))  # "superadmin" | "opd_admin"
    opd_code: Mapped[str | None] = mapped_column(String(24), index=True)  # for an OPD admin
    granted_by: Mapped[int] = mapped_column(BigInteger)  # Telegram id of the superadmin
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """Every admin action: who, what, when, and its parameters (audience, counts...)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_telegram_id: Mapped[int] = mapped_column(BigInteger, index=True)
    action: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
