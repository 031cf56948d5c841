"""personal data (UU 27/2022): the privacy notice version acknowledged, withdrawal from optional
announcements, the /dataku limit, and what the retention policy keeps of an erased account

Revision ID: 0009
Revises: 0006

Accounts registered before keep their consent time; their ``privacy_version`` stays NULL until
they acknowledge the current notice in /privasi.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.add_column(sa.Column("privacy_version", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("privacy_at", db.models.UtcDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "announcements_opt_out", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(sa.Column("data_export_at", db.models.UtcDateTime(), nullable=True))

    op.create_table(
        "retained_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("opd_code", sa.String(length=24), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("source_kind", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=True),
        sa.Column("activity_kind", sa.String(length=40), nullable=False),
        sa.Column("organiser", sa.String(length=120), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=False),
        sa.Column("certificate_no", sa.String(length=80), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("credited_at", db.models.UtcDateTime(), nullable=False),
        sa.Column("erased_at", db.models.UtcDateTime(), nullable=False),
        sa.Column("keep_until", db.models.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retained_records")),
    )
    with op.batch_alter_table("retained_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retained_records_nip"), ["nip"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_retained_records_keep_until"), ["keep_until"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("retained_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retained_records_keep_until"))
        batch_op.drop_index(batch_op.f("ix_retained_records_nip"))
    op.drop_table("retained_records")
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.drop_column("data_export_at")
        batch_op.drop_column("announcements_opt_out")
        batch_op.drop_column("privacy_at")
        batch_op.drop_column("privacy_version")
