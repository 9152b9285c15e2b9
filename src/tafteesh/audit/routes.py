"""JSON API to read the audit log (administrators only)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from tafteesh.audit import service
from tafteesh.auth.dependencies import AuditReader
from tafteesh.db import DbSession, TransactionalRoute

router = APIRouter(prefix="/api/v1", tags=["audit"], route_class=TransactionalRoute)


class AuditEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    occurred_at: datetime
    actor_id: uuid.UUID | None
    actor_role: str | None
    action: str
    object_type: str | None
    object_id: str | None
    request_id: str | None
    client_address: str | None
    summary: str


class AuditPage(BaseModel):
    items: list[AuditEventRead]
    next_cursor: int | None


@router.get(
    "/audit-events",
    response_model=AuditPage,
    summary="Browse the audit log, newest first",
    responses={401: {"description": "Not signed in"}, 403: {"description": "Not an admin"}},
)
async def list_audit_events(
    session: DbSession,
    reader: AuditReader,
    actor_id: uuid.UUID | None = None,
    action: Annotated[str | None, Query(max_length=80)] = None,
    object_type: Annotated[str | None, Query(max_length=60)] = None,
    object_id: Annotated[str | None, Query(max_length=80)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AuditPage:
    events, cursor = await service.list_events(
        session,
        reader,
        service.AuditFilter(
            actor_id=actor_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            since=since,
            until=until,
            before_id=before,
        ),
        limit=limit,
    )
    return AuditPage(items=[AuditEventRead.model_validate(e) for e in events], next_cursor=cursor)
