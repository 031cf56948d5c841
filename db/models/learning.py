"""Reading modules and taking their quizzes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow


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
    # Time on task: when the current card was shown (Unix seconds; NULL when no card is open)
    # and the reading time so far in this version, each card counted up to its cap.
    card_shown_ts: Mapped[int | None] = mapped_column(BigInteger)
    reading_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # After a failed attempt: the cards to re-read (bit i = card i) before a retry, or the
    # time from which a retry is allowed anyway.
    reread_mask: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    retry_at: Mapped[datetime | None]
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
    # Set when the attempt ends: graded (``passed`` set) or abandoned (``passed`` NULL).
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
    closed_at: Mapped[datetime | None]  # stopped (stopPoll) before it was answered


class QuizAnswer(Base):
    __tablename__ = "quiz_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"))
    question_index: Mapped[int] = mapped_column(Integer)  # position in the attempt's plan
    question_ref: Mapped[int] = mapped_column(Integer)  # index of the question in the module
    question_id: Mapped[str | None] = mapped_column(String(24))  # its id in the content
    poll_id: Mapped[str] = mapped_column(String(64))
    chosen: Mapped[list[Any]] = mapped_column()  # original option indices
    is_correct: Mapped[bool] = mapped_column(Boolean)
    # Indexed for the reports' most-missed questions of the last 30 days.
    answered_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
