"""assignments: required learning (a module or a learning path) for an audience, with a due
date and an optional recurrence, and its members with their next reminder day

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("scope_opd", sa.String(length=24), nullable=True),
        sa.Column("target_kind", sa.String(length=8), nullable=False),
        sa.Column("target_id", sa.String(length=24), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("recurrence_months", sa.Integer(), nullable=True),
        sa.Column("join_days", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", db.models.base.UtcDateTime(), nullable=False),
        sa.Column("cancelled_at", db.models.base.UtcDateTime(), nullable=True),
        sa.Column("cancelled_by", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignments_status"), ["status"], unique=False)

    op.create_table(
        "assignment_members",
        sa.Column("assignment_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("employee_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("joined_at", db.models.base.UtcDateTime(), nullable=False),
        sa.Column("next_remind_on", sa.Date(), nullable=True),
        sa.Column("last_reminded_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_assignment_members_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_assignment_members_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("assignment_id", "employee_id", name=op.f("pk_assignment_members")),
    )
    with op.batch_alter_table("assignment_members", schema=None) as batch_op:
        batch_op.create_index("ix_assignment_members_employee", ["employee_id"], unique=False)
        batch_op.create_index("ix_assignment_members_remind", ["next_remind_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("assignment_members", schema=None) as batch_op:
        batch_op.drop_index("ix_assignment_members_remind")
        batch_op.drop_index("ix_assignment_members_employee")
    op.drop_table("assignment_members")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignments_status"))
    op.drop_table("assignments")
