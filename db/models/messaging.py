"""Reminders, announcements and the outbox every bulk message goes through."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow


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
    # pending | sending | sent | skipped | blocked | failed | unknown (may have been delivered:
    # the request may have left and no answer was recorded; never sent again)
    status: Mapped[str] = mapped_column(String(8), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(120))  # the worker lease's holder
    # Written (committed) before the request goes out: a claimed row without it was never tried.
    attempt_started_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


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
