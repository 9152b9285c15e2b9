"""The demo hearings: a realistic court history for every demo case in court, seeded once."""

from __future__ import annotations

import os
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.cases.demo import demo_principals
from tafteesh.cases.demo_cases import REFERENCE_PREFIX
from tafteesh.cases.identity import IdentityCipher
from tafteesh.cases.models import Case, StageChange, TimelineEvent
from tafteesh.cases.stages import Stage
from tafteesh.demo import seed_demo
from tafteesh.hearings import cause_list, service
from tafteesh.hearings.models import DepositionPreparation, Hearing
from tafteesh.hearings.vocabulary import HearingStatus, Outcome, Party, Purpose
from tafteesh.india import today_in_india


async def _seed(session: AsyncSession) -> None:
    await seed_demo(session, IdentityCipher(os.urandom(32)))


async def test_demo_hearings_look_like_trial_courts(session: AsyncSession) -> None:
    await _seed(session)
    today = today_in_india()
    demo = Case.reference.startswith(REFERENCE_PREFIX)
    hearings = list(await session.scalars(select(Hearing).join(Case).where(demo)))
    assert len(hearings) >= 200

    recorded = [h for h in hearings if h.outcome is not None]
    assert all(h.hearing_date < today for h in recorded)
    adjourned = [h for h in recorded if h.outcome == Outcome.ADJOURNED.value]
    assert all(h.adjournment_reason and h.adjournment_sought_by for h in adjourned)
    assert len({h.adjournment_reason for h in adjourned}) >= 8
    assert len(adjourned) > len(recorded) // 3
    assert any(h.outcome == Outcome.NOT_TAKEN_UP.value for h in recorded)
    assert all(h.next_date and h.next_hearing_id for h in adjourned)
    assert any(h.attendance for h in recorded)
    assert any(h.business_recorded for h in recorded)
    assert any(h.survivor_note for h in recorded)

    # Hearings only once the case reached court.
    first_court_days = await session.execute(
        select(StageChange.case_id, func.min(StageChange.effective_on))
        .where(StageChange.to_stage == Stage.COGNIZANCE.value)
        .group_by(StageChange.case_id)
    )
    reached = dict(first_court_days.all())
    assert all(h.case_id in reached and h.hearing_date >= reached[h.case_id] for h in hearings)
    purposes = {h.purpose for h in hearings}
    assert purposes >= {p.value for p in Purpose if p not in (Purpose.BAIL_HEARING,)}
    assert all(h.witness_number for h in hearings if h.purpose == Purpose.PROSECUTION_EVIDENCE)

    # BNSS 346: some cases are past the limit for one party, the defence among them.
    flagged = {}
    for case_id in {h.case_id for h in hearings}:
        over = [c.party for c in await service.adjournment_counts(session, case_id) if c.over_limit]
        if over:
            flagged[case_id] = over
    assert len(flagged) >= 2
    assert sum(Party.DEFENCE in parties for parties in flagged.values()) >= 2

    # Each live case ends with one scheduled hearing; one deposition is being prepared.
    scheduled = [h for h in hearings if h.status == HearingStatus.SCHEDULED.value]
    assert len(scheduled) == len({h.case_id for h in scheduled})
    upcoming = [h for h in scheduled if h.hearing_date >= today]
    assert sum(h.hearing_date <= today + timedelta(days=6) for h in upcoming) >= 6
    preparation = await session.scalar(select(DepositionPreparation))
    assert preparation is not None
    assert preparation.support_person
    assert not (preparation.travel_arranged and preparation.threat_check_done)
    prepared = next(h for h in hearings if h.id == preparation.hearing_id)
    assert prepared.purpose == Purpose.SURVIVOR_DEPOSITION
    assert prepared.hearing_date > today

    # Both lawyers have hearings today and a past hearing still waiting for its outcome.
    people = await demo_principals(session)
    for key in ("K", "M"):
        mine = await cause_list.cause_list(session, people[key], today=today, mine=True)
        assert len(mine.today) >= 2, key
        assert mine.awaiting_outcome, key


async def test_seeding_hearings_twice_adds_nothing(session: AsyncSession) -> None:
    await _seed(session)
    counted = (Hearing, DepositionPreparation, TimelineEvent)
    counts = [select(func.count()).select_from(model) for model in counted]
    before = [await session.scalar(count) for count in counts]
    await _seed(session)
    assert [await session.scalar(count) for count in counts] == before
