"""Request and response shapes for cases and their parts.

No response model carries a survivor's identity except ``SurvivorWithIdentity``, which only her
lawyers and social workers receive.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from tafteesh.cases.models import ACCUSED_STATUSES, CNR_PATTERN
from tafteesh.cases.stages import Regime, Stage

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=160)] | None
AccusedStatus = Literal[
    "absconding", "arrested", "judicial_custody", "on_bail", "discharged", "convicted", "acquitted"
]
TeamRole = Literal["lawyer", "social_worker", "survivor_leader"]
assert set(AccusedStatus.__args__) == set(ACCUSED_STATUSES)  # type: ignore[attr-defined]


class ChargeIn(BaseModel):
    act: Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, max_length=10)]
    section: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]


class ChargeRead(ChargeIn):
    # Frozen: one instance per catalogue section is shared by every case that cites it.
    model_config = ConfigDict(frozen=True)

    citation: str
    title: str
    max_punishment: str | None


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


class CaseFields(BaseModel):
    """Fields shared by create and update."""

    police_station: ShortText | None = None
    fir_district: ShortText | None = None
    fir_state: ShortText | None = None
    fir_number: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] | None = (
        None
    )
    fir_year: int | None = Field(default=None, ge=1950, le=2100)
    fir_date: date | None = None
    zero_fir: bool | None = None
    court_establishment: OptionalText = None
    court_number: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] | None = (
        None
    )
    judge: OptionalText = None
    court_district: OptionalText = None
    cnr: Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True)] | None = None
    case_type: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] | None = None
    case_number: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] | None = (
        None
    )
    source_state: OptionalText = None
    destination_state: OptionalText = None
    victim_informed_on: date | None = None

    _blanks = field_validator(
        "court_establishment",
        "court_number",
        "judge",
        "court_district",
        "cnr",
        "case_type",
        "case_number",
        "source_state",
        "destination_state",
        mode="before",
    )(_blank_to_none)

    @field_validator("cnr")
    @classmethod
    def _cnr(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(CNR_PATTERN, value):
            raise ValueError("A CNR is 4 capital letters and 12 digits, like WBNP010012342024")
        return value


class CaseCreate(CaseFields):
    reference: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=40)]
    police_station: ShortText
    fir_district: ShortText
    fir_state: ShortText
    fir_number: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)
    ]
    fir_year: int = Field(ge=1950, le=2100)
    fir_date: date
    zero_fir: bool = False
    # Defaults from the FIR date: new codes for FIRs on or after 1 July 2024.
    regime: Regime | None = None
    owning_organisation_id: uuid.UUID | None = None
    charges: list[ChargeIn] = Field(default_factory=list, max_length=40)
    # A case entered mid-way (for example already at trial) starts at its current stage.
    stage: Stage = Stage.FIR_REGISTERED
    stage_since: date | None = None


class CaseUpdate(CaseFields):
    version: int = Field(ge=1)
    reference: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=40)] | None
    ) = None
    regime: Regime | None = None
    charges: list[ChargeIn] | None = Field(default=None, max_length=40)


class StageChangeIn(BaseModel):
    version: int = Field(ge=1)
    stage: Stage
    effective_on: date | None = None
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] = ""
    # BNSS 360 / CrPC 321: the victim must be heard before a withdrawal is allowed.
    victim_heard: bool = False


class StageChangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    from_stage: Stage | None
    to_stage: Stage
    effective_on: date
    recorded_at: datetime
    note: str


class CaseSummary(BaseModel):
    """A row of the case list."""

    id: uuid.UUID
    reference: str
    stage: Stage
    stage_label: str
    stage_since: date
    regime: Regime
    police_station: str
    fir_number: str
    fir_year: int
    fir_district: str
    court_establishment: str | None
    cnr: str | None
    owning_organisation: str
    survivors: list[str]  # pseudonyms
    next_clock_due_on: date | None
    overdue: bool
    updated_at: datetime


class CasePage(BaseModel):
    items: list[CaseSummary]
    next_cursor: str | None


class CaseRead(BaseModel):
    id: uuid.UUID
    reference: str
    regime: Regime
    police_station: str
    fir_district: str
    fir_state: str
    fir_number: str
    fir_year: int
    fir_date: date
    zero_fir: bool
    court_establishment: str | None
    court_number: str | None
    judge: str | None
    court_district: str | None
    cnr: str | None
    case_type: str | None
    case_number: str | None
    source_state: str | None
    destination_state: str | None
    victim_informed_on: date | None
    owning_organisation_id: uuid.UUID
    owning_organisation: str
    stage: Stage
    stage_label: str
    stage_since: date
    stage_before_suspension: Stage | None
    allowed_next_stages: list[Stage]
    charges: list[ChargeRead]
    next_clock_due_on: date | None
    version: int
    created_at: datetime
    updated_at: datetime


class IdentityFields(BaseModel):
    legal_name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)
    ]
    guardian_name: OptionalText = None
    phone: (
        Annotated[
            str, StringConstraints(strip_whitespace=True, max_length=20, pattern=r"^[0-9+ ()-]*$")
        ]
        | None
    ) = None
    address: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] | None = None
    age_at_offence: int | None = Field(default=None, ge=0, le=120)
    is_minor: bool = False


class SurvivorCreate(IdentityFields):
    pseudonym: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=60)]
    user_id: uuid.UUID | None = None
    leader_consent_on: date | None = None


class SurvivorUpdate(BaseModel):
    version: int = Field(ge=1)
    pseudonym: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=60)] | None
    ) = None
    identity: IdentityFields | None = None
    leader_consent_on: date | None = None


class LeaderConsentIn(BaseModel):
    """The date a survivor agreed that a survivor leader may support her case."""

    leader_consent_on: date


class LeaderConsentWithdrawal(BaseModel):
    """She takes back her consent; survivor leaders leave the team unless another survivor on
    the case still consents."""

    version: int = Field(ge=1)


class SurvivorRead(BaseModel):
    id: uuid.UUID
    pseudonym: str
    has_account: bool
    leader_consent_on: date | None
    version: int


class SurvivorWithIdentity(SurvivorRead):
    identity: IdentityFields


class AccusedCreate(BaseModel):
    name: ShortText
    alias: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] | None = None
    status: AccusedStatus = "absconding"
    status_since: date | None = None
    first_remand_on: date | None = None
    bail_court: OptionalText = None

    _blank_alias = field_validator("alias", "bail_court", mode="before")(_blank_to_none)


class AccusedStatusIn(BaseModel):
    version: int = Field(ge=1)
    status: AccusedStatus
    effective_on: date | None = None
    first_remand_on: date | None = None
    bail_court: OptionalText = None
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] = ""


class AccusedRead(BaseModel):
    id: uuid.UUID
    name: str
    alias: str | None
    status: AccusedStatus
    status_label: str
    status_since: date
    first_remand_on: date | None
    bail_court: str | None
    other_cases: int
    version: int


class TeamMemberIn(BaseModel):
    user_id: uuid.UUID
    team_role: TeamRole


class TeamMemberRead(BaseModel):
    user_id: uuid.UUID
    display_name: str
    team_role: TeamRole
    organisation: str
    assigned_at: datetime


class TimelineEventRead(BaseModel):
    id: int
    occurred_at: datetime
    kind: str
    survivor_visible: bool
    summary: str
    survivor_summary: str | None


class TimelinePage(BaseModel):
    items: list[TimelineEventRead]
    next_cursor: int | None


class ClockRead(BaseModel):
    code: str
    label: str
    applies_to: str | None  # the accused a default-bail clock runs for
    anchor_date: date
    due_date: date
    limit_days: int
    status: Literal["running", "due_soon", "overdue", "met"]
    met_on: date | None
    met_late: bool
    days_left: int | None
    days_overdue: int | None
    contested: bool
    note: str
