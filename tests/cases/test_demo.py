"""The demo cases: a realistic spread of stages, regimes, districts and clocks, seeded once."""

from __future__ import annotations

import os

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth.models import User
from tafteesh.cases import parties
from tafteesh.cases.demo_cases import CASES, REFERENCE_PREFIX, parse_cases
from tafteesh.cases.identity import IdentityCipher
from tafteesh.cases.models import (
    Accused,
    AccusedStatusChange,
    Case,
    CaseTeamMember,
    StageChange,
    Survivor,
    TimelineEvent,
)
from tafteesh.cases.stages import Stage
from tafteesh.demo import seed_demo
from tafteesh.india import today_in_india

COUNTED = (Case, Survivor, Accused, AccusedStatusChange, StageChange, CaseTeamMember, TimelineEvent)


async def _counts(session: AsyncSession) -> dict[str, int]:
    return {
        model.__name__: int(await session.scalar(select(func.count()).select_from(model)) or 0)
        for model in COUNTED
    }


async def test_demo_cases_span_the_work_of_a_consortium(session: AsyncSession) -> None:
    cipher = IdentityCipher(os.urandom(32))
    await seed_demo(session, cipher)  # its speed is a benchmark matter, not a test's

    demo = Case.reference.startswith(REFERENCE_PREFIX)
    cases = list(await session.scalars(select(Case).where(demo)))
    assert len(cases) >= 28
    assert len({c.stage for c in cases}) >= 12
    assert {c.regime for c in cases} == {"old_codes", "new_codes"}
    assert {c.fir_district for c in cases} >= {
        "North 24 Parganas",
        "South 24 Parganas",
        "Kolkata",
        "Mumbai",
        "Pune",
    }
    today = today_in_india()
    assert any(c.next_clock_due_on and c.next_clock_due_on < today for c in cases)
    assert any(c.stage == Stage.STAYED_BY_HIGHER_COURT for c in cases)
    assert sum(c.cnr is not None for c in cases) >= len(cases) // 3

    # The stored history is the path each case was walked through.
    changes = await session.scalar(
        select(func.count()).select_from(StageChange).join(Case).where(demo)
    )
    assert (changes or 0) > 5 * len(cases)

    # Repeat offenders: the case page says "appears in N other cases" (by name or alias).
    repeats = {
        accused.name_key
        for case in cases
        for accused, other_cases in await parties.accused_of(session, case.id)
        if other_cases >= 2
    }
    assert len(repeats) >= 2

    survivor_account = select(User.id).where(User.email == "survivor@demo.tafteesh.org")
    linked = await session.scalar(
        select(func.count(Survivor.case_id.distinct())).where(
            Survivor.user_id == survivor_account.scalar_subquery()
        )
    )
    assert (linked or 0) >= 2


async def test_seeding_twice_changes_nothing(session: AsyncSession) -> None:
    cipher = IdentityCipher(os.urandom(32))
    await seed_demo(session, cipher)
    before = await _counts(session)
    await seed_demo(session, cipher)
    assert await _counts(session) == before


def test_the_demo_table_parses_into_distinct_cases() -> None:
    cases = parse_cases(CASES, today_in_india())
    assert len({c.reference for c in cases}) == len(cases)
    for case in cases:
        days = [case.fir_date, *(on for on, _, _ in case.path)]
        assert days == sorted(days), case.reference
        assert case.cnr is None or len(case.cnr) == 16
