"""The case timeline: typed, append-only events written in the same transaction as the change.

Every event has a line for the team and, when the survivor should know of it, a plain-language
line for her. Neither may hold a survivor's identity: events name survivors by pseudonym.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.cases.models import TimelineEvent
from tafteesh.cases.stages import Stage


class EventKind(StrEnum):
    CASE_OPENED = "case.opened"
    CASE_UPDATED = "case.updated"
    CHARGES_CHANGED = "charges.changed"
    STAGE_CHANGED = "stage.changed"
    SURVIVOR_ADDED = "survivor.added"
    SURVIVOR_UPDATED = "survivor.updated"
    LEADER_CONSENT = "survivor.leader_consent"
    LEADER_CONSENT_WITHDRAWN = "survivor.leader_consent_withdrawn"
    ACCUSED_ADDED = "accused.added"
    ACCUSED_STATUS = "accused.status_changed"
    TEAM_JOINED = "team.joined"
    TEAM_LEFT = "team.left"
    HEARING_SCHEDULED = "hearing.scheduled"
    HEARING_CHANGED = "hearing.changed"
    HEARING_OUTCOME = "hearing.outcome"
    HEARINGS_IMPORTED = "hearing.imported"
    COMPENSATION_CLAIM_OPENED = "compensation.claim_opened"
    COMPENSATION_CLAIM_CHANGED = "compensation.claim_changed"
    COMPENSATION_STATUS = "compensation.status_changed"
    COMPENSATION_DISBURSEMENT = "compensation.disbursement"
    COMPENSATION_APPEAL_FILED = "compensation.appeal_filed"
    COMPENSATION_APPEAL_STATUS = "compensation.appeal_status_changed"
    EVIDENCE_ADDED = "evidence.added"
    CUSTODY_RECORDED = "evidence.custody"


# What each stage means, said to the survivor without legal words.
STAGE_FOR_SURVIVOR: dict[Stage, str] = {
    Stage.FIR_REGISTERED: "The police have registered your complaint (FIR).",
    Stage.UNDER_INVESTIGATION: "The police are investigating your case.",
    Stage.CHARGESHEET_FILED: "The police have filed their report (chargesheet) in court.",
    Stage.CLOSURE_REPORT: "The police have asked the court to close the case. Your lawyer can "
    "object to this.",
    Stage.FURTHER_INVESTIGATION: "The police are investigating your case again.",
    Stage.COGNIZANCE: "The court has taken up your case.",
    Stage.COMMITTED_TO_SESSIONS: "Your case has been sent to the sessions court for trial.",
    Stage.CHARGE_HEARING: "The court is hearing what the accused should be charged with.",
    Stage.CHARGES_FRAMED: "The court has framed charges against the accused. The trial begins.",
    Stage.DISCHARGED: "The court has released the accused from the case. Your lawyer can "
    "challenge this.",
    Stage.PROSECUTION_EVIDENCE: "Witnesses are giving evidence. You may be called to speak in "
    "court; your team will help you prepare.",
    Stage.STATEMENT_OF_ACCUSED: "The court is asking the accused about the evidence.",
    Stage.DEFENCE_EVIDENCE: "The accused's side is presenting its witnesses.",
    Stage.FINAL_ARGUMENTS: "The lawyers are making their final arguments.",
    Stage.JUDGMENT_RESERVED: "The judge will give the judgment on a later date.",
    Stage.CONVICTED: "The court has found the accused guilty.",
    Stage.ACQUITTED: "The court has found the accused not guilty. Your lawyer can appeal.",
    Stage.SENTENCED: "The court has sentenced the accused.",
    Stage.APPEAL_PENDING: "An appeal in your case is pending in a higher court.",
    Stage.TRANSFERRED: "Your case has been moved to another court.",
    Stage.STAYED_BY_HIGHER_COURT: "A higher court has paused your case for now.",
    Stage.WITHDRAWN: "The case has been withdrawn by the prosecution.",
    Stage.COMPOUNDED: "The case has ended by a settlement recorded by the court.",
}

ACCUSED_STATUS_FOR_SURVIVOR: dict[str, str] = {
    "absconding": "is absconding (the police have not found them)",
    "arrested": "has been arrested",
    "judicial_custody": "is in jail (judicial custody)",
    "on_bail": "is out on bail",
    "discharged": "has been discharged by the court",
    "convicted": "has been convicted",
    "acquitted": "has been acquitted",
}


@dataclass(frozen=True)
class Entry:
    kind: EventKind
    summary: str
    survivor_summary: str | None = None
    params: dict[str, Any] | None = None


async def page(
    session: AsyncSession,
    case_id: uuid.UUID,
    *,
    survivor_view: bool,
    before_id: int | None,
    limit: int,
) -> tuple[list[TimelineEvent], int | None]:
    """Newest first, keyset-paginated; the survivor's view holds only events marked for her."""
    query = select(TimelineEvent).where(TimelineEvent.case_id == case_id)
    if survivor_view:
        query = query.where(TimelineEvent.survivor_visible.is_(True))
    if before_id:
        query = query.where(TimelineEvent.id < before_id)
    rows = list(await session.scalars(query.order_by(TimelineEvent.id.desc()).limit(limit + 1)))
    cursor = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], cursor
