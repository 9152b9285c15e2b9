"""The business verbs of evidence: add an item, attach a file, record a custody event.

Every write also appends a case timeline event and an audit row in the same transaction; a
custody event goes through ``custody.append_event``, the log's only writer.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.audit.service import AuditLine
from tafteesh.auth.principal import Principal
from tafteesh.cases import timeline
from tafteesh.cases.changes import record_change
from tafteesh.cases.dependencies import CaseAccess
from tafteesh.errors import Forbidden, InvalidInput, NotFound
from tafteesh.evidence import policy
from tafteesh.evidence.custody import CustodyFacts, append_event, events_of
from tafteesh.evidence.models import CustodyEvent, EvidenceFile, EvidenceItem
from tafteesh.evidence.schemas import CustodyEventIn, CustodyEventRead, FileRead, ItemCreate
from tafteesh.evidence.signing import latest_checkpoint
from tafteesh.evidence.storage import StoredBlob
from tafteesh.evidence.vocabulary import MOVES_CUSTODY, CustodyEventType, EvidenceKind

_UNSAFE_FILENAME = re.compile(r"[^\w.\- ()]+", re.UNICODE)


def safe_filename(name: str) -> str:
    """A filename fit for a Content-Disposition header and a zip entry: no paths, no controls."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "file"
    return _UNSAFE_FILENAME.sub("_", base)[:200]


async def items_of(session: AsyncSession, access: CaseAccess) -> list[EvidenceItem]:
    items = await session.scalars(
        select(EvidenceItem)
        .where(EvidenceItem.case_id == access.case.id)
        .order_by(EvidenceItem.created_at)
    )
    return [item for item in items if policy.can_see_item(access, item.sensitivity)]


async def files_of(session: AsyncSession, item_ids: list[uuid.UUID]) -> list[EvidenceFile]:
    if not item_ids:
        return []
    return list(
        await session.scalars(
            select(EvidenceFile)
            .where(EvidenceFile.item_id.in_(item_ids))
            .order_by(EvidenceFile.uploaded_at)
        )
    )


def file_read(f: EvidenceFile) -> FileRead:
    return FileRead(
        id=f.id,
        sha256=f.sha256,
        size_bytes=f.size_bytes,
        filename=f.filename,
        content_type=f.content_type,
        collector_sha256=f.collector_sha256,
        collector_hash_matches=None
        if f.collector_sha256 is None
        else f.collector_sha256 == f.sha256,
        uploaded_at=f.uploaded_at,
    )


async def custody_reads(session: AsyncSession, item_id: uuid.UUID) -> list[CustodyEventRead]:
    anchored_size = checkpoint.size if (checkpoint := await latest_checkpoint(session)) else 0
    reads = []
    for event in await events_of(session, item_id):
        body = json.loads(event.body)
        kind = CustodyEventType(body["type"])
        reads.append(
            CustodyEventRead(
                seq=event.seq,
                type=kind,
                type_label=kind.label,
                occurred_at=datetime.fromisoformat(body["occurred_at"]),
                recorded_at=datetime.fromisoformat(body["recorded_at"]),
                from_party=body.get("from"),
                to_party=body.get("to"),
                place=body.get("place"),
                seals=body.get("seals", []),
                notes=body.get("notes", ""),
                file_sha256=body.get("file_sha256"),
                anchored=event.seq <= anchored_size,
                body=event.body.decode(),
            )
        )
    return reads


async def add_item(
    session: AsyncSession, actor: Principal, access: CaseAccess, *, data: ItemCreate
) -> EvidenceItem:
    if not policy.can_handle(access, data.sensitivity):
        raise Forbidden("Only this case's lawyers and social workers record its evidence.")
    if data.kind is EvidenceKind.PHYSICAL and data.device_imei_or_mac and not data.device_type:
        raise InvalidInput(
            "Say what the device is before its IMEI or MAC address.",
            details={"fields": {"device_type": "required with an IMEI or MAC"}},
        )
    item = EvidenceItem(
        case_id=access.case.id,
        created_by=actor.id,
        **{k: (v.value if hasattr(v, "value") else v) for k, v in data.model_dump().items()},
    )
    session.add(item)
    await session.flush()
    await record_change(
        session,
        actor,
        access.case,
        events=[
            timeline.Entry(
                timeline.EventKind.EVIDENCE_ADDED,
                f"Evidence recorded: {item.description[:120]}",
                "A piece of evidence in your case was recorded."
                if data.sensitivity == "survivor_visible"
                else None,
                {"item_id": str(item.id), "category": item.category},
            )
        ],
        audit=[
            AuditLine(
                "evidence.create",
                object_type="evidence",
                object_id=item.id,
                summary=f"case {access.case.reference}",
            )
        ],
    )
    return item


async def record_custody(
    session: AsyncSession,
    actor: Principal,
    access: CaseAccess,
    item: EvidenceItem,
    *,
    data: CustodyEventIn,
) -> CustodyEvent:
    if data.occurred_at.tzinfo is None:
        raise InvalidInput("Give the time with its zone, for example 2026-03-12T10:30:00+05:30.")
    if data.occurred_at > datetime.now(UTC):
        raise InvalidInput(
            "A custody event cannot be dated in the future.",
            details={"fields": {"occurred_at": "future"}},
        )
    if data.type in (CustodyEventType.FILE_ADDED,):
        raise InvalidInput("Files are added by uploading them.")
    event = await append_event(
        session,
        actor,
        item,
        CustodyFacts(
            type=data.type,
            occurred_at=data.occurred_at,
            from_party=data.from_party,
            to_party=data.to_party,
            place=data.place,
            seals=tuple(data.seals),
            notes=data.notes,
        ),
    )
    if data.type in MOVES_CUSTODY:
        item.current_custodian = data.to_party or item.current_custodian
        item.current_place = data.place or item.current_place
    if data.type is CustodyEventType.SEALED and data.seals:
        item.seal_number = ", ".join(data.seals)[:120]
    await session.flush()
    await record_change(
        session,
        actor,
        access.case,
        events=[
            timeline.Entry(
                timeline.EventKind.CUSTODY_RECORDED,
                f"{data.type.label}: {item.description[:80]}"
                + (f" → {data.to_party}" if data.to_party else ""),
                params={"item_id": str(item.id), "seq": event.seq, "type": data.type.value},
            )
        ],
        audit=[
            AuditLine(
                "evidence.custody",
                object_type="evidence",
                object_id=item.id,
                summary=f"seq {event.seq} {data.type.value}",
            )
        ],
    )
    return event


@dataclass(frozen=True)
class AddedFile:
    file: EvidenceFile
    event: CustodyEvent


async def attach_file(
    session: AsyncSession,
    actor: Principal,
    access: CaseAccess,
    item: EvidenceItem,
    *,
    stored: StoredBlob,
    filename: str,
    content_type: str,
    collector_sha256: str | None,
) -> AddedFile:
    record = EvidenceFile(
        item_id=item.id,
        sha256=stored.sha256,
        size_bytes=stored.size,
        filename=safe_filename(filename),
        content_type=content_type[:120] or "application/octet-stream",
        collector_sha256=collector_sha256,
        uploaded_by=actor.id,
    )
    session.add(record)
    await session.flush()
    matches = collector_sha256 is None or collector_sha256 == stored.sha256
    event = await append_event(
        session,
        actor,
        item,
        CustodyFacts(
            type=CustodyEventType.FILE_ADDED,
            occurred_at=datetime.now(UTC),
            notes=f"{record.filename}, {stored.size} bytes"
            + ("" if matches else f"; the collector reported SHA-256 {collector_sha256}"),
            file_sha256=stored.sha256,
        ),
    )
    await record_change(
        session,
        actor,
        access.case,
        events=[
            timeline.Entry(
                timeline.EventKind.CUSTODY_RECORDED,
                f"File added to {item.description[:80]}: SHA-256 {stored.sha256[:16]}…"
                + ("" if matches else " (differs from the collector's hash)"),
                params={"item_id": str(item.id), "seq": event.seq, "sha256": stored.sha256},
            )
        ],
        audit=[
            AuditLine(
                "evidence.file_add",
                object_type="evidence",
                object_id=item.id,
                summary=stored.sha256,
            )
        ],
    )
    return AddedFile(record, event)


async def get_file(session: AsyncSession, file_id: uuid.UUID) -> EvidenceFile | None:
    return await session.get(EvidenceFile, file_id)


def not_found() -> NotFound:
    return NotFound("There is no such evidence item, or it is not one you may see.")
