"""The administrators' audit log page: filter by action, object, actor and date."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from tafteesh.audit import service
from tafteesh.auth.dependencies import AuditReader
from tafteesh.db import DbSession, TransactionalRoute
from tafteesh.india import INDIA
from tafteesh.web import render

router = APIRouter(include_in_schema=False, route_class=TransactionalRoute)


def _day_start(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=INDIA) if day else None


@router.get("/admin/audit")
async def audit_page(
    request: Request,
    session: DbSession,
    reader: AuditReader,
    action: Annotated[str | None, Query(max_length=80)] = None,
    object_type: Annotated[str | None, Query(max_length=60)] = None,
    object_id: Annotated[str | None, Query(max_length=80)] = None,
    actor_id: Annotated[str | None, Query(max_length=40)] = None,
    since: Annotated[str | None, Query(max_length=10)] = None,
    until: Annotated[str | None, Query(max_length=10)] = None,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    errors: list[str] = []
    since_day = _parse_day(since, "From", errors)
    until_day = _parse_day(until, "To", errors)
    actor = None
    if actor_id:
        try:
            actor = uuid.UUID(actor_id)
        except ValueError:
            errors.append("The actor must be an account id.")
    filters = service.AuditFilter(
        actor_id=actor,
        action=action or None,
        object_type=object_type or None,
        object_id=object_id or None,
        since=_day_start(since_day),
        until=_day_start(until_day + timedelta(days=1)) if until_day else None,
        before_id=before,
    )
    events, next_cursor = await service.list_events(session, reader, filters, limit=50)
    return render(
        request,
        "audit/events.html",
        {
            "events": events,
            "next_cursor": next_cursor,
            "errors": errors,
            "filters": {
                "action": action or "",
                "object_type": object_type or "",
                "object_id": object_id or "",
                "actor_id": actor_id or "",
                "since": since or "",
                "until": until or "",
            },
        },
        partial="audit/_partials/events_table.html",
    )


def _parse_day(value: str | None, label: str, errors: list[str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(f"{label} must be a date like 2026-03-12.")
        return None
