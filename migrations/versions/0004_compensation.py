"""Compensation claims: heads claimed, status history, disbursements and appeals.

Status history and disbursements are append-only, like the case's stage history: triggers
refuse UPDATE, DELETE and TRUNCATE for every role, and the app role is granted INSERT only.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 03:02:29.205021
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HISTORY_TABLES = ("compensation_status_changes", "compensation_disbursements")


def upgrade() -> None:
    op.create_table(
        "compensation_claims",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("survivor_id", sa.Uuid(), nullable=False),
        sa.Column("scheme", sa.String(length=40), nullable=False),
        sa.Column("scheme_name", sa.String(length=160), nullable=True),
        sa.Column("authority_kind", sa.String(length=10), nullable=False),
        sa.Column("authority_district", sa.String(length=80), nullable=True),
        sa.Column("authority_state", sa.String(length=80), nullable=True),
        sa.Column("court_name", sa.String(length=160), nullable=True),
        sa.Column("basis", sa.String(length=30), nullable=False),
        sa.Column("minor", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("status_since", sa.Date(), nullable=False),
        sa.Column("application_reference", sa.String(length=80), nullable=True),
        sa.Column("applied_on", sa.Date(), nullable=True),
        sa.Column("recommended_on", sa.Date(), nullable=True),
        sa.Column(
            "documents",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column("claimed_paise", sa.BigInteger(), nullable=True),
        sa.Column("interim_awarded_paise", sa.BigInteger(), nullable=True),
        sa.Column("interim_awarded_on", sa.Date(), nullable=True),
        sa.Column("interim_paid_on", sa.Date(), nullable=True),
        sa.Column("final_awarded_paise", sa.BigInteger(), nullable=True),
        sa.Column("final_awarded_on", sa.Date(), nullable=True),
        sa.Column("final_first_paid_on", sa.Date(), nullable=True),
        sa.Column("disbursed_paise", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("deposit_paise", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("rejection_reason", sa.String(length=40), nullable=True),
        sa.Column("rejection_details", sa.Text(), nullable=True),
        sa.Column("rejected_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("next_due_on", sa.Date(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "authority_kind IN ('dlsa', 'slsa', 'court')",
            name=op.f("ck_compensation_claims_authority_kind"),
        ),
        sa.CheckConstraint(
            "basis IN ('victims_application', 'court_recommendation', 'offender_untraced')",
            name=op.f("ck_compensation_claims_basis"),
        ),
        sa.CheckConstraint(
            "rejection_reason IS NULL OR rejection_reason IN ('trial_not_concluded', 'documents_incomplete', 'not_a_victim_under_scheme', 'time_barred', 'offender_not_identified', 'duplicate_claim', 'other')",
            name=op.f("ck_compensation_claims_rejection_reason"),
        ),
        sa.CheckConstraint(
            "scheme IN ('nalsa_2018_women_victims', 'west_bengal_2017', 'other_state_scheme', 'pocso_special_court', 'court_ordered_357a_396_3')",
            name=op.f("ck_compensation_claims_scheme"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'filed', 'under_verification', 'interim_awarded', 'final_awarded', 'rejected', 'appealed', 'payment_pending', 'partly_disbursed', 'disbursed', 'withdrawn')",
            name=op.f("ck_compensation_claims_status"),
        ),
        sa.CheckConstraint("claimed_paise >= 0", name=op.f("ck_compensation_claims_claimed_paise")),
        sa.CheckConstraint("deposit_paise >= 0", name=op.f("ck_compensation_claims_deposit_paise")),
        sa.CheckConstraint(
            "disbursed_paise + deposit_paise <= COALESCE(final_awarded_paise, interim_awarded_paise, 0)",
            name=op.f("ck_compensation_claims_not_over_award"),
        ),
        sa.CheckConstraint(
            "disbursed_paise >= 0", name=op.f("ck_compensation_claims_disbursed_paise")
        ),
        sa.CheckConstraint(
            "final_awarded_paise >= 0", name=op.f("ck_compensation_claims_final_awarded_paise")
        ),
        sa.CheckConstraint(
            "interim_awarded_paise >= 0", name=op.f("ck_compensation_claims_interim_awarded_paise")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_compensation_claims_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_compensation_claims_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["survivor_id"],
            ["survivors.id"],
            name=op.f("fk_compensation_claims_survivor_id_survivors"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compensation_claims")),
    )
    op.create_index(
        "ix_compensation_claims_case",
        "compensation_claims",
        ["case_id", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_compensation_claims_next_due", "compensation_claims", ["next_due_on"], unique=False
    )
    op.create_index(
        "ix_compensation_claims_status",
        "compensation_claims",
        ["status", "status_since"],
        unique=False,
    )
    op.create_index(
        op.f("ix_compensation_claims_survivor_id"),
        "compensation_claims",
        ["survivor_id"],
        unique=False,
    )
    op.create_table(
        "compensation_appeals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("claim_id", sa.Uuid(), nullable=False),
        sa.Column("forum", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("appealed_from", sa.String(length=30), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=True),
        sa.Column("grounds", sa.Text(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "appealed_from IN ('draft', 'filed', 'under_verification', 'interim_awarded', 'final_awarded', 'rejected', 'appealed', 'payment_pending', 'partly_disbursed', 'disbursed', 'withdrawn')",
            name=op.f("ck_compensation_appeals_appealed_from"),
        ),
        sa.CheckConstraint(
            "forum IN ('dlsa_chairperson', 'slsa', 'high_court_writ')",
            name=op.f("ck_compensation_appeals_forum"),
        ),
        sa.CheckConstraint(
            "status IN ('filed', 'hearing', 'allowed', 'dismissed', 'withdrawn')",
            name=op.f("ck_compensation_appeals_status"),
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["compensation_claims.id"],
            name=op.f("fk_compensation_appeals_claim_id_compensation_claims"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_compensation_appeals_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compensation_appeals")),
    )
    op.create_index(
        op.f("ix_compensation_appeals_claim_id"), "compensation_appeals", ["claim_id"], unique=False
    )
    op.create_table(
        "compensation_claim_heads",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("claim_id", sa.Uuid(), nullable=False),
        sa.Column("head", sa.String(length=200), nullable=False),
        sa.Column("min_paise", sa.BigInteger(), nullable=True),
        sa.Column("max_paise", sa.BigInteger(), nullable=True),
        sa.Column("minor_uplift_applied", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("unconfirmed", sa.Boolean(), server_default="false", nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["compensation_claims.id"],
            name=op.f("fk_compensation_claim_heads_claim_id_compensation_claims"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compensation_claim_heads")),
        sa.UniqueConstraint("claim_id", "head", name="uq_compensation_claim_heads"),
    )
    op.create_index(
        op.f("ix_compensation_claim_heads_claim_id"),
        "compensation_claim_heads",
        ["claim_id"],
        unique=False,
    )
    op.create_table(
        "compensation_disbursements",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("claim_id", sa.Uuid(), nullable=False),
        sa.Column("amount_paise", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("against", sa.String(length=10), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=True),
        sa.Column("matures_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "against IN ('interim', 'final')", name=op.f("ck_compensation_disbursements_against")
        ),
        sa.CheckConstraint(
            "mode IN ('bank_transfer', 'cheque', 'fixed_deposit')",
            name=op.f("ck_compensation_disbursements_mode"),
        ),
        sa.CheckConstraint(
            "amount_paise > 0", name=op.f("ck_compensation_disbursements_amount_paise")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_compensation_disbursements_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["compensation_claims.id"],
            name=op.f("fk_compensation_disbursements_claim_id_compensation_claims"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compensation_disbursements")),
        info={"append_only": True},
    )
    op.create_index(
        op.f("ix_compensation_disbursements_claim_id"),
        "compensation_disbursements",
        ["claim_id"],
        unique=False,
    )
    op.create_table(
        "compensation_status_changes",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("claim_id", sa.Uuid(), nullable=False),
        sa.Column("from_status", sa.String(length=30), nullable=True),
        sa.Column("to_status", sa.String(length=30), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("amount_paise", sa.BigInteger(), nullable=True),
        sa.Column("rejection_reason", sa.String(length=40), nullable=True),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "to_status IN ('draft', 'filed', 'under_verification', 'interim_awarded', 'final_awarded', 'rejected', 'appealed', 'payment_pending', 'partly_disbursed', 'disbursed', 'withdrawn')",
            name=op.f("ck_compensation_status_changes_to_status"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_compensation_status_changes_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["compensation_claims.id"],
            name=op.f("fk_compensation_status_changes_claim_id_compensation_claims"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compensation_status_changes")),
        info={"append_only": True},
    )
    op.create_index(
        op.f("ix_compensation_status_changes_claim_id"),
        "compensation_status_changes",
        ["claim_id"],
        unique=False,
    )

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
    op.drop_index(
        op.f("ix_compensation_status_changes_claim_id"), table_name="compensation_status_changes"
    )
    op.drop_table("compensation_status_changes")
    op.drop_index(
        op.f("ix_compensation_disbursements_claim_id"), table_name="compensation_disbursements"
    )
    op.drop_table("compensation_disbursements")
    op.drop_index(
        op.f("ix_compensation_claim_heads_claim_id"), table_name="compensation_claim_heads"
    )
    op.drop_table("compensation_claim_heads")
    op.drop_index(op.f("ix_compensation_appeals_claim_id"), table_name="compensation_appeals")
    op.drop_table("compensation_appeals")
    op.drop_index(op.f("ix_compensation_claims_survivor_id"), table_name="compensation_claims")
    op.drop_index("ix_compensation_claims_status", table_name="compensation_claims")
    op.drop_index("ix_compensation_claims_next_due", table_name="compensation_claims")
    op.drop_index("ix_compensation_claims_case", table_name="compensation_claims")
    op.drop_table("compensation_claims")
