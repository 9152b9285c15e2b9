"""Load an evidence item through its case and its sensitivity: 404 unless the user may see it."""

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
from tafteesh.evidence import policy, service
from tafteesh.evidence.models import EvidenceItem
from tafteesh.evidence.signing import LogSigner
from tafteesh.evidence.storage import BlobStore


@dataclass(frozen=True)
class ItemAccess:
    item: EvidenceItem
    case: CaseAccess

    @property
    def can_open_files(self) -> bool:
        return policy.can_open_files(self.case, self.item.sensitivity)

    @property
    def can_handle(self) -> bool:
        return policy.can_handle(self.case, self.item.sensitivity)


async def load_item_access(
    session: AsyncSession, actor: Principal, item_id: uuid.UUID
) -> ItemAccess:
    """The item with its case and what ``actor`` may do there; 404 when it is not theirs to
    see. Also for reading it again after a rollback expired both."""
    found = await case_part_access(session, actor, EvidenceItem, item_id)
    if found is None or not policy.can_see_item(found[1], found[0].sensitivity):
        raise service.not_found()
    return ItemAccess(*found)


async def item_for_view(item_id: uuid.UUID, request: Request, bearer: Bearer) -> ItemAccess:
    return await load_item_access(
        await get_session(request), await signed_in(request, bearer), item_id
    )


async def item_for_handling(
    access: Annotated[ItemAccess, Depends(item_for_view)],
) -> ItemAccess:
    if not access.can_handle:
        raise Forbidden("Only this case's lawyers and social workers handle its evidence.")
    return access


ItemForView = Annotated[ItemAccess, Depends(item_for_view)]
ItemForHandling = Annotated[ItemAccess, Depends(item_for_handling)]


async def get_blob_store(request: Request) -> BlobStore:
    store: BlobStore = request.app.state.blob_store
    return store


async def get_signer(request: Request) -> LogSigner:
    signer: LogSigner = request.app.state.log_signer
    return signer


Store = Annotated[BlobStore, Depends(get_blob_store)]
Signer = Annotated[LogSigner, Depends(get_signer)]
