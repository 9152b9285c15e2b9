"""Appending to the custody log: the only code path that writes custody events.

Each event is canonical JSON (sorted keys, compact, UTF-8, no floats, RFC 3339 UTC times) that
names the previous event of the same item by its SHA-256, and carries a gapless global ``seq``
taken from the single-row log head, locked for the rest of the transaction: a rolled-back append
rolls the head back too, so no number is ever skipped.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth.principal import Principal
from tafteesh.evidence.canonical import canonical_bytes, rfc3339_utc
from tafteesh.evidence.merkle import leaf_hash
from tafteesh.evidence.models import CustodyEvent, CustodyLogHead, EvidenceItem
from tafteesh.evidence.vocabulary import CustodyEventType

FORMAT_VERSION = 1


@dataclass(frozen=True)
class CustodyFacts:
    """What happened to an item, as the person recording it says (occurred_at is claimed)."""

    type: CustodyEventType
    occurred_at: datetime
    from_party: str | None = None
    to_party: str | None = None
    place: str | None = None
    seals: tuple[str, ...] = ()
    notes: str = ""
    file_sha256: str | None = None


async def append_event(
    session: AsyncSession, actor: Principal | None, item: EvidenceItem, facts: CustodyFacts
) -> CustodyEvent:
    head = await session.scalar(
        select(CustodyLogHead.size).where(CustodyLogHead.id == 1).with_for_update()
    )
    if head is None:
        raise RuntimeError("the custody log head row is missing; run `tafteesh db upgrade`")
    seq = head + 1
    previous = await session.scalar(
        select(CustodyEvent.body)
        .where(CustodyEvent.item_id == item.id)
        .order_by(CustodyEvent.seq.desc())
        .limit(1)
    )
    body: dict[str, Any] = {
        "v": FORMAT_VERSION,
        "seq": seq,
        "item": str(item.id),
        "case": str(item.case_id),
        "type": facts.type.value,
        "occurred_at": rfc3339_utc(facts.occurred_at.astimezone(UTC)),
        "recorded_at": rfc3339_utc(datetime.now(UTC)),
        "recorded_by": str(actor.id) if actor else None,
        "from": facts.from_party,
        "to": facts.to_party,
        "place": facts.place,
        "seals": list(facts.seals),
        "notes": facts.notes,
        "prev": hashlib.sha256(previous).hexdigest() if previous is not None else None,
    }
    if facts.file_sha256:
        body["file_sha256"] = facts.file_sha256
    data = canonical_bytes(body)
    event = CustodyEvent(seq=seq, item_id=item.id, body=data, leaf_hash=leaf_hash(data))
    session.add(event)
    await session.execute(update(CustodyLogHead).where(CustodyLogHead.id == 1).values(size=seq))
    await session.flush()
    return event


async def events_of(session: AsyncSession, item_id: uuid.UUID) -> list[CustodyEvent]:
    return list(
        await session.scalars(
            select(CustodyEvent).where(CustodyEvent.item_id == item_id).order_by(CustodyEvent.seq)
        )
    )
