"""uploaded files: the Telegram file_id of each image the bot uploaded once

Revision ID: 0010
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "uploaded_files",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("file_id", sa.String(length=200), nullable=False),
        sa.Column("uploaded_at", db.models.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_uploaded_files")),
    )


def downgrade() -> None:
    op.drop_table("uploaded_files")
