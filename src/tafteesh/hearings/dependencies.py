"""Load a hearing through its case: 404 when the case is not the user's to see, 403 when they
may see but not record."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth.dependencies import Bearer, signed_in
from tafteesh.auth.principal import Principal
from tafteesh.cases.dependencies import CaseAccess, case_part_access
from tafteesh.db import get_session
from tafteesh.errors import Forbidden
from tafteesh.hearings import service
from tafteesh.hearings.models import Hearing


@dataclass(frozen=True)
class HearingAccess:
    hearing: Hearing
    case: CaseAccess


async def load_hearing_access(
    session: AsyncSession, actor: Principal, hearing_id: uuid.UUID
) -> HearingAccess:
    """The hearing with its case and what ``actor`` may do there, in one statement; 404 when
    it is not theirs to see. Also for reading it again after a rollback expired both."""
    found = await case_part_access(session, actor, Hearing, hearing_id)
    if found is None:
        raise service.not_found()
    return HearingAccess(*found)


async def hearing_for_view(
    hearing_id: uuid.UUID, request: Request, bearer: Bearer
) -> HearingAccess:
    return await load_hearing_access(
        await get_session(request), await signed_in(request, bearer), hearing_id
    )


async def hearing_for_edit(
    access: Annotated[HearingAccess, Depends(hearing_for_view)],
) -> HearingAccess:
    if not access.case.can_edit:
        raise Forbidden("Only this case's lawyers and social workers record its hearings.")
    return access


HearingForView = Annotated[HearingAccess, Depends(hearing_for_view)]
HearingForEdit = Annotated[HearingAccess, Depends(hearing_for_edit)]
