"""Hearings, the social worker's preparation for a survivor's deposition, and calendar tokens."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from tafteesh.db import Base, created_at_column, uuid_pk
from tafteesh.hearings.vocabulary import (
    AdjournmentReason,
    HearingStatus,
    Outcome,
    Party,
    Purpose,
)


def _one_of(column: str, values: type[Any]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v.value}'" for v in values) + ")"


class Hearing(Base):
    __tablename__ = "hearings"
    __table_args__ = (
        CheckConstraint(_one_of("purpose", Purpose), name="purpose"),
        CheckConstraint(_one_of("status", HearingStatus), name="status"),
        CheckConstraint(f"outcome IS NULL OR {_one_of('outcome', Outcome)}", name="outcome"),
        CheckConstraint(
            f"adjournment_reason IS NULL OR {_one_of('adjournment_reason', AdjournmentReason)}",
            name="adjournment_reason",
        ),
        CheckConstraint(
            f"adjournment_sought_by IS NULL OR {_one_of('adjournment_sought_by', Party)}",
            name="adjournment_sought_by",
        ),
        CheckConstraint("session IS NULL OR session IN ('morning', 'afternoon')", name="session"),
        CheckConstraint("source IN ('recorded', 'imported')", name="source"),
        Index("ix_hearings_case_date", "case_id", "hearing_date"),
        Index("ix_hearings_date", "hearing_date"),
        # "Past hearings still without an outcome" is the cause list's third section.
        Index(
            "ix_hearings_awaiting_outcome",
            "hearing_date",
            postgresql_where=text("status = 'scheduled'"),
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    hearing_date: Mapped[date] = mapped_column(Date)
    hearing_time: Mapped[time | None] = mapped_column(Time)
    session: Mapped[str | None] = mapped_column(String(10))
    court_establishment: Mapped[str | None] = mapped_column(String(160))
    court_number: Mapped[str | None] = mapped_column(String(40))
    judge: Mapped[str | None] = mapped_column(String(120))
    purpose: Mapped[str] = mapped_column(String(40))
    # As eCourts or the court wrote it, when it says more than the purpose list.
    purpose_text: Mapped[str | None] = mapped_column(String(200))
    witness_number: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="scheduled", server_default="scheduled")
    outcome: Mapped[str | None] = mapped_column(String(30))
    adjournment_reason: Mapped[str | None] = mapped_column(String(40))
    adjournment_sought_by: Mapped[str | None] = mapped_column(String(20))
    # Who was in court: pp, io, accused, survivor, defence_counsel, and witnesses examined.
    attendance: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    business_recorded: Mapped[str | None] = mapped_column(Text)  # team only
    survivor_note: Mapped[str | None] = mapped_column(Text)  # what she should know or do
    next_date: Mapped[date | None] = mapped_column(Date)
    next_hearing_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("hearings.id"))
    source: Mapped[str] = mapped_column(String(10), default="recorded", server_default="recorded")
    # Imported hearings stay unverified until a lawyer confirms them; differences between eCourts
    # and what was recorded wait here for the lawyer to settle.
    verified: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    discrepancies: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    outcome_recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome_recorded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at_column()
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class DepositionPreparation(Base):
    """The social worker's checklist before a survivor testifies (one per hearing)."""

    __tablename__ = "deposition_preparations"

    hearing_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("hearings.id"), primary_key=True)
    support_person: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    travel_arranged: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    video_conference_requested: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default="false"
    )
    threat_check_done: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    notes: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = created_at_column()
    updated_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class CalendarToken(Base):
    """A secret calendar-feed address for one user. Only its SHA-256 is stored."""

    __tablename__ = "calendar_tokens"
    __table_args__ = (
        Index(
            "uq_calendar_tokens_live_user",
            "user_id",
            unique=True,
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_at_column()
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
