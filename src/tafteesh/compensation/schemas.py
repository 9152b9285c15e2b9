"""Request and response shapes for compensation claims.

Amounts travel as integer paise (`*_paise`), strictly: a JSON float such as 150000.0 is refused,
so no amount ever passes through one. Responses add the same amount shown in the Indian
grouping (`*_inr`: "₹1,50,000"). No shape carries a survivor's identity: she is named by her
survivor id and pseudonym. ``ClaimSummaryRead`` is the only shape her own view receives.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, field_validator

from tafteesh.compensation.clocks import ClockKind, ClockStatus
from tafteesh.compensation.money import MAX_PAISE
from tafteesh.compensation.statuses import (
    AppealForum,
    AppealStatus,
    AuthorityKind,
    ClaimBasis,
    ClaimDocument,
    ClaimStatus,
    DisbursementMode,
    PaidAgainst,
    RejectionReason,
    Scheme,
)

Paise = Annotated[int, Field(strict=True, ge=0, le=MAX_PAISE)]
PositivePaise = Annotated[int, Field(strict=True, gt=0, le=MAX_PAISE)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
Reference = Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)]
Place = Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=160)]
HeadName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


class ClaimFields(BaseModel):
    """Fields shared by create and update; the service checks that they fit together."""

    scheme_name: Name | None = None
    authority_district: Place | None = None
    authority_state: Place | None = None
    court_name: Name | None = None
    minor: bool | None = None
    application_reference: Reference | None = None
    applied_on: date | None = None
    recommended_on: date | None = None
    documents: list[ClaimDocument] | None = Field(default=None, max_length=len(ClaimDocument))
    # Heads from the scheme's schedule, by name (GET /api/v1/compensation-schemes lists them).
    heads: list[HeadName] | None = Field(default=None, max_length=20)
    claimed_paise: Paise | None = None
    notes: Note | None = None

    _blanks = field_validator(
        "scheme_name",
        "authority_district",
        "authority_state",
        "court_name",
        "application_reference",
        "notes",
        mode="before",
    )(_blank_to_none)


class ClaimCreate(ClaimFields):
    survivor_id: uuid.UUID
    scheme: Scheme
    authority_kind: AuthorityKind
    basis: ClaimBasis
    # Entering a claim filed earlier: record it as filed on its application or recommendation
    # date at once, instead of as a draft.
    filed: bool = False


class ClaimUpdate(ClaimFields):
    version: int = Field(ge=1)
    scheme: Scheme | None = None
    authority_kind: AuthorityKind | None = None
    basis: ClaimBasis | None = None


class StatusChangeIn(BaseModel):
    version: int = Field(ge=1)
    status: ClaimStatus
    effective_on: date | None = None
    # The amount of an interim or final award, from the order.
    amount_paise: PositivePaise | None = None
    rejection_reason: RejectionReason | None = None
    rejection_details: Note | None = None
    note: Note = ""


class DisbursementIn(BaseModel):
    version: int = Field(ge=1)  # the claim's: two people recording one tranche cannot both win
    amount_paise: PositivePaise
    paid_on: date
    mode: DisbursementMode
    reference: Reference | None = None
    matures_on: date | None = None
    note: Note = ""


class AppealCreate(BaseModel):
    version: int = Field(ge=1)  # the claim's
    forum: AppealForum
    filed_on: date
    reference: Reference | None = None
    grounds: Note | None = None


class AppealStatusIn(BaseModel):
    version: int = Field(ge=1)  # the appeal's
    status: AppealStatus
    effective_on: date | None = None
    outcome_note: Note | None = None


# -- responses -----------------------------------------------------------------------------------


class HeadRead(BaseModel):
    head: str
    min_paise: int | None
    max_paise: int | None
    band: str  # "₹4,00,000 to ₹7,00,000", "at least ₹1,00,000" or "no band in the schedule"
    minor_uplift_applied: bool
    unconfirmed: bool


class DocumentRead(BaseModel):
    document: ClaimDocument
    label: str
    submitted: bool


class ClaimClockRead(BaseModel):
    kind: ClockKind
    label: str
    rule: str
    starts_on: date
    due_on: date | None
    done_on: date | None
    status: ClockStatus
    status_label: str
    days_elapsed: int
    days_left: int | None
    days_late: int


class StatusChangeRead(BaseModel):
    from_status: ClaimStatus | None
    to_status: ClaimStatus
    to_label: str
    effective_on: date
    # Until the next change, or today for the current status: the delay advocacy counts.
    days_in_status: int
    amount_paise: int | None
    amount_inr: str | None
    rejection_reason: RejectionReason | None
    note: str
    recorded_at: datetime


class DisbursementRead(BaseModel):
    id: int
    amount_paise: int
    amount_inr: str
    paid_on: date
    mode: DisbursementMode
    mode_label: str
    against: PaidAgainst
    reference: str | None
    matures_on: date | None
    note: str
    recorded_at: datetime


class AppealRead(BaseModel):
    id: uuid.UUID
    forum: AppealForum
    forum_label: str
    status: AppealStatus
    status_label: str
    appealed_from: ClaimStatus
    filed_on: date
    reference: str | None
    grounds: str | None
    decided_on: date | None
    outcome_note: str | None
    allowed_next: list[AppealStatus]
    version: int


class DepositSplitRead(BaseModel):
    """NALSA 2018 cl.11: the part paid now and the part put in a fixed deposit."""

    paid_now_paise: int
    paid_now_inr: str
    deposit_paise: int
    deposit_inr: str
    deposit_percent: int


class ClaimListItem(BaseModel):
    id: uuid.UUID
    survivor_id: uuid.UUID
    survivor_pseudonym: str
    scheme: Scheme
    scheme_label: str
    authority_label: str
    status: ClaimStatus
    status_label: str
    status_since: date
    claimed_paise: int | None
    claimed_inr: str | None
    awarded_paise: int
    awarded_inr: str
    disbursed_paise: int
    disbursed_inr: str
    deposit_paise: int
    deposit_inr: str
    pending_paise: int
    pending_inr: str
    overdue: bool
    next_due_on: date | None
    version: int


class ClaimRead(ClaimListItem):
    case_id: uuid.UUID
    case_reference: str
    scheme_name: str | None
    authority_kind: AuthorityKind
    authority_district: str | None
    authority_state: str | None
    court_name: str | None
    basis: ClaimBasis
    basis_label: str
    minor: bool
    application_reference: str | None
    applied_on: date | None
    recommended_on: date | None
    documents: list[DocumentRead]
    heads: list[HeadRead]
    interim_awarded_paise: int | None
    interim_awarded_inr: str | None
    interim_awarded_on: date | None
    interim_paid_on: date | None
    # NALSA 2018 cl.12: how far interim relief falls below 25% of the largest head's maximum.
    interim_shortfall_paise: int | None
    interim_shortfall_inr: str | None
    final_awarded_paise: int | None
    final_awarded_inr: str | None
    final_awarded_on: date | None
    final_first_paid_on: date | None
    suggested_split: DepositSplitRead | None
    rejection_reason: RejectionReason | None
    rejection_reason_label: str | None
    rejection_details: str | None
    rejected_on: date | None
    # Why the ground can be challenged, when the law answers it.
    rejection_contested_by: str | None
    notes: str | None
    allowed_next_statuses: list[ClaimStatus]
    can_appeal: bool
    can_disburse: bool
    clocks: list[ClaimClockRead]
    history: list[StatusChangeRead]
    disbursements: list[DisbursementRead]
    appeals: list[AppealRead]
    created_at: datetime
    updated_at: datetime


class ClaimSummaryRead(BaseModel):
    """The survivor's own view of a claim: plain words and amounts, no team notes."""

    claim_id: uuid.UUID
    case_id: uuid.UUID
    survivor_pseudonym: str
    status: ClaimStatus
    status_label: str
    where_it_stands: str
    awarded_paise: int
    awarded_inr: str
    paid_paise: int
    paid_inr: str
    deposit_paise: int
    deposit_inr: str
    pending_paise: int
    pending_inr: str
    next_step: str


class ScheduleHeadRead(BaseModel):
    head: str
    min_paise: int | None
    max_paise: int | None
    minor_uplift_percent: int | None
    unconfirmed: bool


class SchemeRead(BaseModel):
    scheme: Scheme
    label: str
    heads: list[ScheduleHeadRead]  # empty: the scheme has no schedule, so heads are free text
