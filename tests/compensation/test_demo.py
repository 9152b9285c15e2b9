"""The demo claims: every status, realistic delays, a rejection under appeal, seeded once."""

from __future__ import annotations

import os

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.cases.identity import IdentityCipher
from tafteesh.compensation import service
from tafteesh.compensation.demo import seed_demo_claims
from tafteesh.compensation.models import (
    ClaimStatusChange,
    CompensationAppeal,
    CompensationClaim,
    Disbursement,
)
from tafteesh.compensation.statuses import ClaimStatus
from tafteesh.demo import seed_demo
from tafteesh.india import today_in_india


async def _counts(session: AsyncSession) -> list[int]:
    models = (CompensationClaim, ClaimStatusChange, Disbursement, CompensationAppeal)
    return [int(await session.scalar(select(func.count()).select_from(m)) or 0) for m in models]


async def test_demo_claims_show_every_status_and_the_delays_survivors_meet(
    session: AsyncSession,
) -> None:
    # One test: seeding the demo consortium takes seconds, most of it the cases'.
    await seed_demo(session, IdentityCipher(os.urandom(32)))
    counts = await _counts(session)
    assert await seed_demo_claims(session) == 0  # seeded once: running it again adds nothing
    assert await _counts(session) == counts
    claims = list(await session.scalars(select(CompensationClaim)))
    assert 12 <= len(claims) <= 15
    assert {ClaimStatus(c.status) for c in claims} == set(ClaimStatus)

    waits = [
        (c.final_first_paid_on - c.final_awarded_on).days
        for c in claims
        if c.final_first_paid_on and c.final_awarded_on
    ]
    assert 999 in waits

    appealed = [c for c in claims if c.status == ClaimStatus.APPEALED]
    (asha,) = [c for c in appealed if c.rejection_reason == "trial_not_concluded"]
    (appeal,) = await service.appeals_of(session, asha.id)
    assert (appeal.forum, appeal.appealed_from) == ("slsa", "rejected")

    today = today_in_india()
    assert any(c.next_due_on and c.next_due_on < today for c in claims)  # an overdue enquiry
    for claim in claims:
        # What the database holds adds up: nothing paid past an award.
        award = claim.final_awarded_paise or claim.interim_awarded_paise or 0
        assert claim.disbursed_paise + claim.deposit_paise <= award
