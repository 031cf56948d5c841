"""Required learning: an assignment of a module or a learning path to an audience, and its
members (materialised, so people who join the audience later get a due date of their own)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow


class Assignment(Base):
    """A module or a path that an audience must complete by a due date (23:59 WIB), optionally
    again every ``recurrence_months``. It belongs to the agency, not to the admin who made it:
    a revoked role cancels nothing."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by: Mapped[int] = mapped_column(BigInteger)  # Telegram id of the admin
    scope_opd: Mapped[str | None] = mapped_column(String(24))  # an OPD admin's own OPD
    target_kind: Mapped[str] = mapped_column(String(8))  # "module" | "path"
    target_id: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(120))  # the target's title when assigned
    audience: Mapped[dict[str, Any]] = mapped_column(default=dict)
    due_on: Mapped[date] = mapped_column(Date)
    recurrence_months: Mapped[int | None] = mapped_column(Integer)
    join_days: Mapped[int] = mapped_column(Integer, default=30)  # due date of a later joiner
    status: Mapped[str] = mapped_column(String(10), default="active", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]
    cancelled_by: Mapped[int | None] = mapped_column(BigInteger)


class AssignmentMember(Base):
    """A person assigned: their first due date, and the next day a reminder is due (the tick's
    indexed range scan, like ``reminders.next_due_at``; NULL once nothing is left to remind)."""

    __tablename__ = "assignment_members"
    __table_args__ = (
        Index("ix_assignment_members_remind", "next_remind_on"),
        Index("ix_assignment_members_employee", "employee_id"),
    )

    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    due_on: Mapped[date] = mapped_column(Date)  # the current cycle's due date
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_remind_on: Mapped[date | None] = mapped_column(Date)
    last_reminded_on: Mapped[date | None] = mapped_column(Date)
