"""Criminal cases and their parts: charges, stage history, survivors, accused, team, timeline.

History tables (stage changes, accused status changes, timeline events) are append-only: the
app role may only insert, and triggers refuse rewrites (see migration 0002).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    FetchedValue,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from tafteesh.db import Base, append_only, created_at_column, uuid_pk

CNR_PATTERN = r"^[A-Z]{4}[0-9]{12}$"


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(f"cnr ~ '{CNR_PATTERN}'", name="cnr_format"),
        CheckConstraint("regime IN ('old_codes', 'new_codes')", name="regime"),
        CheckConstraint("fir_year BETWEEN 1950 AND 2100", name="fir_year"),
        Index("uq_cases_cnr", "cnr", unique=True, postgresql_where=text("cnr IS NOT NULL")),
        Index("ix_cases_listing", "updated_at", "id"),
        Index("ix_cases_stage", "stage", "updated_at"),
        Index("ix_cases_next_clock", "next_clock_due_on"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    # Unique ignoring letter case (uq_cases_reference_lower below).
    reference: Mapped[str] = mapped_column(String(40))
    regime: Mapped[str] = mapped_column(String(20))
    # First information report
    police_station: Mapped[str] = mapped_column(String(120))
    fir_district: Mapped[str] = mapped_column(String(80))
    fir_state: Mapped[str] = mapped_column(String(80))
    fir_number: Mapped[str] = mapped_column(String(40))
    fir_year: Mapped[int] = mapped_column(SmallInteger)
    fir_date: Mapped[date] = mapped_column(Date)
    zero_fir: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    # Court
    court_establishment: Mapped[str | None] = mapped_column(String(160))
    court_number: Mapped[str | None] = mapped_column(String(40))
    judge: Mapped[str | None] = mapped_column(String(120))
    court_district: Mapped[str | None] = mapped_column(String(80))
    cnr: Mapped[str | None] = mapped_column(String(16))
    case_type: Mapped[str | None] = mapped_column(String(40))
    case_number: Mapped[str | None] = mapped_column(String(40))
    # BNSS 193(3)(ii): the police must tell the victim of the investigation's progress in 90 days.
    victim_informed_on: Mapped[date | None] = mapped_column(Date)
    # Trafficking crosses states: rescued in the destination, home in the source.
    source_state: Mapped[str | None] = mapped_column(String(80))
    destination_state: Mapped[str | None] = mapped_column(String(80))
    owning_organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id"), index=True
    )
    stage: Mapped[str] = mapped_column(String(40))
    # The stage a stayed or transferred case resumes at.
    stage_before_suspension: Mapped[str | None] = mapped_column(String(40))
    stage_since: Mapped[date] = mapped_column(Date)
    # Earliest due date among the case's running statutory clocks, kept current by every write
    # so "overdue" is a plain indexed comparison with today.
    next_clock_due_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


Index("uq_cases_reference_lower", func.lower(Case.reference), unique=True)
# The case list filters districts ignoring letter case (cases.listing), newest change first.
Index("ix_cases_district_lower", func.lower(Case.fir_district), Case.updated_at)


class CaseCharge(Base):
    """A section charged in the case, from the catalogue (``cases/data/sections.csv``)."""

    __tablename__ = "case_charges"
    __table_args__ = (UniqueConstraint("case_id", "act", "section", name="uq_case_charges"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    act: Mapped[str] = mapped_column(String(10))
    section: Mapped[str] = mapped_column(String(20))


class StageChange(Base):
    __tablename__ = "stage_changes"
    __table_args__ = append_only()

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    from_stage: Mapped[str | None] = mapped_column(String(40))
    to_stage: Mapped[str] = mapped_column(String(40))
    # When it happened in court or at the police station; recorded_at is when we learnt of it.
    effective_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = created_at_column()
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")


class Survivor(Base):
    """A survivor on a case: a pseudonym for everyone, an encrypted identity for her team."""

    __tablename__ = "survivors"
    __table_args__ = (UniqueConstraint("case_id", "pseudonym", name="uq_survivors_pseudonym"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    pseudonym: Mapped[str] = mapped_column(String(60))
    # AES-GCM over the identity fields, key outside the database (cases/identity.py).
    identity_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    # Her own account, when she has one: it is what lets her see her case.
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Recorded consent to a survivor leader supporting her case (DESIGN.md access model).
    leader_consent_on: Mapped[date | None] = mapped_column(Date)
    leader_consent_recorded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at_column()
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


ACCUSED_STATUSES = (
    "absconding",
    "arrested",
    "judicial_custody",
    "on_bail",
    "discharged",
    "convicted",
    "acquitted",
)


class Accused(Base):
    __tablename__ = "accused"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in ACCUSED_STATUSES) + ")", name="status"
        ),
        Index("ix_accused_name_key", "name_key"),
        Index("ix_accused_alias_key", "alias_key"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    alias: Mapped[str | None] = mapped_column(String(120))
    # Lower-cased, space-folded name and alias: repeat offenders are found across cases by these.
    name_key: Mapped[str] = mapped_column(String(120))
    alias_key: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(30))
    status_since: Mapped[date] = mapped_column(Date)
    # The first remand starts the default-bail clock (BNSS 187(3) / CrPC 167(2)).
    first_remand_on: Mapped[date | None] = mapped_column(Date)
    bail_court: Mapped[str | None] = mapped_column(String(160))
    created_at: Mapped[datetime] = created_at_column()
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class AccusedStatusChange(Base):
    __tablename__ = "accused_status_changes"
    __table_args__ = append_only()

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    accused_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accused.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    effective_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = created_at_column()
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")


TEAM_ROLES = ("lawyer", "social_worker", "survivor_leader")


class CaseTeamMember(Base):
    __tablename__ = "case_team_members"
    __table_args__ = (
        CheckConstraint(
            "team_role IN (" + ", ".join(f"'{r}'" for r in TEAM_ROLES) + ")", name="team_role"
        ),
        # One active membership per person per case; removed ones stay as history.
        Index(
            "uq_case_team_active",
            "case_id",
            "user_id",
            unique=True,
            postgresql_where=text("removed_at IS NULL"),
        ),
        Index(
            "ix_case_team_user", "user_id", "case_id", postgresql_where=text("removed_at IS NULL")
        ),
        # A member's cases of one stage and district, without looking up each of her cases
        # (the filtered case list, tafteesh.cases.listing).
        Index(
            "ix_case_team_user_filters",
            "user_id",
            "case_stage",
            "case_district_key",
            postgresql_where=text("removed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    team_role: Mapped[str] = mapped_column(String(30))
    assigned_at: Mapped[datetime] = created_at_column()
    assigned_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    removed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    # Copies of the case's stage and lower-cased district, for the index above. The database
    # keeps them (migration 0008's triggers: set on insert, rewritten when the case's stage or
    # district changes), so the app never writes them and no writer can leave them stale.
    case_stage: Mapped[str] = mapped_column(String(40), server_default=FetchedValue())
    case_district_key: Mapped[str] = mapped_column(String(80), server_default=FetchedValue())


class TimelineEvent(Base):
    """One thing that happened to a case, typed, in the order it was recorded.

    ``summary`` is for the case team; ``survivor_summary`` is the plain-language line the
    survivor sees when the event is survivor-visible. Neither ever holds a survivor's identity;
    ``params`` keeps the values so the survivor portal can say it again in Bengali or Hindi.
    """

    __tablename__ = "timeline_events"
    __table_args__ = append_only()

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    occurred_at: Mapped[datetime] = created_at_column()
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(60))
    survivor_visible: Mapped[bool] = mapped_column(Boolean)
    summary: Mapped[str] = mapped_column(String(300))
    survivor_summary: Mapped[str | None] = mapped_column(String(300))
    params: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")


Index("ix_timeline_case", TimelineEvent.case_id, TimelineEvent.id.desc())
