"""Compensation claims and their parts: heads claimed, status history, disbursements, appeals.

Money is BIGINT paise, never a float. Status history and disbursements are append-only, like
the case's stage history: the app role may only insert, and triggers refuse rewrites (migration
0004). A claim names its survivor by id; her identity stays in ``survivors`` and is never read
here.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from tafteesh.compensation.statuses import (
    AppealForum,
    AppealStatus,
    AuthorityKind,
    ClaimBasis,
    ClaimStatus,
    DisbursementMode,
    PaidAgainst,
    RejectionReason,
    Scheme,
)
from tafteesh.db import Base, append_only, created_at_column, uuid_pk


def _one_of(column: str, values: type[StrEnum], *, nullable: bool = False) -> str:
    listed = f"{column} IN (" + ", ".join(f"'{v.value}'" for v in values) + ")"
    return f"{column} IS NULL OR {listed}" if nullable else listed


def _not_negative(*columns: str) -> list[CheckConstraint]:
    # A CHECK passes on NULL, so this also covers the amounts not known yet.
    return [CheckConstraint(f"{c} >= 0", name=c) for c in columns]


class CompensationClaim(Base):
    __tablename__ = "compensation_claims"
    __table_args__ = (
        CheckConstraint(_one_of("scheme", Scheme), name="scheme"),
        CheckConstraint(_one_of("authority_kind", AuthorityKind), name="authority_kind"),
        CheckConstraint(_one_of("basis", ClaimBasis), name="basis"),
        CheckConstraint(_one_of("status", ClaimStatus), name="status"),
        CheckConstraint(
            _one_of("rejection_reason", RejectionReason, nullable=True), name="rejection_reason"
        ),
        *_not_negative(
            "claimed_paise",
            "interim_awarded_paise",
            "final_awarded_paise",
            "disbursed_paise",
            "deposit_paise",
        ),
        # The last line of defence behind the service's friendlier message: what was paid and
        # deposited never exceeds the award it came out of (the final one once it is made,
        # since interim relief is adjusted against it).
        CheckConstraint(
            "disbursed_paise + deposit_paise"
            " <= COALESCE(final_awarded_paise, interim_awarded_paise, 0)",
            name="not_over_award",
        ),
        Index("ix_compensation_claims_case", "case_id", "created_at"),
        # Earliest open due date, kept by every write, so "overdue claims" is an indexed filter.
        Index("ix_compensation_claims_next_due", "next_due_on"),
        Index("ix_compensation_claims_status", "status", "status_since"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    survivor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("survivors.id"), index=True)
    scheme: Mapped[str] = mapped_column(String(40))
    # The scheme's own name when it is another state's ("Maharashtra Manodhairya Scheme").
    scheme_name: Mapped[str | None] = mapped_column(String(160))
    authority_kind: Mapped[str] = mapped_column(String(10))
    authority_district: Mapped[str | None] = mapped_column(String(80))  # a DLSA's district
    authority_state: Mapped[str | None] = mapped_column(String(80))  # an SLSA's state
    court_name: Mapped[str | None] = mapped_column(String(160))  # when a court decides
    basis: Mapped[str] = mapped_column(String(30))
    # Entered by the team, not read from her sealed identity: it raises the schedule's limits
    # (NALSA 2018 cl.9(3)) and the share put in deposit (cl.11(2)).
    minor: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    status: Mapped[str] = mapped_column(String(30))
    status_since: Mapped[date] = mapped_column(Date)
    # The authority's file number for the application.
    application_reference: Mapped[str | None] = mapped_column(String(80))
    applied_on: Mapped[date | None] = mapped_column(Date)
    recommended_on: Mapped[date | None] = mapped_column(Date)
    # ClaimDocument values already given to the authority.
    documents: Mapped[list[str]] = mapped_column(JSONB, default=list, server_default="[]")
    claimed_paise: Mapped[int | None] = mapped_column(BigInteger)
    interim_awarded_paise: Mapped[int | None] = mapped_column(BigInteger)
    interim_awarded_on: Mapped[date | None] = mapped_column(Date)
    interim_paid_on: Mapped[date | None] = mapped_column(Date)
    final_awarded_paise: Mapped[int | None] = mapped_column(BigInteger)
    # The first final order: the payment clock keeps counting from it when an appeal enhances
    # the amount, so a long wait is not reset by a later order.
    final_awarded_on: Mapped[date | None] = mapped_column(Date)
    final_first_paid_on: Mapped[date | None] = mapped_column(Date)
    # Totals of the disbursements, kept with the claim's version so two people recording the
    # same tranche at once cannot both succeed.
    disbursed_paise: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    deposit_paise: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    rejection_reason: Mapped[str | None] = mapped_column(String(40))
    rejection_details: Mapped[str | None] = mapped_column(Text)  # the order's words; team only
    rejected_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)  # team only, never in the survivor's view
    next_due_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class CompensationClaimHead(Base):
    """An injury or loss head claimed, with the schedule's band copied when it was claimed:
    schedules change, and the band that applied is what an appeal argues from."""

    __tablename__ = "compensation_claim_heads"
    __table_args__ = (UniqueConstraint("claim_id", "head", name="uq_compensation_claim_heads"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("compensation_claims.id"), index=True)
    head: Mapped[str] = mapped_column(String(200))
    min_paise: Mapped[int | None] = mapped_column(BigInteger)
    max_paise: Mapped[int | None] = mapped_column(BigInteger)
    minor_uplift_applied: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default="false"
    )
    unconfirmed: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")


class ClaimStatusChange(Base):
    __tablename__ = "compensation_status_changes"
    __table_args__ = (
        CheckConstraint(_one_of("to_status", ClaimStatus), name="to_status"),
        append_only(),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("compensation_claims.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    # When the authority acted; recorded_at is when the team learnt of it.
    effective_on: Mapped[date] = mapped_column(Date)
    amount_paise: Mapped[int | None] = mapped_column(BigInteger)  # the award made, if any
    rejection_reason: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")  # team only
    recorded_at: Mapped[datetime] = created_at_column()
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class Disbursement(Base):
    """One tranche paid to the survivor or put into a fixed deposit in her name."""

    __tablename__ = "compensation_disbursements"
    __table_args__ = (
        CheckConstraint("amount_paise > 0", name="amount_paise"),
        CheckConstraint(_one_of("mode", DisbursementMode), name="mode"),
        CheckConstraint(_one_of("against", PaidAgainst), name="against"),
        append_only(),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("compensation_claims.id"), index=True)
    amount_paise: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[date] = mapped_column(Date)
    mode: Mapped[str] = mapped_column(String(20))
    against: Mapped[str] = mapped_column(String(10))
    reference: Mapped[str | None] = mapped_column(String(80))  # UTR, cheque or deposit number
    matures_on: Mapped[date | None] = mapped_column(Date)  # a fixed deposit's maturity
    note: Mapped[str] = mapped_column(Text, default="", server_default="")  # team only
    recorded_at: Mapped[datetime] = created_at_column()
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class CompensationAppeal(Base):
    """An appeal against a rejection or the amount: to the DLSA's chairperson, the SLSA, or the
    High Court by writ. Its own status and outcome; a further appeal is a new record."""

    __tablename__ = "compensation_appeals"
    __table_args__ = (
        CheckConstraint(_one_of("forum", AppealForum), name="forum"),
        CheckConstraint(_one_of("status", AppealStatus), name="status"),
        CheckConstraint(_one_of("appealed_from", ClaimStatus), name="appealed_from"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("compensation_claims.id"), index=True)
    forum: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))
    # The claim's status when appealed: a dismissed appeal returns the claim to it.
    appealed_from: Mapped[str] = mapped_column(String(30))
    filed_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(80))  # appeal or writ petition number
    grounds: Mapped[str | None] = mapped_column(Text)  # team only
    decided_on: Mapped[date | None] = mapped_column(Date)
    outcome_note: Mapped[str | None] = mapped_column(Text)  # team only
    created_at: Mapped[datetime] = created_at_column()
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


def documents_of(claim: CompensationClaim) -> list[str]:
    """The checklist as stored (JSONB may hold nothing)."""
    value: Any = claim.documents
    return [str(v) for v in value] if isinstance(value, list) else []
