"""Recording a hearing's outcome: the lawyer's most frequent act, done on a phone in a corridor.

One transaction: the hearing, the next hearing, the stage change the lawyer accepted, the
timeline events and the audit row commit together or not at all. A second writer with a stale
version is shown what the first one saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from tafteesh.audit import service as audit
from tafteesh.auth.principal import Principal
from tafteesh.cases import service as cases
from tafteesh.cases import timeline
from tafteesh.cases.identity import IdentityCipher
from tafteesh.cases.models import Case
from tafteesh.cases.stages import Stage, allowed_next
from tafteesh.errors import Forbidden, InvalidInput, StaleVersion
from tafteesh.hearings.models import Hearing
from tafteesh.hearings.schemas import HearingCreate, OutcomeIn
from tafteesh.hearings.service import hearing_snapshot, schedule_hearing
from tafteesh.hearings.vocabulary import (
    AdjournmentReason,
    HearingStatus,
    Outcome,
    Party,
    Purpose,
)
from tafteesh.india import today_in_india

# The stage an outcome usually means, offered to the lawyer (never applied without her say).
IMPLIED_STAGES: dict[tuple[Purpose, Outcome], tuple[Stage, ...]] = {
    (Purpose.CHARGE_HEARING, Outcome.ORDER_PASSED): (Stage.CHARGES_FRAMED, Stage.DISCHARGED),
    (Purpose.CHARGE_HEARING, Outcome.PROCEEDED): (Stage.CHARGES_FRAMED,),
    (Purpose.PROSECUTION_EVIDENCE, Outcome.EVIDENCE_RECORDED): (Stage.STATEMENT_OF_ACCUSED,),
    (Purpose.STATEMENT_OF_ACCUSED, Outcome.PROCEEDED): (
        Stage.DEFENCE_EVIDENCE,
        Stage.FINAL_ARGUMENTS,
    ),
    (Purpose.DEFENCE_EVIDENCE, Outcome.EVIDENCE_RECORDED): (Stage.FINAL_ARGUMENTS,),
    (Purpose.ARGUMENTS, Outcome.PROCEEDED): (Stage.JUDGMENT_RESERVED,),
    (Purpose.ARGUMENTS, Outcome.ORDER_PASSED): (Stage.JUDGMENT_RESERVED,),
    (Purpose.JUDGMENT, Outcome.JUDGMENT_PRONOUNCED): (Stage.CONVICTED, Stage.ACQUITTED),
}

# Why a hearing was postponed, said to the survivor without court words.
REASON_FOR_SURVIVOR: dict[AdjournmentReason, str] = {
    AdjournmentReason.ACCUSED_ABSENT: "the accused did not come",
    AdjournmentReason.UNDERTRIAL_NOT_PRODUCED: "the accused was not brought from jail",
    AdjournmentReason.PROSECUTION_WITNESS_ABSENT: "a witness did not come",
    AdjournmentReason.IO_ABSENT: "the police officer in charge did not come",
    AdjournmentReason.SUMMONS_NOT_SERVED: "the court's notices had not reached everyone",
    AdjournmentReason.PP_ABSENT_OR_UNPREPARED: "the government's lawyer was absent or not ready",
    AdjournmentReason.DEFENCE_REQUEST: "the accused's lawyer asked for more time",
    AdjournmentReason.COUNSEL_NOT_AVAILABLE: "a lawyer was not available",
    AdjournmentReason.PRESIDING_OFFICER_ON_LEAVE: "the judge was on leave",
    AdjournmentReason.COURT_BUSY: "the court did not have time",
    AdjournmentReason.RECORDS_AWAITED: "the court was waiting for papers",
    AdjournmentReason.FORENSIC_REPORT_AWAITED: "the forensic report was not ready",
    AdjournmentReason.STAYED_BY_HIGHER_COURT: "a higher court has paused the case",
    AdjournmentReason.OTHER: "of another reason",
}


def implied_stages(
    purpose: Purpose, outcome: Outcome, current: Stage, previous: Stage | None
) -> list[Stage]:
    allowed = allowed_next(current, previous=previous)
    return [s for s in IMPLIED_STAGES.get((purpose, outcome), ()) if s in allowed]


@dataclass(frozen=True)
class RecordedOutcome:
    hearing: Hearing
    next_hearing: Hearing | None


def _validate_outcome(hearing: Hearing, data: OutcomeIn, today: date) -> None:
    if hearing.hearing_date > today:
        raise InvalidInput(
            f"This hearing is on {hearing.hearing_date:%d %b %Y}; record its outcome on or after "
            "that day.",
        )
    if data.outcome is Outcome.ADJOURNED and data.adjournment_reason is None:
        raise InvalidInput(
            "Choose why the hearing was adjourned.",
            details={"fields": {"adjournment_reason": "required when adjourned"}},
        )
    if data.next_date is not None and data.next_date <= hearing.hearing_date:
        raise InvalidInput(
            f"The next hearing date must be after {hearing.hearing_date:%d %b %Y}.",
            details={"fields": {"next_date": "not after this hearing"}},
        )
    if data.next_date is None and data.outcome in (Outcome.ADJOURNED, Outcome.NOT_TAKEN_UP):
        raise InvalidInput(
            "Enter the next date the court gave.",
            details={"fields": {"next_date": "required when the hearing did not conclude"}},
        )


async def record_outcome(
    session: AsyncSession,
    actor: Principal,
    case: Case,
    hearing: Hearing,
    *,
    data: OutcomeIn,
    cipher: IdentityCipher,
    may_change_stage: bool,
) -> RecordedOutcome:
    """Record what happened; create the next hearing; apply the stage change she accepted."""
    if data.version != hearing.version:
        raise StaleVersion("hearing", hearing_snapshot(hearing))
    if data.move_case_to is not None and not may_change_stage:
        # The stage is a legal fact the case's lawyers record (cases/policy.can_change_stage).
        raise Forbidden("Only this case's lawyers can change its stage.")
    today = today_in_india()
    _validate_outcome(hearing, data, today)
    reason = data.adjournment_reason if data.outcome is Outcome.ADJOURNED else None
    hearing.outcome = data.outcome.value
    hearing.status = data.outcome.status.value
    hearing.adjournment_reason = reason.value if reason else None
    sought_by = data.adjournment_sought_by or (reason.usual_party if reason else None)
    hearing.adjournment_sought_by = sought_by.value if sought_by else None
    if data.attendance is not None:
        hearing.attendance = data.attendance.model_dump()
    hearing.business_recorded = data.business_recorded or hearing.business_recorded
    hearing.survivor_note = data.survivor_note or hearing.survivor_note
    hearing.next_date = data.next_date
    hearing.outcome_recorded_at = datetime.now(UTC)
    hearing.outcome_recorded_by = actor.id
    hearing.verified = True
    try:
        await session.flush()
    except StaleDataError as exc:
        await session.refresh(hearing)
        raise StaleVersion("hearing", hearing_snapshot(hearing)) from exc

    next_hearing = await _ensure_next_hearing(session, actor, case, hearing, data)
    await timeline.record(session, actor, case.id, _outcome_entry(hearing, data, reason, sought_by))
    await audit.record(
        session,
        actor,
        action="hearing.outcome",
        object_type="hearing",
        object_id=hearing.id,
        summary=f"{data.outcome.value}" + (f" ({reason.value})" if reason else ""),
    )
    if data.move_case_to is not None:
        await cases.change_stage(
            session,
            actor,
            case,
            version=case.version,
            target=data.move_case_to,
            effective_on=hearing.hearing_date,
            note=f"at the hearing of {hearing.hearing_date:%d %b %Y}",
            victim_heard=False,
            cipher=cipher,
        )
    return RecordedOutcome(hearing=hearing, next_hearing=next_hearing)


async def _ensure_next_hearing(
    session: AsyncSession, actor: Principal, case: Case, hearing: Hearing, data: OutcomeIn
) -> Hearing | None:
    """The next date becomes a scheduled hearing, once: a corrected outcome moves it."""
    if data.next_date is None:
        if hearing.next_hearing_id is not None:
            # A corrected outcome without a next date withdraws the next hearing it had made.
            following = await session.get(Hearing, hearing.next_hearing_id)
            if following is not None and following.status == HearingStatus.SCHEDULED.value:
                following.status = HearingStatus.CANCELLED.value
            hearing.next_hearing_id = None
            await session.flush()
        return None
    if hearing.next_hearing_id is not None:
        following = await session.get(Hearing, hearing.next_hearing_id)
        if following is not None and following.status == HearingStatus.SCHEDULED.value:
            following.hearing_date = data.next_date
            if data.next_purpose:
                following.purpose = data.next_purpose.value
            following.witness_number = _next_witness(hearing, data)
            await session.flush()
            return following
    existing = await session.scalar(
        select(Hearing).where(
            Hearing.case_id == case.id,
            Hearing.hearing_date == data.next_date,
            Hearing.status == HearingStatus.SCHEDULED.value,
        )
    )
    if existing is None:
        existing = await schedule_hearing(
            session,
            actor,
            case,
            data=HearingCreate(
                hearing_date=data.next_date,
                purpose=data.next_purpose or Purpose(hearing.purpose),
                witness_number=_next_witness(hearing, data),
                court_establishment=hearing.court_establishment,
                court_number=hearing.court_number,
                judge=hearing.judge,
            ),
        )
    hearing.next_hearing_id = existing.id
    await session.flush()
    return existing


def _next_witness(hearing: Hearing, data: OutcomeIn) -> int | None:
    """An examination that did not go ahead continues with the same witness on the next date;
    after a witness has deposed, who comes next is not known yet."""
    same_purpose = data.next_purpose is None or data.next_purpose.value == hearing.purpose
    if same_purpose and data.outcome in (Outcome.ADJOURNED, Outcome.NOT_TAKEN_UP):
        return hearing.witness_number
    return None


def _outcome_entry(
    hearing: Hearing, data: OutcomeIn, reason: AdjournmentReason | None, sought_by: Party | None
) -> timeline.Entry:
    day = f"{hearing.hearing_date:%d %b %Y}"
    team = f"Hearing of {day} ({Purpose(hearing.purpose).label}): {data.outcome.label.lower()}"
    if reason:
        team += f" — {reason.label}" + (
            f", sought by {sought_by.label.lower()}" if sought_by else ""
        )
    if data.next_date:
        team += f"; next {data.next_date:%d %b %Y}"
    if reason and data.next_date:
        plain = (
            f"The hearing on {day} was postponed to {data.next_date:%d %b %Y} because "
            f"{REASON_FOR_SURVIVOR[reason]}."
        )
    elif data.outcome is Outcome.NOT_TAKEN_UP and data.next_date:
        plain = (
            f"The court did not take up your case on {day}. "
            f"The next date is {data.next_date:%d %b %Y}."
        )
    elif data.next_date:
        plain = f"The hearing on {day} took place. The next date is {data.next_date:%d %b %Y}."
    else:
        plain = f"The hearing on {day} took place."
    if data.survivor_note:
        plain += " " + data.survivor_note
    return timeline.Entry(
        timeline.EventKind.HEARING_OUTCOME,
        team,
        plain,
        {
            "hearing_id": str(hearing.id),
            "outcome": data.outcome.value,
            "reason": reason.value if reason else None,
            "next_date": data.next_date.isoformat() if data.next_date else None,
        },
    )
