"""Recording to the audit log. Every write and every read of a protected object calls this in
the same transaction as the work it records, so neither can exist without the other."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import CTE, ColumnElement, FromClause, Select, Table, bindparam, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.audit.models import AuditEvent
from tafteesh.requestctx import current_client_address, current_request_id

_TABLE = cast(Table, AuditEvent.__table__)
_INSERT = insert(_TABLE)
_COLUMNS = (
    "actor_id", "actor_role", "action", "object_type", "object_id", "request_id",
    "client_address", "summary",
)  # fmt: skip


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


def read_audit(
    summary: ColumnElement[str] | None = None, *, rows_from: FromClause | None = None
) -> CTE:
    """The audit row of a read, as a CTE to add to the read's own statement (``add_cte``).

    PostgreSQL runs a data-modifying CTE whether or not the query reads from it, so a list and
    its audit row cost one round trip, and neither is written without the other. The values are
    bound by ``read_audit_values``; ``summary``, an SQL expression over ``rows_from`` (say, how
    many rows the read returned), replaces the bound summary.
    """
    values: list[Any] = [bindparam(f"audit_{name}", type_=_TABLE.c[name].type) for name in _COLUMNS]
    if summary is not None:
        values[-1] = summary
    source = select(*values)
    if rows_from is not None:
        source = source.select_from(rows_from)
    return insert(_TABLE).from_select(_COLUMNS, source).cte("read_audit")


def read_audit_values(actor: AuditActor | None, line: AuditLine) -> dict[str, Any]:
    """The bound values of ``read_audit``'s row."""
    return {f"audit_{name}": value for name, value in row_values(actor, line).items()}


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
