"""Recording a hearing's outcome: the lawyer's most frequent act, done on a phone in a corridor.

One transaction: the hearing, the next hearing, the stage change the lawyer accepted, the
timeline events and the audit row commit together or not at all. A second writer with a stale
version is shown what the first one saved.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    Integer,
    String,
    Table,
    bindparam,
    exists,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from tafteesh.audit.service import AuditLine
from tafteesh.auth.principal import Principal
from tafteesh.cases import service as cases
from tafteesh.cases import timeline
from tafteesh.cases.changes import record_change
from tafteesh.cases.identity import IdentityCipher
from tafteesh.cases.models import Case
from tafteesh.cases.stages import Stage, allowed_next
from tafteesh.driver import DriverStatement
from tafteesh.errors import Forbidden, InvalidInput, StaleVersion
from tafteesh.hearings.models import Hearing
from tafteesh.hearings.schemas import OutcomeIn
from tafteesh.hearings.service import hearing_snapshot, scheduled_audit, scheduled_entry
from tafteesh.hearings.views import HearingRow
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
    next_hearing: HearingRow | None


def _validate_outcome(hearing: Hearing, case: Case, data: OutcomeIn, today: date) -> None:
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
    if data.next_date is not None and data.next_date < case.fir_date:
        raise InvalidInput(
            f"A hearing cannot be before the FIR ({case.fir_date:%d %b %Y}).",
            details={"fields": {"next_date": "before the FIR"}},
        )
    if data.next_date is None and data.outcome in (Outcome.ADJOURNED, Outcome.NOT_TAKEN_UP):
        raise InvalidInput(
            "Enter the next date the court gave.",
            details={"fields": {"next_date": "required when the hearing did not conclude"}},
        )


# Recording an outcome is the app's most frequent write, so it is a handful of Core statements
# built once and run on the driver (tafteesh.driver), in the order that needs the fewest: the
# next hearing first, then this hearing with its outcome and the link to the next one in a
# single guarded UPDATE, then the case's timeline and audit rows in one statement
# (cases.changes).
_HEARINGS = cast(Table, Hearing.__table__)
_COLUMNS = tuple(_HEARINGS.c)
_VERSION = _HEARINGS.c.version
_SCHEDULED = HearingStatus.SCHEDULED.value


def _typed(name: str) -> BindParameter[Any]:
    return bindparam(name, type_=_HEARINGS.c[name].type)


# A scheduled hearing of the case on the next date: there is at most one next hearing a day.
_SCHEDULED_THAT_DAY = (
    _HEARINGS.c.case_id == bindparam("case_id"),
    _HEARINGS.c.hearing_date == bindparam("hearing_date"),
    _HEARINGS.c.status == _SCHEDULED,
)
_NEXT_FIELDS = (
    "id", "case_id", "hearing_date", "court_establishment", "court_number", "judge", "purpose",
    "witness_number", "created_by",
)  # fmt: skip
# A new hearing on the next date, unless one is already scheduled then (which becomes the next).
# Its other columns take their server defaults: scheduled, recorded, verified, version 1.
_SCHEDULE_NEXT = DriverStatement(
    insert(_HEARINGS)
    .from_select(
        _NEXT_FIELDS,
        select(*(_typed(name) for name in _NEXT_FIELDS)).where(
            ~exists().where(*_SCHEDULED_THAT_DAY)
        ),
        include_defaults=False,
    )
    .returning(*_COLUMNS)
)
_SCHEDULED_ON = DriverStatement(select(*_COLUMNS).where(*_SCHEDULED_THAT_DAY))
# The next hearing an earlier save of this outcome made, while it has not happened yet.
_FOLLOWING = update(_HEARINGS).where(
    _HEARINGS.c.id == bindparam("following_id"), _HEARINGS.c.status == _SCHEDULED
)
_MOVE_FOLLOWING = DriverStatement(
    _FOLLOWING.values(
        hearing_date=bindparam("moved_to"),
        purpose=func.coalesce(bindparam("moved_purpose", type_=String), _HEARINGS.c.purpose),
        witness_number=bindparam("moved_witness", type_=Integer),
        version=_VERSION + 1,
    ).returning(*_COLUMNS)
)
_CANCEL_FOLLOWING = DriverStatement(
    _FOLLOWING.values(status=HearingStatus.CANCELLED.value, version=_VERSION + 1).returning(
        _HEARINGS.c.id
    )
)
# What recording an outcome sets, besides the version.
_RECORDED_FIELDS = (
    "outcome", "status", "adjournment_reason", "adjournment_sought_by", "attendance",
    "business_recorded", "survivor_note", "next_date", "next_hearing_id", "outcome_recorded_at",
    "outcome_recorded_by", "verified",
)  # fmt: skip
# The outcome itself, only over the version the lawyer saw: a second writer changes nothing.
_RECORD = DriverStatement(
    update(_HEARINGS)
    .where(_HEARINGS.c.id == bindparam("hearing_id"), _VERSION == bindparam("seen_version"))
    .values(version=_VERSION + 1, **{name: _typed(name) for name in _RECORDED_FIELDS})
    .returning(*_COLUMNS)
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
    _validate_outcome(hearing, case, data, today_in_india())
    reason = data.adjournment_reason if data.outcome is Outcome.ADJOURNED else None
    sought_by = data.adjournment_sought_by or (reason.usual_party if reason else None)

    next_hearing, scheduled = await _place_next_hearing(session, actor, case, hearing, data)
    recorded = await _RECORD.fetch_one(
        session,
        {
            "hearing_id": hearing.id,
            "seen_version": data.version,
            "outcome": data.outcome.value,
            "status": data.outcome.status.value,
            "adjournment_reason": reason.value if reason else None,
            "adjournment_sought_by": sought_by.value if sought_by else None,
            "attendance": (
                data.attendance.model_dump() if data.attendance is not None else hearing.attendance
            ),
            "business_recorded": data.business_recorded or hearing.business_recorded,
            "survivor_note": data.survivor_note or hearing.survivor_note,
            "next_date": data.next_date,
            "next_hearing_id": next_hearing.id if next_hearing else None,
            "outcome_recorded_at": datetime.now(UTC),
            "outcome_recorded_by": actor.id,
            "verified": True,
        },
    )
    if recorded is None:
        # Someone saved this hearing since it was read; what they saved is the conflict shown.
        # The request rolls back, taking the next hearing placed above with it.
        await session.refresh(hearing)
        raise StaleVersion("hearing", hearing_snapshot(hearing))
    for name, value in recorded.items():
        set_committed_value(hearing, name, value)

    events = [_outcome_entry(hearing, data, reason, sought_by)]
    audit = [
        AuditLine(
            "hearing.outcome",
            "hearing",
            hearing.id,
            data.outcome.value + (f" ({reason.value})" if reason else ""),
        )
    ]
    if scheduled and next_hearing is not None:
        purpose = Purpose(next_hearing.purpose)
        events.insert(0, scheduled_entry(next_hearing.id, next_hearing.hearing_date, purpose))
        audit.insert(0, scheduled_audit(case, next_hearing.id, next_hearing.hearing_date))
    await record_change(session, actor, case, events=events, audit=audit)
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


async def _place_next_hearing(
    session: AsyncSession, actor: Principal, case: Case, hearing: Hearing, data: OutcomeIn
) -> tuple[HearingRow | None, bool]:
    """The next date becomes a scheduled hearing, once: a corrected outcome moves the one it
    made, or withdraws it when the correction has no next date. Returns the next hearing and
    whether it was scheduled just now."""
    following = hearing.next_hearing_id
    if data.next_date is None:
        if following is not None:
            await _CANCEL_FOLLOWING.fetch(session, {"following_id": following})
        return None, False
    witness = _next_witness(hearing, data)
    if following is not None:
        moved = await _MOVE_FOLLOWING.fetch_one(
            session,
            {
                "following_id": following,
                "moved_to": data.next_date,
                "moved_purpose": data.next_purpose.value if data.next_purpose else None,
                "moved_witness": witness,
            },
        )
        if moved is not None:
            return moved, False
    place = {"case_id": case.id, "hearing_date": data.next_date}
    created = await _SCHEDULE_NEXT.fetch_one(
        session,
        {
            **place,
            "id": uuid.uuid4(),
            "court_establishment": hearing.court_establishment,
            "court_number": hearing.court_number,
            "judge": hearing.judge,
            "purpose": (data.next_purpose or Purpose(hearing.purpose)).value,
            "witness_number": witness,
            "created_by": actor.id,
        },
    )
    if created is not None:
        return created, True
    return await _SCHEDULED_ON.fetch_one(session, place), False


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
