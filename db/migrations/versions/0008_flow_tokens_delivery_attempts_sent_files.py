"""flow tokens, delivery attempts, sent files and cooldowns

- ``chat_sessions.token``: the random token of a flow's current state, repeated by its buttons;
- ``outbound_messages.claimed_by`` and ``attempt_started_at``: which worker claimed a row, and
  whether its request may have gone out (recovery after a crash tells "never tried" from
  "may have been delivered");
- ``sent_files``: Telegram file ids of files sent, reused while their data is unchanged;
- ``cooldowns``: per user and kind of expensive button, when it may be pressed again.

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("chat_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token", sa.String(length=16), nullable=True))
    with op.batch_alter_table("outbound_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("attempt_started_at", db.models.UtcDateTime(), nullable=True))
    op.create_table(
        "sent_files",
        sa.Column("owner", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("file_key", sa.String(length=120), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("media", sa.String(length=16), nullable=False),
        sa.Column("file_id", sa.String(length=200), nullable=False),
        sa.Column("sent_at", db.models.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("owner", "file_key", name=op.f("pk_sent_files")),
    )
    op.create_table(
        "cooldowns",
        sa.Column("telegram_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("until", db.models.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("telegram_id", "action", name=op.f("pk_cooldowns")),
    )


def downgrade() -> None:
    op.drop_table("cooldowns")
    op.drop_table("sent_files")
    with op.batch_alter_table("outbound_messages", schema=None) as batch_op:
        batch_op.drop_column("attempt_started_at")
        batch_op.drop_column("claimed_by")
    with op.batch_alter_table("chat_sessions", schema=None) as batch_op:
        batch_op.drop_column("token")
