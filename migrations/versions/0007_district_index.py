"""Index the district filter the case list actually uses.

The list filters on ``lower(fir_district)`` (a district typed in any case matches), which the
index on ``(fir_district, updated_at)`` could never serve: a consortium lead's list of one
district walked every case in order of change until it had a page. The index is replaced by
one on the expression the filter uses, so there are no more indexes on ``cases`` than before.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_cases_district", table_name="cases")
    op.create_index(
        "ix_cases_district_lower",
        "cases",
        [sa.literal_column("lower(fir_district)"), "updated_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_cases_district_lower", table_name="cases")
    op.create_index("ix_cases_district", "cases", ["fir_district", "updated_at"], unique=False)
