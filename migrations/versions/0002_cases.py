"""Cases: the case record, charges, stage history, survivors, accused, team and timeline.

Stage history, accused status history and the timeline are append-only, like the audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 02:35:16.422758
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


HISTORY_TABLES = ("stage_changes", "accused_status_changes", "timeline_events")


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("regime", sa.String(length=20), nullable=False),
        sa.Column("police_station", sa.String(length=120), nullable=False),
        sa.Column("fir_district", sa.String(length=80), nullable=False),
        sa.Column("fir_state", sa.String(length=80), nullable=False),
        sa.Column("fir_number", sa.String(length=40), nullable=False),
        sa.Column("fir_year", sa.SmallInteger(), nullable=False),
        sa.Column("fir_date", sa.Date(), nullable=False),
        sa.Column("zero_fir", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("court_establishment", sa.String(length=160), nullable=True),
        sa.Column("court_number", sa.String(length=40), nullable=True),
        sa.Column("judge", sa.String(length=120), nullable=True),
        sa.Column("court_district", sa.String(length=80), nullable=True),
        sa.Column("cnr", sa.String(length=16), nullable=True),
        sa.Column("case_type", sa.String(length=40), nullable=True),
        sa.Column("case_number", sa.String(length=40), nullable=True),
        sa.Column("victim_informed_on", sa.Date(), nullable=True),
        sa.Column("source_state", sa.String(length=80), nullable=True),
        sa.Column("destination_state", sa.String(length=80), nullable=True),
        sa.Column("owning_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("stage_before_suspension", sa.String(length=40), nullable=True),
        sa.Column("stage_since", sa.Date(), nullable=False),
        sa.Column("next_clock_due_on", sa.Date(), nullable=True),
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
        sa.CheckConstraint("cnr ~ '^[A-Z]{4}[0-9]{12}$'", name=op.f("ck_cases_cnr_format")),
        sa.CheckConstraint("regime IN ('old_codes', 'new_codes')", name=op.f("ck_cases_regime")),
        sa.CheckConstraint("fir_year BETWEEN 1950 AND 2100", name=op.f("ck_cases_fir_year")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_cases_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["owning_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_cases_owning_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
    )
    op.create_index("ix_cases_district", "cases", ["fir_district", "updated_at"], unique=False)
    op.create_index("ix_cases_listing", "cases", ["updated_at", "id"], unique=False)
    op.create_index("ix_cases_next_clock", "cases", ["next_clock_due_on"], unique=False)
    op.create_index(
        op.f("ix_cases_owning_organisation_id"), "cases", ["owning_organisation_id"], unique=False
    )
    op.create_index("ix_cases_stage", "cases", ["stage", "updated_at"], unique=False)
    op.create_index(
        "uq_cases_reference_lower", "cases", [sa.literal_column("lower(reference)")], unique=True
    )
    op.create_index(
        "uq_cases_cnr", "cases", ["cnr"], unique=True, postgresql_where=sa.text("cnr IS NOT NULL")
    )
    op.create_table(
        "accused",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("alias", sa.String(length=120), nullable=True),
        sa.Column("name_key", sa.String(length=120), nullable=False),
        sa.Column("alias_key", sa.String(length=120), nullable=True),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("status_since", sa.Date(), nullable=False),
        sa.Column("first_remand_on", sa.Date(), nullable=True),
        sa.Column("bail_court", sa.String(length=160), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "status IN ('absconding', 'arrested', 'judicial_custody', 'on_bail', 'discharged', 'convicted', 'acquitted')",
            name=op.f("ck_accused_status"),
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_accused_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accused")),
    )
    op.create_index("ix_accused_alias_key", "accused", ["alias_key"], unique=False)
    op.create_index(op.f("ix_accused_case_id"), "accused", ["case_id"], unique=False)
    op.create_index("ix_accused_name_key", "accused", ["name_key"], unique=False)
    op.create_table(
        "case_charges",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("act", sa.String(length=10), nullable=False),
        sa.Column("section", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_charges_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_charges")),
        sa.UniqueConstraint("case_id", "act", "section", name="uq_case_charges"),
    )
    op.create_index(op.f("ix_case_charges_case_id"), "case_charges", ["case_id"], unique=False)
    op.create_table(
        "case_team_members",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("team_role", sa.String(length=30), nullable=False),
        sa.Column(
            "assigned_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("assigned_by", sa.Uuid(), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_by", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "team_role IN ('lawyer', 'social_worker', 'survivor_leader')",
            name=op.f("ck_case_team_members_team_role"),
        ),
        sa.ForeignKeyConstraint(
            ["assigned_by"], ["users.id"], name=op.f("fk_case_team_members_assigned_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_team_members_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["removed_by"], ["users.id"], name=op.f("fk_case_team_members_removed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_case_team_members_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_team_members")),
    )
    op.create_index(
        op.f("ix_case_team_members_case_id"), "case_team_members", ["case_id"], unique=False
    )
    op.create_index(
        "ix_case_team_user",
        "case_team_members",
        ["user_id", "case_id"],
        unique=False,
        postgresql_where=sa.text("removed_at IS NULL"),
    )
    op.create_index(
        "uq_case_team_active",
        "case_team_members",
        ["case_id", "user_id"],
        unique=True,
        postgresql_where=sa.text("removed_at IS NULL"),
    )
    op.create_table(
        "stage_changes",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("from_stage", sa.String(length=40), nullable=True),
        sa.Column("to_stage", sa.String(length=40), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_stage_changes_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_stage_changes_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage_changes")),
        info={"append_only": True},
    )
    op.create_index(op.f("ix_stage_changes_case_id"), "stage_changes", ["case_id"], unique=False)
    op.create_table(
        "survivors",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("pseudonym", sa.String(length=60), nullable=False),
        sa.Column("identity_ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("leader_consent_on", sa.Date(), nullable=True),
        sa.Column("leader_consent_recorded_by", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_survivors_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["leader_consent_recorded_by"],
            ["users.id"],
            name=op.f("fk_survivors_leader_consent_recorded_by_users"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_survivors_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survivors")),
        sa.UniqueConstraint("case_id", "pseudonym", name="uq_survivors_pseudonym"),
    )
    op.create_index(op.f("ix_survivors_case_id"), "survivors", ["case_id"], unique=False)
    op.create_index(op.f("ix_survivors_user_id"), "survivors", ["user_id"], unique=False)
    op.create_table(
        "timeline_events",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column(
            "occurred_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("survivor_visible", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("survivor_summary", sa.String(length=300), nullable=True),
        sa.Column(
            "params", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_timeline_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_timeline_events_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timeline_events")),
        info={"append_only": True},
    )
    op.create_index(
        "ix_timeline_case",
        "timeline_events",
        ["case_id", sa.literal_column("id DESC")],
        unique=False,
    )
    op.create_table(
        "accused_status_changes",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("accused_id", sa.Uuid(), nullable=False),
        sa.Column("from_status", sa.String(length=30), nullable=True),
        sa.Column("to_status", sa.String(length=30), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["accused_id"],
            ["accused.id"],
            name=op.f("fk_accused_status_changes_accused_id_accused"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_accused_status_changes_actor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accused_status_changes")),
        info={"append_only": True},
    )
    op.create_index(
        op.f("ix_accused_status_changes_accused_id"),
        "accused_status_changes",
        ["accused_id"],
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
    op.drop_index(op.f("ix_accused_status_changes_accused_id"), table_name="accused_status_changes")
    op.drop_table("accused_status_changes")
    op.drop_index("ix_timeline_case", table_name="timeline_events")
    op.drop_table("timeline_events")
    op.drop_index(op.f("ix_survivors_user_id"), table_name="survivors")
    op.drop_index(op.f("ix_survivors_case_id"), table_name="survivors")
    op.drop_table("survivors")
    op.drop_index(op.f("ix_stage_changes_case_id"), table_name="stage_changes")
    op.drop_table("stage_changes")
    op.drop_index(
        "uq_case_team_active",
        table_name="case_team_members",
        postgresql_where=sa.text("removed_at IS NULL"),
    )
    op.drop_index(
        "ix_case_team_user",
        table_name="case_team_members",
        postgresql_where=sa.text("removed_at IS NULL"),
    )
    op.drop_index(op.f("ix_case_team_members_case_id"), table_name="case_team_members")
    op.drop_table("case_team_members")
    op.drop_index(op.f("ix_case_charges_case_id"), table_name="case_charges")
    op.drop_table("case_charges")
    op.drop_index("ix_accused_name_key", table_name="accused")
    op.drop_index(op.f("ix_accused_case_id"), table_name="accused")
    op.drop_index("ix_accused_alias_key", table_name="accused")
    op.drop_table("accused")
    op.drop_index("uq_cases_reference_lower", table_name="cases")
    op.drop_index("uq_cases_cnr", table_name="cases", postgresql_where=sa.text("cnr IS NOT NULL"))
    op.drop_index("ix_cases_stage", table_name="cases")
    op.drop_index(op.f("ix_cases_owning_organisation_id"), table_name="cases")
    op.drop_index("ix_cases_next_clock", table_name="cases")
    op.drop_index("ix_cases_listing", table_name="cases")
    op.drop_index("ix_cases_district", table_name="cases")
    op.drop_table("cases")
