"""Recording a hearing's outcome: the lawyer's most frequent act, done on a phone in a corridor.

One statement, or one transaction when the lawyer also accepted a stage change: the hearing, the
next hearing, the stage change, the timeline events and the audit rows commit together or not at
all. A second writer with a stale
version is shown what the first one saved.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import cast

from sqlalchemy import Table, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from tafteesh.audit.service import AuditLine
from tafteesh.auth.principal import Principal
from tafteesh.cases import service as cases
from tafteesh.cases import timeline
from tafteesh.cases.changes import change_params, traces
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


# Recording an outcome is the app's most frequent write, so it is one statement, built once and
# run on the driver (tafteesh.driver): the guard on the version the lawyer saw, the next hearing
# (moving or withdrawing the one an earlier save made, else reusing one scheduled that day, else
# a new one), this hearing with its outcome and the link, and the case's traces
# (cases.changes.traces). One statement is atomic by itself: with the case read before it, an
# outcome costs two round trips and no BEGIN or COMMIT (bench/README.md, finding 25).
_HEARINGS = cast(Table, Hearing.__table__)
_COLUMNS = ", ".join(c.name for c in _HEARINGS.c)
_SCHEDULED = f"'{HearingStatus.SCHEDULED.value}'"
_CANCELLED = f"'{HearingStatus.CANCELLED.value}'"
# What recording an outcome sets, besides the version and the link to the next hearing.
_RECORDED_FIELDS = (
    "outcome", "status", "adjournment_reason", "adjournment_sought_by", "attendance",
    "business_recorded", "survivor_note", "next_date", "outcome_recorded_at",
    "outcome_recorded_by", "verified",
)  # fmt: skip
_SET_RECORDED = ", ".join(f"{name} = :{name}" for name in _RECORDED_FIELDS)
_RECORD_OUTCOME = DriverStatement(
    text(
        f"""
WITH guard AS (
    -- Nothing is written unless the hearing is still at the version the lawyer saw; a second
    -- writer waits for the first, then finds the version moved on and writes nothing.
    SELECT id FROM hearings
    WHERE id = CAST(:hearing_id AS uuid) AND version = :seen_version
    FOR UPDATE
), withdrawn AS (
    -- A corrected outcome without a next date withdraws the hearing an earlier save made.
    UPDATE hearings SET status = {_CANCELLED}, version = version + 1
    WHERE id = CAST(:following_id AS uuid) AND status = {_SCHEDULED}
      AND CAST(:next_date AS date) IS NULL AND EXISTS (SELECT FROM guard)
), moved AS (
    -- A corrected next date moves it, while it has not happened yet.
    UPDATE hearings
    SET hearing_date = :next_date, purpose = coalesce(CAST(:moved_purpose AS varchar), purpose),
        witness_number = CAST(:witness AS integer), version = version + 1
    WHERE id = CAST(:following_id AS uuid) AND status = {_SCHEDULED}
      AND CAST(:next_date AS date) IS NOT NULL AND EXISTS (SELECT FROM guard)
    RETURNING {_COLUMNS}
), existing AS (
    -- There is at most one next hearing a day: one already scheduled then becomes the next.
    SELECT {_COLUMNS} FROM hearings
    WHERE case_id = CAST(:case_id AS uuid) AND hearing_date = CAST(:next_date AS date)
      AND status = {_SCHEDULED} AND NOT EXISTS (SELECT FROM moved)
    ORDER BY created_at, id
    LIMIT 1
), scheduled AS (
    -- Otherwise a new one; its other columns take their defaults: scheduled, recorded, verified.
    INSERT INTO hearings (id, case_id, hearing_date, court_establishment, court_number, judge,
                          purpose, witness_number, created_by)
    SELECT CAST(:next_id AS uuid), CAST(:case_id AS uuid), CAST(:next_date AS date),
           CAST(:court_establishment AS varchar), CAST(:court_number AS varchar),
           CAST(:judge AS varchar), CAST(:next_purpose AS varchar), CAST(:witness AS integer),
           CAST(:actor_id AS uuid)
    WHERE CAST(:next_date AS date) IS NOT NULL AND EXISTS (SELECT FROM guard)
      AND NOT EXISTS (SELECT FROM moved) AND NOT EXISTS (SELECT FROM existing)
    RETURNING {_COLUMNS}
), next AS (
    SELECT * FROM moved UNION ALL SELECT * FROM existing UNION ALL SELECT * FROM scheduled
), recorded AS (
    UPDATE hearings SET {_SET_RECORDED}, next_hearing_id = (SELECT id FROM next),
                        version = version + 1
    WHERE id = CAST(:hearing_id AS uuid) AND EXISTS (SELECT FROM guard)
    RETURNING {_COLUMNS}
), {traces(changed="EXISTS (SELECT FROM recorded)", if_flagged="EXISTS (SELECT FROM scheduled)")}
SELECT false AS is_next, {_COLUMNS} FROM recorded
UNION ALL
SELECT true, {_COLUMNS} FROM next WHERE EXISTS (SELECT FROM recorded)
"""
    ).bindparams(*(bindparam(name, type_=_HEARINGS.c[name].type) for name in _RECORDED_FIELDS))
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
    next_id = uuid.uuid4()
    next_purpose = data.next_purpose or Purpose(hearing.purpose)

    # The traces of the outcome, and those of the next hearing if the statement creates one.
    events = [_outcome_entry(hearing, data, reason, sought_by)]
    audit = [
        AuditLine(
            "hearing.outcome",
            "hearing",
            hearing.id,
            data.outcome.value + (f" ({reason.value})" if reason else ""),
        )
    ]
    if_scheduled: list[timeline.Entry | AuditLine] = []
    if data.next_date is not None:
        event = scheduled_entry(next_id, data.next_date, next_purpose)
        line = scheduled_audit(case, next_id, data.next_date)
        events.insert(0, event)
        audit.insert(0, line)
        if_scheduled = [event, line]
    now = datetime.now(UTC)
    params = change_params(actor, case, now=now, events=events, audit=audit, flagged=if_scheduled)
    rows = await _RECORD_OUTCOME.fetch(
        session,
        {
            **params,
            "hearing_id": hearing.id,
            "seen_version": data.version,
            "following_id": hearing.next_hearing_id,
            "next_date": data.next_date,
            "next_id": next_id,
            "next_purpose": next_purpose.value,
            "moved_purpose": data.next_purpose.value if data.next_purpose else None,
            "witness": _next_witness(hearing, data),
            "court_establishment": hearing.court_establishment,
            "court_number": hearing.court_number,
            "judge": hearing.judge,
            "outcome": data.outcome.value,
            "status": data.outcome.status.value,
            "adjournment_reason": reason.value if reason else None,
            "adjournment_sought_by": sought_by.value if sought_by else None,
            "attendance": (
                data.attendance.model_dump() if data.attendance is not None else hearing.attendance
            ),
            "business_recorded": data.business_recorded or hearing.business_recorded,
            "survivor_note": data.survivor_note or hearing.survivor_note,
            "outcome_recorded_at": now,
            "outcome_recorded_by": actor.id,
            "verified": True,
        },
        # With a stage change to follow, the two must commit together; without one, the
        # statement is the request's only write and commits by itself.
        begin=data.move_case_to is not None,
    )
    recorded = next((row for row in rows if not row["is_next"]), None)
    if recorded is None:
        # Someone saved this hearing since it was read: nothing was written, and what they
        # saved is the conflict shown.
        await session.refresh(hearing)
        raise StaleVersion("hearing", hearing_snapshot(hearing))
    for column in _HEARINGS.c:
        set_committed_value(hearing, column.key, recorded[column.name])
    set_committed_value(case, "updated_at", now)
    next_hearing = next((row for row in rows if row["is_next"]), None)
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
