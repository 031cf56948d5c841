"""The database schema. Alembic migrations in ``db/migrations`` create and evolve it.

Times are stored as naive UTC and returned as aware UTC (``UtcDateTime``), the same on SQLite and
PostgreSQL. JP amounts are integer hundredths of a JP (``jp_centi``), never floats.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every dialect (SQLite has no time zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime(),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


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
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ModuleProgress(Base):
    __tablename__ = "module_progress"
    __table_args__ = (UniqueConstraint("employee_id", "module_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(24))
    content_version: Mapped[int] = mapped_column(Integer)
    current_card: Mapped[int] = mapped_column(Integer, default=0)
    furthest_card: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    best_score: Mapped[int | None] = mapped_column(Integer)  # percent
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class QuizAttempt(Base):
    __tablename__ = "quiz_attempts"
    __table_args__ = (Index("ix_quiz_attempts_open", "employee_id", "module_id", "finished_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(24))
    content_version: Mapped[int] = mapped_column(Integer)
    # For each asked question: {"q": question index, "perm": [original option index per shown slot]}
    plan: Mapped[list[Any]] = mapped_column(default=list)
    current_index: Mapped[int] = mapped_column(Integer, default=0)
    correct_count: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[int | None] = mapped_column(Integer)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class QuizPoll(Base):
    """A quiz poll we sent: maps Telegram's poll id back to an attempt and a question."""

    __tablename__ = "quiz_polls"

    poll_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_attempts.id", ondelete="CASCADE"), index=True
    )
    question_index: Mapped[int] = mapped_column(Integer)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuizAnswer(Base):
    __tablename__ = "quiz_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"))
    question_index: Mapped[int] = mapped_column(Integer)  # position in the attempt's plan
    question_ref: Mapped[int] = mapped_column(Integer)  # index of the question in the module
    poll_id: Mapped[str] = mapped_column(String(64))
    chosen: Mapped[list[Any]] = mapped_column()  # original option indices
    is_correct: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


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
    jp_centi: Mapped[int] = mapped_column(Integer)
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


class Reminder(Base):
    """A learner's reminder choice and the persisted next due time the minute tick looks up.

    ``next_due_at`` is NULL when reminders are off or the learner blocked the bot, so the tick's
    indexed range scan only ever meets rows that are really due.
    """

    __tablename__ = "reminders"

    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    minute_of_day: Mapped[int] = mapped_column(Integer)  # local time, 0..1439
    weekdays_only: Mapped[bool] = mapped_column(Boolean, default=True)
    paused_until: Mapped[datetime | None]
    next_due_at: Mapped[datetime | None] = mapped_column(index=True)
    last_sent_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class OutboundMessage(Base):
    """One message to deliver in bulk (a reminder now, an announcement later): the outbox.

    A row is written in the same transaction as the decision to send, and ``dedup_key`` is
    unique, so a decision is recorded once however many ticks or instances race. The sender
    claims rows (pending -> sending) before calling Telegram and records the outcome after.
    """

    __tablename__ = "outbound_messages"
    __table_args__ = (
        Index("ix_outbound_messages_queue", "status", "not_before", "id"),
        Index("ix_outbound_messages_broadcast", "broadcast_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "reminder" | "broadcast"
    dedup_key: Mapped[str] = mapped_column(String(96), unique=True)
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE")
    )
    employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # pending | sending | sent | skipped | blocked | failed
    status: Mapped[str] = mapped_column(String(8), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(String(200))
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


class Broadcast(Base):
    """An announcement: what to send, to whom, when, and where its progress is shown."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by: Mapped[int] = mapped_column(BigInteger)  # Telegram id of the admin
    scope_opd: Mapped[str | None] = mapped_column(String(24))  # an OPD admin's own OPD
    text: Mapped[str] = mapped_column(String(5000))  # Telegram HTML, checked before saving
    media_kind: Mapped[str | None] = mapped_column(String(16))  # "photo" | "document"
    media_file_id: Mapped[str | None] = mapped_column(String(200))
    button: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # {"label", "module"|"url"}
    audience: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # draft | scheduled | queued | sending | done | cancelled
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    scheduled_at: Mapped[datetime | None] = mapped_column(index=True)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    status_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    status_message_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_at: Mapped[datetime | None]
    # The counts the status message shows now: an edit that would change nothing is skipped.
    progress_counts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    queued_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class Lease(Base):
    """A named lease one instance holds at a time (the background worker), with an expiry, so
    a second instance takes over within a bounded time if the holder dies."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    expires_at: Mapped[datetime]


class ProcessedUpdate(Base):
    """Update ids already handled, so a redelivered update is not handled twice."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


__all__ = [
    "AdminRole",
    "AuditEntry",
    "Base",
    "Broadcast",
    "ChatSession",
    "Employee",
    "JpLedgerEntry",
    "Lease",
    "ModuleProgress",
    "OutboundMessage",
    "ProcessedUpdate",
    "QuizAnswer",
    "QuizAttempt",
    "QuizPoll",
    "Reminder",
    "utcnow",
]


# --- Training hours: outside trainings, certificates, the roster (issue "Training hours") ------
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
    jp_centi: Mapped[int] = mapped_column(Integer)
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
    """An issued e-certificate: the exact fields its verification code covers, frozen."""

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("employee_id", "module_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    ledger_entry_id: Mapped[int] = mapped_column(ForeignKey("jp_ledger.id", ondelete="CASCADE"))
    certificate_no: Mapped[str] = mapped_column(String(40), unique=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # normalised, no dashes
    nip: Mapped[str] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(120))
    module_id: Mapped[str] = mapped_column(String(24))
    module_title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(24))
    jp_centi: Mapped[int] = mapped_column(Integer)
    completed_on: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)


class AppSecret(Base):
    """Secrets the deployment derives for itself on first use (the certificate HMAC key)."""

    __tablename__ = "app_secrets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


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


# Reports group a year's ledger by employee: this index covers that scan (no table lookups).
Index(
    "ix_jp_ledger_year_employee_cover",
    JpLedgerEntry.year,
    JpLedgerEntry.employee_id,
    JpLedgerEntry.category,
    JpLedgerEntry.jp_centi,
)

__all__ += ["AppSecret", "Certificate", "ExternalTraining", "RosterEntry"]
