"""Seeding the demo hearings (``demo_plan``) through the hearing services, as the case's
lawyer would have recorded them, date by date."""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth.principal import Principal
from tafteesh.cases.demo import demo_principals
from tafteesh.cases.demo_cases import REFERENCE_PREFIX
from tafteesh.cases.identity import IdentityCipher
from tafteesh.cases.models import Case, StageChange
from tafteesh.cases.stages import Stage
from tafteesh.hearings.demo_plan import (
    REASONS,
    Move,
    Step,
    plan_hearings,
)
from tafteesh.hearings.models import Hearing
from tafteesh.hearings.outcomes import record_outcome
from tafteesh.hearings.schemas import HearingCreate, OutcomeIn
from tafteesh.hearings.service import save_deposition_preparation, schedule_hearing
from tafteesh.india import today_in_india


async def seed_demo_hearings(session: AsyncSession, cipher: IdentityCipher) -> int:
    """Add hearings to the demo cases that have none; return how many hearings were added."""
    has_hearings = select(Hearing.id).where(Hearing.case_id == Case.id).exists()
    demo = Case.reference.startswith(REFERENCE_PREFIX)
    cases = list(
        await session.scalars(select(Case).where(demo, ~has_hearings).order_by(Case.reference))
    )
    if not cases:
        return 0
    history: dict[uuid.UUID, list[Move]] = defaultdict(list)
    for change in await session.scalars(
        select(StageChange)
        .where(StageChange.case_id.in_([case.id for case in cases]))
        .order_by(StageChange.effective_on, StageChange.id)
    ):
        history[change.case_id].append(
            Move(change.effective_on, Stage(change.to_stage), change.note)
        )
    people = await demo_principals(session)
    lawyers = {person.id: person for person in people.values()}
    today, added = today_in_india(), 0
    for case in cases:
        lawyer = lawyers.get(case.created_by) if case.created_by else None
        steps = plan_hearings(case, history[case.id], today) if lawyer else []
        if lawyer and steps:
            await _record(session, lawyer, people["S"], case, steps, cipher)
            added += len(steps)
    return added


def _create(step: Step) -> HearingCreate:
    return HearingCreate(
        hearing_date=step.day,
        hearing_time=step.sitting[0],
        session=step.sitting[1],
        purpose=step.purpose,
        purpose_text=step.text,
        witness_number=step.witness,
        court_establishment=step.court,
    )


async def _record(
    session: AsyncSession,
    lawyer: Principal,
    social_worker: Principal,
    case: Case,
    steps: list[Step],
    cipher: IdentityCipher,
) -> None:
    """Schedule each hearing, then record the outcome of the one before, which links to it."""
    hearing = await schedule_hearing(session, lawyer, case, data=_create(steps[0]))
    for step, after in zip(steps, [*steps[1:], None], strict=True):
        following = (
            await schedule_hearing(session, lawyer, case, data=_create(after)) if after else None
        )
        if step.outcome is not None:
            chained = after if step.chained else None
            data = OutcomeIn(
                version=hearing.version,
                outcome=step.outcome,
                adjournment_reason=REASONS[step.reason][0] if step.reason else None,
                adjournment_sought_by=step.party,
                next_date=chained.day if chained else None,
                next_purpose=chained.purpose if chained else None,
                attendance=step.attendance,
                business_recorded=step.business,
                survivor_note=step.note,
            )
            await record_outcome(  # stages were walked by cases/demo.py: none moves here
                session, lawyer, case, hearing, data=data, cipher=cipher, may_change_stage=False
            )
        if step.prep is not None:
            await save_deposition_preparation(session, social_worker, case, hearing, data=step.prep)
        hearing = following or hearing
