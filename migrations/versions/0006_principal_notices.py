"""Tell every worker when a signed-in principal may have changed.

Each worker keeps the principals it has checked (auth.principal_cache) and LISTENs on
``tafteesh_principals``. Any change to a session, an account or an organisation, by the app or
by hand, notifies that channel when it commits, and the workers drop what they kept: a revoked
session, a deactivated account or a changed role still takes effect at once.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 10:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = "tafteesh_principals"
TABLES = ("auth_sessions", "users", "organisations")


def upgrade() -> None:
    # Statement-level: one notice per statement however many rows it touched, and PostgreSQL
    # folds identical notices of one transaction into one. INSERTs need none: a new session or
    # account is not in any worker's memory yet.
    op.execute(
        f"""
        CREATE FUNCTION notify_principal_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}', '');
            RETURN NULL;
        END $$
        """
    )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_notify_principals AFTER UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION notify_principal_change()"
        )
        # Also under session_replication_role = replica (logical replication, some restore
        # tools), where ordinary triggers do not fire.
        op.execute(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {table}_notify_principals")


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"DROP TRIGGER {table}_notify_principals ON {table}")
    op.execute("DROP FUNCTION notify_principal_change()")
