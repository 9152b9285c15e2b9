"""Let a team member's filtered case list start from the few memberships that match.

A lawyer's list filtered by stage and district used to test each of her cases against the
filter: one primary-key lookup per case she is on (about 400 for the benchmark's lawyer, about
0.9 ms of PostgreSQL's time a page at 100,000 cases), because the team test and the filters are
on different tables and no index can serve both. Each membership now carries a copy of its
case's stage and district (lower-cased, as the filter compares it), indexed with the member,
so the list reads only the memberships that match and looks up only those cases.

The copies are kept by the database, not the app, so that no writer can leave one stale: a
membership takes them from its case when it is inserted (the app, the demo and `tafteesh
bench-data`'s COPY alike), and a change of a case's stage or district rewrites them on all its
memberships in the same statement. The list still tests the case's own columns, so a stale
copy could only hide a case from a filtered list, never show one the filter excludes or the
reader may not see.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("case_team_members", sa.Column("case_stage", sa.String(length=40)))
    op.add_column("case_team_members", sa.Column("case_district_key", sa.String(length=80)))
    op.execute(
        "UPDATE case_team_members t SET case_stage = c.stage, "
        "case_district_key = lower(c.fir_district) FROM cases c WHERE c.id = t.case_id"
    )
    op.alter_column("case_team_members", "case_stage", nullable=False)
    op.alter_column("case_team_members", "case_district_key", nullable=False)
    op.create_index(
        "ix_case_team_user_filters",
        "case_team_members",
        ["user_id", "case_stage", "case_district_key"],
        unique=False,
        postgresql_where=sa.text("removed_at IS NULL"),
    )
    op.execute(
        """
        CREATE FUNCTION copy_case_filters_to_membership() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            SELECT c.stage, lower(c.fir_district) INTO NEW.case_stage, NEW.case_district_key
              FROM cases c WHERE c.id = NEW.case_id;
            RETURN NEW;
        END $$
        """
    )
    # BEFORE INSERT OR UPDATE OF the copies: whatever a writer puts there, the case's own
    # values are what is stored.
    op.execute(
        "CREATE TRIGGER case_team_members_case_filters "
        "BEFORE INSERT OR UPDATE OF case_id, case_stage, case_district_key "
        "ON case_team_members FOR EACH ROW EXECUTE FUNCTION copy_case_filters_to_membership()"
    )
    op.execute(
        """
        CREATE FUNCTION copy_case_filters_to_team() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE case_team_members SET case_stage = NEW.stage,
                   case_district_key = lower(NEW.fir_district)
             WHERE case_id = NEW.id;
            RETURN NULL;
        END $$
        """
    )
    # Fires only when a statement sets the stage or the district and the value really changes:
    # the touch every change of a case makes (its updated_at) does not pay for it.
    op.execute(
        "CREATE TRIGGER cases_filters_to_team AFTER UPDATE OF stage, fir_district ON cases "
        "FOR EACH ROW WHEN (OLD.stage IS DISTINCT FROM NEW.stage "
        "OR lower(OLD.fir_district) IS DISTINCT FROM lower(NEW.fir_district)) "
        "EXECUTE FUNCTION copy_case_filters_to_team()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER cases_filters_to_team ON cases")
    op.execute("DROP FUNCTION copy_case_filters_to_team()")
    op.execute("DROP TRIGGER case_team_members_case_filters ON case_team_members")
    op.execute("DROP FUNCTION copy_case_filters_to_membership()")
    op.drop_index("ix_case_team_user_filters", table_name="case_team_members")
    op.drop_column("case_team_members", "case_district_key")
    op.drop_column("case_team_members", "case_stage")
