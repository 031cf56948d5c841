"""Employees, their multi-step chat sessions, the roster, admin roles and the audit log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow


class Employee(Base):
    __tablename__ = "employees"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    nip: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    opd_code: Mapped[str] = mapped_column(String(24), index=True)
    unit_kerja: Mapped[str | None] = mapped_column(String(120))
    jabatan: Mapped[str | None] = mapped_column(String(120))
    golongan: Mapped[str | None] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(8))  # "PNS" or "PPPK"
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    consent_at: Mapped[datetime]
    last_activity_at: Mapped[datetime | None]
    # Days in a row with learning activity, and the local day of the latest activity.
    streak_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    streak_day: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


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
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


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
