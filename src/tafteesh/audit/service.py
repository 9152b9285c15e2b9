"""Recording to the audit log. Every write and every read of a protected object calls this in
the same transaction as the work it records, so neither can exist without the other."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, cast

from sqlalchemy import Select, Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.audit.models import AuditEvent
from tafteesh.requestctx import current_client_address, current_request_id

_INSERT = insert(cast(Table, AuditEvent.__table__))


class AuditActor(Protocol):
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def role(self) -> str: ...


@dataclass(frozen=True)
class AuditLine:
    """One audit row to write alongside other rows (``cases.changes.record_change``)."""

    action: str
    object_type: str | None = None
    object_id: object | None = None
    summary: str = ""


def row_values(actor: AuditActor | None, line: AuditLine) -> dict[str, str | uuid.UUID | None]:
    """The columns of an audit row for ``line``, with the request it belongs to."""
    return {
        "actor_id": actor.id if actor else None,
        "actor_role": actor.role if actor else None,
        "action": line.action,
        "object_type": line.object_type,
        "object_id": str(line.object_id) if line.object_id is not None else None,
        "request_id": current_request_id(),
        "client_address": current_client_address(),
        "summary": line.summary[:300],
    }


async def record(
    session: AsyncSession,
    actor: AuditActor | None,
    *,
    action: str,
    object_type: str | None = None,
    object_id: object | None = None,
    summary: str = "",
) -> None:
    """Add an audit row. ``summary`` must never hold a survivor's identity."""
    # A Core INSERT built once, not an ORM object: it is on every request's path, and nothing
    # reads it back.
    await session.execute(
        _INSERT, row_values(actor, AuditLine(action, object_type, object_id, summary))
    )


@dataclass(frozen=True)
class AuditFilter:
    actor_id: uuid.UUID | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    before_id: int | None = None  # keyset cursor: rows older than this id


def _filtered(query: Select[AuditEvent], f: AuditFilter) -> Select[AuditEvent]:
    if f.actor_id:
        query = query.where(AuditEvent.actor_id == f.actor_id)
    if f.action:
        query = query.where(AuditEvent.action.startswith(f.action, autoescape=True))
    if f.object_type:
        query = query.where(AuditEvent.object_type == f.object_type)
    if f.object_id:
        query = query.where(AuditEvent.object_id == f.object_id)
    if f.since:
        query = query.where(AuditEvent.occurred_at >= f.since)
    if f.until:
        query = query.where(AuditEvent.occurred_at < f.until)
    return query


async def list_events(
    session: AsyncSession, actor: AuditActor, f: AuditFilter, *, limit: int = 50
) -> tuple[list[AuditEvent], int | None]:
    """A page of audit events, newest first, and the cursor for the next page."""
    query = _filtered(select(AuditEvent), f)
    if f.before_id:
        query = query.where(AuditEvent.id < f.before_id)
    rows = list(await session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit + 1)))
    next_cursor = rows[limit - 1].id if len(rows) > limit else None
    await record(session, actor, action="audit.browse", summary=f"{min(len(rows), limit)} rows")
    return rows[:limit], next_cursor
