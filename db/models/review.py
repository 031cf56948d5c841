"""Spaced review: each learner's schedule of questions, review sessions, their polls, answers."""

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
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow


class ReviewCard(Base):
    """One question in one learner's review schedule: FSRS's card state and when it is due.

    ``due_at`` is the start of the local day the card is due (``bot.core.review``); the reminder
    and ``/ulas`` read a learner's due cards through ``ix_review_cards_due``. ``content_version``
    and ``fingerprint`` say which question was learned, so a content change is detected.
    """

    __tablename__ = "review_cards"
    __table_args__ = (
        Index("ix_review_cards_due", "employee_id", "due_at"),
        Index("ix_review_cards_module", "module_id", "content_version"),
    )

    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    module_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    content_version: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(16))
    card: Mapped[dict[str, Any]] = mapped_column()  # fsrs Card.to_dict()
    due_at: Mapped[datetime]
    reviews: Mapped[int] = mapped_column(Integer, default=0)
    lapses: Mapped[int] = mapped_column(Integer, default=0)  # reviews answered wrong
    last_reviewed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewSession(Base):
    """A short run of review questions (``review``) or of a failed attempt's missed questions
    (``practice``). At most one is open per learner: the partial unique index makes two taps
    on /ulas start one session."""

    __tablename__ = "review_sessions"
    __table_args__ = (
        Index(
            "uq_review_sessions_open",
            "employee_id",
            unique=True,
            sqlite_where=text("finished_at IS NULL"),
            postgresql_where=text("finished_at IS NULL"),
        ),
        Index("ix_review_sessions_employee_day", "employee_id", "day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))  # "review" | "practice"
    attempt_id: Mapped[int | None] = mapped_column(Integer)  # practice: the failed attempt
    day: Mapped[date] = mapped_column(Date)  # the local day it started
    # For each question: {"m": module id, "q": question id, "v": version, "perm": [...]}
    plan: Mapped[list[Any]] = mapped_column()
    current_index: Mapped[int] = mapped_column(Integer, default=0)
    correct_count: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class ReviewPoll(Base):
    """A review or practice poll we sent: maps Telegram's poll id back to its session."""

    __tablename__ = "review_polls"

    poll_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("review_sessions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]


class ReviewAnswer(Base):
    """An answer in a session; the daily cap, the minutes credit and the reports count these."""

    __tablename__ = "review_answers"
    __table_args__ = (
        UniqueConstraint("session_id", "position"),
        Index("ix_review_answers_employee", "employee_id", "answered_at"),
        Index("ix_review_answers_answered_at", "answered_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("review_sessions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))
    module_id: Mapped[str] = mapped_column(String(24))
    question_id: Mapped[str] = mapped_column(String(24))
    is_correct: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)
