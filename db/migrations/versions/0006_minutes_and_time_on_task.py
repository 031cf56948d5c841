"""honest minutes: the ledger in minutes, time on task, question ids, closed polls

Revision ID: 0006
Revises: 0005

Credits already given stay as they were: a ledger row of J JP (stored as hundredths) becomes
J x M minutes, M being SINAU_JP_MINUTES where the migration runs (45 when unset), so every
existing credit reads as the same JP afterwards. New credits follow the new rules: a module
credits its measured minutes. Certificates issued before keep their JP (and their verification
code, fields version 1); new ones carry minutes (version 2).
"""

import os
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _minutes_per_jp() -> int:
    value = os.environ.get("SINAU_JP_MINUTES", "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else 45


def upgrade() -> None:
    per_jp = _minutes_per_jp()
    with op.batch_alter_table("jp_ledger", schema=None) as batch_op:
        batch_op.add_column(sa.Column("minutes", sa.Integer(), nullable=True))
    # Half up, in integers: the same on SQLite and PostgreSQL.
    op.execute(f"UPDATE jp_ledger SET minutes = (jp_centi * {per_jp} + 50) / 100")
    with op.batch_alter_table("jp_ledger", schema=None) as batch_op:
        batch_op.drop_index("ix_jp_ledger_year_employee_cover")
        batch_op.alter_column("minutes", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("jp_centi")
        batch_op.create_index(
            "ix_jp_ledger_year_employee_cover",
            ["year", "employee_id", "category", "minutes"],
            unique=False,
        )

    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("fields_version", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.add_column(sa.Column("minutes", sa.Integer(), nullable=True))
        batch_op.alter_column("jp_centi", existing_type=sa.Integer(), nullable=True)

    with op.batch_alter_table("module_progress", schema=None) as batch_op:
        batch_op.add_column(sa.Column("card_shown_ts", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("reading_seconds", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("reread_mask", sa.BigInteger(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("retry_at", db.models.UtcDateTime(), nullable=True))

    with op.batch_alter_table("quiz_polls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_at", db.models.UtcDateTime(), nullable=True))
    with op.batch_alter_table("quiz_answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("question_id", sa.String(length=24), nullable=True))


def downgrade() -> None:
    per_jp = _minutes_per_jp()
    with op.batch_alter_table("quiz_answers", schema=None) as batch_op:
        batch_op.drop_column("question_id")
    with op.batch_alter_table("quiz_polls", schema=None) as batch_op:
        batch_op.drop_column("closed_at")
    with op.batch_alter_table("module_progress", schema=None) as batch_op:
        batch_op.drop_column("retry_at")
        batch_op.drop_column("reread_mask")
        batch_op.drop_column("reading_seconds")
        batch_op.drop_column("card_shown_ts")
    op.execute(
        f"UPDATE certificates SET jp_centi = (minutes * 100 + {per_jp} / 2) / {per_jp} "
        "WHERE jp_centi IS NULL"
    )
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.alter_column("jp_centi", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("minutes")
        batch_op.drop_column("fields_version")
    with op.batch_alter_table("jp_ledger", schema=None) as batch_op:
        batch_op.add_column(sa.Column("jp_centi", sa.Integer(), nullable=True))
    op.execute(f"UPDATE jp_ledger SET jp_centi = (minutes * 100 + {per_jp} / 2) / {per_jp}")
    with op.batch_alter_table("jp_ledger", schema=None) as batch_op:
        batch_op.drop_index("ix_jp_ledger_year_employee_cover")
        batch_op.alter_column("jp_centi", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("minutes")
        batch_op.create_index(
            "ix_jp_ledger_year_employee_cover",
            ["year", "employee_id", "category", "jp_centi"],
            unique=False,
        )
