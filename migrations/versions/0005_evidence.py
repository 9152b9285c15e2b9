"""Evidence items and files, the custody log with its single-row head, and signed checkpoints.

The custody log, the files table and the checkpoints are append-only like the audit log.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 03:03:13.908029
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


HISTORY_TABLES = ("custody_events", "custody_checkpoints", "evidence_files")


def upgrade() -> None:
    op.create_table(
        "custody_checkpoints",
        sa.Column("size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root_hash", sa.LargeBinary(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("size", name=op.f("pk_custody_checkpoints")),
        info={"append_only": True},
    )
    op.create_table(
        "custody_log_head",
        sa.Column("id", sa.SmallInteger(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_custody_log_head_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_log_head")),
    )
    op.create_table(
        "evidence_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("seizure_memo_ref", sa.String(length=120), nullable=True),
        sa.Column("seal_number", sa.String(length=120), nullable=True),
        sa.Column("device_type", sa.String(length=80), nullable=True),
        sa.Column("device_make", sa.String(length=80), nullable=True),
        sa.Column("device_model", sa.String(length=80), nullable=True),
        sa.Column("device_serial", sa.String(length=120), nullable=True),
        sa.Column("device_imei_or_mac", sa.String(length=120), nullable=True),
        sa.Column("sensitivity", sa.String(length=20), server_default="team", nullable=False),
        sa.Column("current_custodian", sa.String(length=160), nullable=True),
        sa.Column("current_place", sa.String(length=160), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "category IN ('seized_object', 'document', 'photo', 'audio', 'video', 'forensic_report', 'device_image', 'device')",
            name=op.f("ck_evidence_items_category"),
        ),
        sa.CheckConstraint(
            "kind IN ('physical', 'electronic')", name=op.f("ck_evidence_items_kind")
        ),
        sa.CheckConstraint(
            "sensitivity IN ('team', 'lawyers_only', 'survivor_visible')",
            name=op.f("ck_evidence_items_sensitivity"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_evidence_items_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_evidence_items_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_items")),
    )
    op.create_index(op.f("ix_evidence_items_case_id"), "evidence_items", ["case_id"], unique=False)
    op.create_table(
        "custody_events",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["evidence_items.id"],
            name=op.f("fk_custody_events_item_id_evidence_items"),
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_custody_events")),
        info={"append_only": True},
    )
    op.create_index("ix_custody_events_item", "custody_events", ["item_id", "seq"], unique=False)
    op.create_table(
        "evidence_files",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("collector_sha256", sa.String(length=64), nullable=True),
        sa.Column(
            "uploaded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("uploaded_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["evidence_items.id"],
            name=op.f("fk_evidence_files_item_id_evidence_items"),
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["users.id"], name=op.f("fk_evidence_files_uploaded_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_files")),
        info={"append_only": True},
    )
    op.create_index(op.f("ix_evidence_files_item_id"), "evidence_files", ["item_id"], unique=False)
    op.create_index(op.f("ix_evidence_files_sha256"), "evidence_files", ["sha256"], unique=False)

    # The log starts empty; every append locks and advances this one row.
    op.execute("INSERT INTO custody_log_head (id, size) VALUES (1, 0)")
    for table in HISTORY_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_no_rewrite BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION forbid_history_rewrite()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION forbid_history_rewrite()"
        )


def downgrade() -> None:
    for table in HISTORY_TABLES:
        op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
        op.execute(f"DROP TRIGGER {table}_no_rewrite ON {table}")
    op.drop_index(op.f("ix_evidence_files_sha256"), table_name="evidence_files")
    op.drop_index(op.f("ix_evidence_files_item_id"), table_name="evidence_files")
    op.drop_table("evidence_files")
    op.drop_index("ix_custody_events_item", table_name="custody_events")
    op.drop_table("custody_events")
    op.drop_index(op.f("ix_evidence_items_case_id"), table_name="evidence_items")
    op.drop_table("evidence_items")
    op.drop_table("custody_log_head")
    op.drop_table("custody_checkpoints")
