"""Hearings, deposition preparation checklists and calendar-feed tokens.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 02:51:03.403158
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_tokens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_calendar_tokens_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_tokens_token_hash")),
    )
    op.create_index(
        "uq_calendar_tokens_live_user",
        "calendar_tokens",
        ["user_id"],
        unique=True,
        postgresql_where=sa.text("revoked_at IS NULL"),
    )
    op.create_table(
        "hearings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("hearing_date", sa.Date(), nullable=False),
        sa.Column("hearing_time", sa.Time(), nullable=True),
        sa.Column("session", sa.String(length=10), nullable=True),
        sa.Column("court_establishment", sa.String(length=160), nullable=True),
        sa.Column("court_number", sa.String(length=40), nullable=True),
        sa.Column("judge", sa.String(length=120), nullable=True),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("purpose_text", sa.String(length=200), nullable=True),
        sa.Column("witness_number", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), server_default="scheduled", nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=True),
        sa.Column("adjournment_reason", sa.String(length=40), nullable=True),
        sa.Column("adjournment_sought_by", sa.String(length=20), nullable=True),
        sa.Column(
            "attendance",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="{}",
            nullable=False,
        ),
        sa.Column("business_recorded", sa.Text(), nullable=True),
        sa.Column("survivor_note", sa.Text(), nullable=True),
        sa.Column("next_date", sa.Date(), nullable=True),
        sa.Column("next_hearing_id", sa.Uuid(), nullable=True),
        sa.Column("source", sa.String(length=10), server_default="recorded", nullable=False),
        sa.Column("verified", sa.Boolean(), server_default="true", nullable=False),
        sa.Column(
            "discrepancies",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="{}",
            nullable=False,
        ),
        sa.Column("outcome_recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome_recorded_by", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "adjournment_reason IS NULL OR adjournment_reason IN ('accused_absent', 'undertrial_not_produced', 'prosecution_witness_absent', 'io_absent', 'summons_not_served', 'pp_absent_or_unprepared', 'defence_request', 'counsel_not_available', 'presiding_officer_on_leave', 'court_busy', 'records_awaited', 'forensic_report_awaited', 'stayed_by_higher_court', 'other')",
            name=op.f("ck_hearings_adjournment_reason"),
        ),
        sa.CheckConstraint(
            "adjournment_sought_by IS NULL OR adjournment_sought_by IN ('prosecution', 'defence', 'court', 'police', 'victim', 'other')",
            name=op.f("ck_hearings_adjournment_sought_by"),
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('proceeded', 'evidence_recorded', 'part_heard', 'adjourned', 'order_passed', 'judgment_pronounced', 'not_taken_up')",
            name=op.f("ck_hearings_outcome"),
        ),
        sa.CheckConstraint(
            "purpose IN ('charge_hearing', 'bail_hearing', 'prosecution_evidence', 'survivor_deposition', 'cross_examination', 'statement_of_accused', 'defence_evidence', 'arguments', 'judgment', 'other')",
            name=op.f("ck_hearings_purpose"),
        ),
        sa.CheckConstraint(
            "session IS NULL OR session IN ('morning', 'afternoon')",
            name=op.f("ck_hearings_session"),
        ),
        sa.CheckConstraint("source IN ('recorded', 'imported')", name=op.f("ck_hearings_source")),
        sa.CheckConstraint(
            "status IN ('scheduled', 'held', 'adjourned', 'not_taken_up', 'cancelled')",
            name=op.f("ck_hearings_status"),
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_hearings_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_hearings_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["next_hearing_id"], ["hearings.id"], name=op.f("fk_hearings_next_hearing_id_hearings")
        ),
        sa.ForeignKeyConstraint(
            ["outcome_recorded_by"],
            ["users.id"],
            name=op.f("fk_hearings_outcome_recorded_by_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hearings")),
    )
    op.create_index(
        "ix_hearings_awaiting_outcome",
        "hearings",
        ["hearing_date"],
        unique=False,
        postgresql_where=sa.text("status = 'scheduled'"),
    )
    op.create_index("ix_hearings_case_date", "hearings", ["case_id", "hearing_date"], unique=False)
    op.create_index("ix_hearings_date", "hearings", ["hearing_date"], unique=False)
    op.create_table(
        "deposition_preparations",
        sa.Column("hearing_id", sa.Uuid(), nullable=False),
        sa.Column("support_person", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("travel_arranged", sa.Boolean(), server_default="false", nullable=False),
        sa.Column(
            "video_conference_requested", sa.Boolean(), server_default="false", nullable=False
        ),
        sa.Column("threat_check_done", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["hearing_id"],
            ["hearings.id"],
            name=op.f("fk_deposition_preparations_hearing_id_hearings"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["users.id"], name=op.f("fk_deposition_preparations_updated_by_users")
        ),
        sa.PrimaryKeyConstraint("hearing_id", name=op.f("pk_deposition_preparations")),
    )


def downgrade() -> None:
    op.drop_table("deposition_preparations")
    op.drop_index("ix_hearings_date", table_name="hearings")
    op.drop_index("ix_hearings_case_date", table_name="hearings")
    op.drop_index(
        "ix_hearings_awaiting_outcome",
        table_name="hearings",
        postgresql_where=sa.text("status = 'scheduled'"),
    )
    op.drop_table("hearings")
    op.drop_index(
        "uq_calendar_tokens_live_user",
        table_name="calendar_tokens",
        postgresql_where=sa.text("revoked_at IS NULL"),
    )
    op.drop_table("calendar_tokens")
