"""Load a claim through its case: 404 when the case (or, for a survivor, the claim) is not the
user's to see, 403 when they may see it but not do what they ask."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from tafteesh.auth.dependencies import Bearer, signed_in
from tafteesh.cases.dependencies import CaseAccess, CaseForView, case_access
from tafteesh.compensation import policy, service
from tafteesh.compensation.models import CompensationClaim
from tafteesh.db import get_session
from tafteesh.errors import Forbidden


@dataclass(frozen=True)
class ClaimAccess:
    claim: CompensationClaim
    case: CaseAccess
    survivor_pseudonym: str

    @property
    def can_read(self) -> bool:
        return policy.can_read_claims(self.case.actor, self.case.relation)

    @property
    def can_edit(self) -> bool:
        return policy.can_write_claims(self.case.actor, self.case.relation)


async def claim_for_summary(claim_id: uuid.UUID, request: Request, bearer: Bearer) -> ClaimAccess:
    session, principal = await get_session(request), await signed_in(request, bearer)
    found = await service.claim_with_survivor(session, claim_id)
    case = await case_access(session, principal, found.claim.case_id) if found else None
    if (
        found is None
        or case is None
        or not policy.can_read_summary(
            principal, case.relation, claim_survivor_user_id=found.survivor_user_id
        )
    ):
        raise service.not_found()
    return ClaimAccess(claim=found.claim, case=case, survivor_pseudonym=found.pseudonym)


async def claim_for_view(
    access: Annotated[ClaimAccess, Depends(claim_for_summary)],
) -> ClaimAccess:
    if not access.can_read:
        raise Forbidden(
            "The full record of a claim is for the case team. Your summary shows where your"
            " claim stands."
        )
    return access


async def claim_for_edit(access: Annotated[ClaimAccess, Depends(claim_for_view)]) -> ClaimAccess:
    if not access.can_edit:
        raise Forbidden("Only this case's lawyers and social workers change its claims.")
    return access


async def claims_reader(access: CaseForView) -> CaseAccess:
    """The case's list of claims is the team's record too."""
    if not policy.can_read_claims(access.actor, access.relation):
        raise Forbidden(
            "The list of claims is for the case team. The summaries show where your claims stand."
        )
    return access


ClaimForSummary = Annotated[ClaimAccess, Depends(claim_for_summary)]
ClaimForView = Annotated[ClaimAccess, Depends(claim_for_view)]
ClaimForEdit = Annotated[ClaimAccess, Depends(claim_for_edit)]
CaseClaimsReader = Annotated[CaseAccess, Depends(claims_reader)]
