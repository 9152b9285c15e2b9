"""Read models of evidence, shared by the API and the pages."""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth.principal import Principal
from tafteesh.cases.dependencies import CaseAccess
from tafteesh.errors import Forbidden
from tafteesh.evidence import policy, service
from tafteesh.evidence.dependencies import ItemAccess, load_item_access
from tafteesh.evidence.models import EvidenceFile, EvidenceItem
from tafteesh.evidence.schemas import ItemDetail, ItemRead


async def item_reads(
    session: AsyncSession, access: CaseAccess, items: list[EvidenceItem]
) -> list[ItemRead]:
    files = await service.files_of(session, [item.id for item in items])
    by_item: dict[uuid.UUID, list[EvidenceFile]] = defaultdict(list)
    for f in files:
        by_item[f.item_id].append(f)
    return [
        ItemRead(
            id=item.id,
            case_id=item.case_id,
            kind=item.kind,
            category=item.category,
            description=item.description,
            seizure_memo_ref=item.seizure_memo_ref,
            seal_number=item.seal_number,
            device_type=item.device_type,
            device_make=item.device_make,
            device_model=item.device_model,
            device_serial=item.device_serial,
            device_imei_or_mac=item.device_imei_or_mac,
            sensitivity=item.sensitivity,
            current_custodian=item.current_custodian,
            current_place=item.current_place,
            created_at=item.created_at,
            version=item.version,
            files=[service.file_read(f) for f in by_item[item.id]],
            can_open_files=policy.can_open_files(access, item.sensitivity),
        )
        for item in items
    ]


async def item_detail(session: AsyncSession, access: ItemAccess) -> ItemDetail:
    [read] = await item_reads(session, access.case, [access.item])
    return ItemDetail(
        **read.model_dump(), custody=await service.custody_reads(session, access.item.id)
    )


async def file_for_download(
    session: AsyncSession, principal: Principal, file_id: uuid.UUID
) -> tuple[ItemAccess, EvidenceFile]:
    """The file and its item, checked like the item itself; content needs ``can_open_files``."""
    record = await service.get_file(session, file_id)
    if record is None:
        raise service.not_found()
    access = await load_item_access(session, principal, record.item_id)
    if not access.can_open_files:
        raise Forbidden("Consortium leads and administrators do not open evidence files.")
    return access, record
