"""Request and response shapes for hearings."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator

from tafteesh.cases.stages import Stage
from tafteesh.hearings.vocabulary import AdjournmentReason, HearingStatus, Outcome, Party, Purpose

Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=160)]


class Attendance(BaseModel):
    pp: bool = False
    io: bool = False
    accused: bool = False
    survivor: bool = False
    defence_counsel: bool = False
    witnesses_examined: int = Field(default=0, ge=0, le=50)


class HearingCreate(BaseModel):
    hearing_date: date
    hearing_time: time | None = None
    session: Literal["morning", "afternoon"] | None = None
    purpose: Purpose
    purpose_text: Short | None = None
    witness_number: int | None = Field(default=None, ge=1, le=999)
    # Default from the case when left out.
    court_establishment: Short | None = None
    court_number: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] | None = (
        None
    )
    judge: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] | None = None


class HearingUpdate(BaseModel):
    version: int = Field(ge=1)
    hearing_date: date | None = None
    hearing_time: time | None = None
    session: Literal["morning", "afternoon"] | None = None
    purpose: Purpose | None = None
    witness_number: int | None = Field(default=None, ge=1, le=999)
    court_establishment: Short | None = None
    court_number: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] | None = (
        None
    )
    judge: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] | None = None
    status: Literal["scheduled", "cancelled"] | None = None

    @field_validator("hearing_date", "purpose", "status", mode="before")
    @classmethod
    def _not_emptied(cls, value: object) -> object:
        # Leaving a field out keeps it; sending null would empty a required field.
        if value is None:
            raise ValueError("cannot be empty")
        return value


class OutcomeIn(BaseModel):
    """What a lawyer records in the corridor: outcome, reason if adjourned, next date."""

    version: int = Field(ge=1)
    outcome: Outcome
    adjournment_reason: AdjournmentReason | None = None
    # Defaults from the reason (a defence request is the defence's adjournment).
    adjournment_sought_by: Party | None = None
    next_date: date | None = None
    next_purpose: Purpose | None = None
    attendance: Attendance | None = None
    business_recorded: Note | None = None
    survivor_note: Note | None = None
    # The stage change the outcome implies, when the lawyer accepts it.
    move_case_to: Stage | None = None


class HearingRead(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    case_reference: str
    hearing_date: date
    hearing_time: time | None
    session: str | None
    court_establishment: str | None
    court_number: str | None
    judge: str | None
    purpose: Purpose
    purpose_label: str
    purpose_text: str | None
    witness_number: int | None
    status: HearingStatus
    outcome: Outcome | None
    adjournment_reason: AdjournmentReason | None
    adjournment_sought_by: Party | None
    attendance: Attendance
    business_recorded: str | None
    survivor_note: str | None
    next_date: date | None
    next_hearing_id: uuid.UUID | None
    source: Literal["recorded", "imported"]
    verified: bool
    discrepancies: dict[str, dict[str, str | None]]
    outcome_recorded_at: datetime | None
    version: int


class AdjournmentCount(BaseModel):
    party: Party
    label: str
    count: int
    over_limit: bool


class CaseHearings(BaseModel):
    items: list[HearingRead]
    adjournments: list[AdjournmentCount]


class OutcomeResult(BaseModel):
    hearing: HearingRead
    next_hearing: HearingRead | None
    case_stage: Stage


class CauseListEntry(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    case_reference: str
    hearing_date: date
    hearing_time: time | None
    session: str | None
    court_establishment: str | None
    court_number: str | None
    purpose: Purpose
    purpose_label: str
    status: HearingStatus
    outcome: Outcome | None
    next_date: date | None
    survivors: list[str]  # pseudonyms
    version: int


class DepositionPreparationIn(BaseModel):
    version: int | None = Field(default=None, ge=1)  # None when nothing was recorded yet
    support_person: bool = False
    travel_arranged: bool = False
    video_conference_requested: bool = False
    threat_check_done: bool = False
    notes: Note | None = None


class DepositionPreparationRead(DepositionPreparationIn):
    hearing_id: uuid.UUID
    updated_at: datetime | None


class ConfirmIn(BaseModel):
    """Settle a difference between eCourts and what was recorded."""

    version: int = Field(ge=1)
    keep: Literal["ecourts", "recorded"]


class ImportReport(BaseModel):
    rows: int
    matched: int
    created: list[date]
    flagged: list[date]


class CalendarLink(BaseModel):
    url: str
