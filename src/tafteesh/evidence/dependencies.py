"""Load an evidence item through its case and its sensitivity: 404 unless the user may see it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from tafteesh.auth.dependencies import CurrentUser
from tafteesh.cases.dependencies import CaseAccess, case_part_access
from tafteesh.db import DbSession
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


async def item_for_view(
    item_id: uuid.UUID, principal: CurrentUser, session: DbSession
) -> ItemAccess:
    found = await case_part_access(session, principal, EvidenceItem, item_id)
    if found is None or not policy.can_see_item(found[1], found[0].sensitivity):
        raise service.not_found()
    return ItemAccess(*found)


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
