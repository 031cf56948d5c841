"""employees: the OPD index covers what the per-OPD recap reads (kind, verification, account)

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["opd_code", "kind", "verified_at", "deactivated_at", "telegram_id", "id"]


def upgrade() -> None:
    op.drop_index("ix_employees_opd_code", table_name="employees")
    op.create_index("ix_employees_opd_recap", "employees", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_employees_opd_recap", table_name="employees")
    op.create_index("ix_employees_opd_code", "employees", ["opd_code"])
