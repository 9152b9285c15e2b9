"""The business verbs of hearings: schedule, change, record an outcome, prepare a deposition.

Recording an outcome is one transaction: the hearing, the next hearing, the stage change the
lawyer accepted, the timeline events and the audit row commit together or not at all.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from tafteesh.audit import service as audit
from tafteesh.audit.service import AuditLine
from tafteesh.auth.principal import Principal
from tafteesh.cases import timeline
from tafteesh.cases.changes import record_change
from tafteesh.cases.models import Case
from tafteesh.errors import InvalidInput, NotFound, StaleVersion
from tafteesh.hearings.models import DepositionPreparation, Hearing
from tafteesh.hearings.schemas import (
    AdjournmentCount,
    DepositionPreparationIn,
    HearingCreate,
    HearingUpdate,
)
from tafteesh.hearings.vocabulary import (
    ADJOURNMENTS_PER_PARTY_LIMIT,
    HearingStatus,
    Outcome,
    Party,
    Purpose,
)
from tafteesh.india import today_in_india


def hearing_snapshot(hearing: Hearing) -> dict[str, Any]:
    """What a second writer is shown when the first already saved (no survivor identity)."""
    return {
        "status": hearing.status,
        "outcome": hearing.outcome,
        "adjournment_reason": hearing.adjournment_reason,
        "next_date": hearing.next_date.isoformat() if hearing.next_date else None,
        "outcome_recorded_at": (
            hearing.outcome_recorded_at.isoformat() if hearing.outcome_recorded_at else None
        ),
        "version": hearing.version,
    }


async def hearings_of(session: AsyncSession, case_id: uuid.UUID) -> list[Hearing]:
    return list(
        await session.scalars(
            select(Hearing)
            .where(Hearing.case_id == case_id)
            .order_by(Hearing.hearing_date.desc(), Hearing.created_at.desc())
        )
    )


async def adjournment_counts(session: AsyncSession, case_id: uuid.UUID) -> list[AdjournmentCount]:
    """Adjournments per party (BNSS 346): more than two at one party's request is flagged."""
    rows = await session.execute(
        select(Hearing.adjournment_sought_by, func.count())
        .where(Hearing.case_id == case_id, Hearing.outcome == Outcome.ADJOURNED.value)
        .group_by(Hearing.adjournment_sought_by)
    )
    counts = {Party(party or Party.OTHER.value): int(n) for party, n in rows}
    return [
        AdjournmentCount(
            party=party,
            label=party.label,
            count=n,
            over_limit=n > ADJOURNMENTS_PER_PARTY_LIMIT and party not in (Party.COURT, Party.OTHER),
        )
        for party, n in sorted(counts.items(), key=lambda item: -item[1])
    ]


def _court_defaults(case: Case, data: HearingCreate) -> dict[str, Any]:
    return {
        "court_establishment": data.court_establishment or case.court_establishment,
        "court_number": data.court_number or case.court_number,
        "judge": data.judge or case.judge,
    }


def _survivor_date_line(day: date, purpose: Purpose) -> str:
    return f"Your case has a court date on {day:%d %b %Y} ({purpose.label.lower()})."


async def schedule_hearing(
    session: AsyncSession,
    actor: Principal,
    case: Case,
    *,
    data: HearingCreate,
    source: str = "recorded",
) -> Hearing:
    if data.hearing_date < case.fir_date:
        raise InvalidInput(
            f"A hearing cannot be before the FIR ({case.fir_date:%d %b %Y}).",
            details={"fields": {"hearing_date": "before the FIR"}},
        )
    hearing = Hearing(
        id=uuid.uuid4(),  # named now: the timeline event and the audit row carry it
        case_id=case.id,
        hearing_date=data.hearing_date,
        hearing_time=data.hearing_time,
        session=data.session,
        purpose=data.purpose.value,
        purpose_text=data.purpose_text,
        witness_number=data.witness_number,
        created_by=actor.id,
        source=source,
        verified=source == "recorded",
        **_court_defaults(case, data),
    )
    session.add(hearing)
    await record_change(
        session,
        actor,
        case,
        events=[scheduled_entry(hearing.id, data.hearing_date, data.purpose, source=source)],
        audit=[scheduled_audit(case, hearing.id, data.hearing_date)],
    )
    return hearing


def scheduled_entry(
    hearing_id: uuid.UUID, day: date, purpose: Purpose, *, source: str = "recorded"
) -> timeline.Entry:
    # An unconfirmed date from eCourts is not yet something to tell her.
    upcoming = day >= today_in_india() and source == "recorded"
    return timeline.Entry(
        timeline.EventKind.HEARING_SCHEDULED,
        f"Hearing on {day:%d %b %Y}: {purpose.label}"
        + (" (imported from eCourts)" if source == "imported" else ""),
        _survivor_date_line(day, purpose) if upcoming else None,
        {"hearing_id": str(hearing_id), "date": day.isoformat(), "purpose": purpose.value},
    )


def scheduled_audit(case: Case, hearing_id: uuid.UUID, day: date) -> AuditLine:
    return AuditLine(
        "hearing.create", "hearing", hearing_id, f"case {case.reference} {day.isoformat()}"
    )


async def update_hearing(
    session: AsyncSession, actor: Principal, case: Case, hearing: Hearing, *, data: HearingUpdate
) -> Hearing:
    if data.version != hearing.version:
        raise StaleVersion("hearing", hearing_snapshot(hearing))
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    changed = []
    for name, value in changes.items():
        value = value.value if hasattr(value, "value") else value
        if getattr(hearing, name) != value:
            setattr(hearing, name, value)
            changed.append(name)
    if not changed:
        return hearing
    if hearing.hearing_date < case.fir_date:
        raise InvalidInput("A hearing cannot be before the FIR.")
    try:
        await session.flush()
    except StaleDataError as exc:
        raise StaleVersion("hearing", {"version": data.version}) from exc
    cancelled = "status" in changed and hearing.status == HearingStatus.CANCELLED.value
    moved = "hearing_date" in changed
    await record_change(
        session,
        actor,
        case,
        events=[
            timeline.Entry(
                timeline.EventKind.HEARING_CHANGED,
                f"Hearing of {hearing.hearing_date:%d %b %Y} "
                + (
                    "cancelled"
                    if cancelled
                    else "changed: " + ", ".join(c.replace("_", " ") for c in changed)
                ),
                (
                    f"The court date of {hearing.hearing_date:%d %b %Y} is cancelled."
                    if cancelled
                    else f"Your court date has moved to {hearing.hearing_date:%d %b %Y}."
                    if moved
                    else None
                ),
                {"hearing_id": str(hearing.id), "changed": changed},
            )
        ],
        audit=[
            AuditLine(
                "hearing.update",
                object_type="hearing",
                object_id=hearing.id,
                summary=", ".join(changed),
            )
        ],
    )
    return hearing


async def deposition_preparation(
    session: AsyncSession, hearing: Hearing
) -> DepositionPreparation | None:
    return await session.get(DepositionPreparation, hearing.id)


async def save_deposition_preparation(
    session: AsyncSession,
    actor: Principal,
    case: Case,
    hearing: Hearing,
    *,
    data: DepositionPreparationIn,
) -> DepositionPreparation:
    if not Purpose(hearing.purpose).survivor_testifies:
        raise InvalidInput(
            "The preparation checklist is for hearings where the survivor testifies."
        )
    prep = await session.get(DepositionPreparation, hearing.id)
    if prep is None:
        prep = DepositionPreparation(hearing_id=hearing.id)
        session.add(prep)
    elif data.version != prep.version:
        raise StaleVersion(
            "preparation checklist",
            {
                "version": prep.version,
                "support_person": prep.support_person,
                "travel_arranged": prep.travel_arranged,
                "video_conference_requested": prep.video_conference_requested,
                "threat_check_done": prep.threat_check_done,
            },
        )
    prep.support_person = data.support_person
    prep.travel_arranged = data.travel_arranged
    prep.video_conference_requested = data.video_conference_requested
    prep.threat_check_done = data.threat_check_done
    prep.notes = data.notes
    prep.updated_by = actor.id
    prep.updated_at = datetime.now(UTC)
    try:
        await session.flush()
    except StaleDataError as exc:
        raise StaleVersion("preparation checklist", {"version": data.version}) from exc
    await audit.record(
        session,
        actor,
        action="hearing.deposition_prep",
        object_type="hearing",
        object_id=hearing.id,
        summary=f"case {case.reference}",
    )
    return prep


def not_found() -> NotFound:
    return NotFound("There is no such hearing, or it is not one of yours.")
