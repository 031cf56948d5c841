"""assignment completions: each member's completion that counts and whether it was on time,
kept on assignment_members (compliance is a GROUP BY over it), and the members who passed a
module since they were last brought up to date

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assignment_members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("completed_at", db.models.base.UtcDateTime(), nullable=True))
        batch_op.add_column(sa.Column("on_time", sa.Boolean(), nullable=True))
        batch_op.add_column(
            sa.Column("started", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_index(
            "ix_assignment_members_report",
            ["assignment_id", "employee_id", "due_on", "completed_at", "on_time", "started"],
            unique=False,
        )
    op.create_table(
        "assignment_pending",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_assignment_pending_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_pending")),
    )
    op.create_table(
        "assignment_marks",
        sa.Column("name", sa.String(length=24), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_assignment_marks")),
    )
    # Members assigned before this revision: their completions and module starts are found by
    # the next refresh (every member's employee pending once); module starts recorded from now
    # on are read after the mark.
    op.execute(
        "INSERT INTO assignment_pending (employee_id)"
        " SELECT DISTINCT employee_id FROM assignment_members"
    )
    op.execute(
        "INSERT INTO assignment_marks (name, value)"
        " SELECT 'started', COALESCE(MAX(id), 0) FROM module_progress"
    )


def downgrade() -> None:
    op.drop_table("assignment_marks")
    op.drop_table("assignment_pending")
    with op.batch_alter_table("assignment_members", schema=None) as batch_op:
        batch_op.drop_index("ix_assignment_members_report")
        batch_op.drop_column("started")
        batch_op.drop_column("on_time")
        batch_op.drop_column("completed_at")
