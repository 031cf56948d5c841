"""Required learning: an assignment of a module or a learning path to an audience, and its
members (materialised, so people who join the audience later get a due date of their own)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, false
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
    indexed range scan, like ``reminders.next_due_at``; NULL once nothing is left to remind).

    ``completed_at`` is the completion that counts (a module's latest pass; a path's oldest of
    its modules' latest passes), kept here so compliance is a GROUP BY over this table instead
    of a join of the ledger: found when the person becomes a member, and brought up to date
    after each pass (``AssignmentPending``). Whether it still counts (the recurrence window)
    is decided when read. ``on_time``: it was completed by the due date of that cycle.
    ``started``: they opened one of the target's modules (``module_progress``), ever; found at
    membership and from the ``module_progress`` rows added since the last refresh."""

    __tablename__ = "assignment_members"
    __table_args__ = (
        Index("ix_assignment_members_remind", "next_remind_on"),
        Index("ix_assignment_members_employee", "employee_id"),
        # Compliance reads one assignment's members from this index alone.
        Index(
            "ix_assignment_members_report",
            "assignment_id",
            "employee_id",
            "due_on",
            "completed_at",
            "on_time",
            "started",
        ),
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
    completed_at: Mapped[datetime | None]
    on_time: Mapped[bool | None] = mapped_column(Boolean)
    started: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class AssignmentPending(Base):
    """An assignment member who passed a module since their completions were last brought up
    to date: written by the quiz's pass (one cheap INSERT in its transaction), read and deleted
    by ``AssignmentService.refresh`` before compliance is counted and by the daily tick."""

    __tablename__ = "assignment_pending"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))


class AssignmentMark(Base):
    """How far ``AssignmentService.refresh`` has read an append-only table: ``started`` is the
    highest ``module_progress.id`` whose module starts were copied to the members."""

    __tablename__ = "assignment_marks"

    name: Mapped[str] = mapped_column(String(24), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
