"""spaced review: each learner's schedule of questions (FSRS card state), review sessions,
their polls and answers; quiz answers indexed by time for the reports' most-missed questions

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "review_cards",
        sa.Column("employee_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("module_id", sa.String(length=24), nullable=False),
        sa.Column("question_id", sa.String(length=24), nullable=False),
        sa.Column("content_version", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=16), nullable=False),
        sa.Column("card", sa.JSON(), nullable=False),
        sa.Column("due_at", db.models.base.UtcDateTime(), nullable=False),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("lapses", sa.Integer(), nullable=False),
        sa.Column("last_reviewed_at", db.models.base.UtcDateTime(), nullable=True),
        sa.Column("created_at", db.models.base.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_review_cards_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "employee_id", "module_id", "question_id", name=op.f("pk_review_cards")
        ),
    )
    with op.batch_alter_table("review_cards", schema=None) as batch_op:
        batch_op.create_index("ix_review_cards_due", ["employee_id", "due_at"], unique=False)
        batch_op.create_index(
            "ix_review_cards_module", ["module_id", "content_version"], unique=False
        )

    op.create_table(
        "review_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("current_index", sa.Integer(), nullable=False),
        sa.Column("correct_count", sa.Integer(), nullable=False),
        sa.Column("started_at", db.models.base.UtcDateTime(), nullable=False),
        sa.Column("finished_at", db.models.base.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_review_sessions_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_sessions")),
    )
    with op.batch_alter_table("review_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_review_sessions_employee_day", ["employee_id", "day"], unique=False
        )
        batch_op.create_index(
            "uq_review_sessions_open",
            ["employee_id"],
            unique=True,
            sqlite_where=sa.text("finished_at IS NULL"),
            postgresql_where=sa.text("finished_at IS NULL"),
        )

    op.create_table(
        "review_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("module_id", sa.String(length=24), nullable=False),
        sa.Column("question_id", sa.String(length=24), nullable=False),
        sa.Column("is_correct", sa.Boolean(), nullable=False),
        sa.Column("answered_at", db.models.base.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_review_answers_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["review_sessions.id"],
            name=op.f("fk_review_answers_session_id_review_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_answers")),
        sa.UniqueConstraint("session_id", "position", name=op.f("uq_review_answers_session_id")),
    )
    with op.batch_alter_table("review_answers", schema=None) as batch_op:
        batch_op.create_index("ix_review_answers_answered_at", ["answered_at"], unique=False)
        batch_op.create_index(
            "ix_review_answers_employee", ["employee_id", "answered_at"], unique=False
        )

    op.create_table(
        "review_polls",
        sa.Column("poll_id", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", db.models.base.UtcDateTime(), nullable=False),
        sa.Column("closed_at", db.models.base.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["review_sessions.id"],
            name=op.f("fk_review_polls_session_id_review_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("poll_id", name=op.f("pk_review_polls")),
    )
    with op.batch_alter_table("review_polls", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_polls_session_id"), ["session_id"], unique=False
        )

    with op.batch_alter_table("quiz_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quiz_answers_answered_at"), ["answered_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("quiz_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quiz_answers_answered_at"))

    with op.batch_alter_table("review_polls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_polls_session_id"))

    op.drop_table("review_polls")
    with op.batch_alter_table("review_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_review_answers_employee")
        batch_op.drop_index("ix_review_answers_answered_at")

    op.drop_table("review_answers")
    with op.batch_alter_table("review_sessions", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_review_sessions_open",
            sqlite_where=sa.text("finished_at IS NULL"),
            postgresql_where=sa.text("finished_at IS NULL"),
        )
        batch_op.drop_index("ix_review_sessions_employee_day")

    op.drop_table("review_sessions")
    with op.batch_alter_table("review_cards", schema=None) as batch_op:
        batch_op.drop_index("ix_review_cards_module")
        batch_op.drop_index("ix_review_cards_due")

    op.drop_table("review_cards")
