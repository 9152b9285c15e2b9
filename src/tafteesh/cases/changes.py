"""Recording a change to a case: the case marked changed, its timeline events and its audit rows.

Every change to a case or one of its parts leaves the same three traces, in the same
transaction as the change itself. Here they are written by one statement (three data-modifying
CTEs), whatever the number of events and rows, so the bookkeeping of a change costs one round
trip instead of one per row; a statement that makes a change can carry them itself (``traces``),
as recording a hearing's outcome does. It runs on the driver (tafteesh.driver): every
write in the app goes through it.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from tafteesh.audit.service import AuditActor, AuditLine, row_values
from tafteesh.cases.models import Case
from tafteesh.cases.timeline import Entry
from tafteesh.driver import DriverStatement


def traces(*, changed: str = "true", if_flagged: str = "true") -> str:
    """The three traces of a change as CTEs (``touched``, ``events``, ``traced``), to put after
    ``WITH`` in a statement, bound by ``change_params``. ``changed`` is SQL saying the change
    happened (a statement that also makes the change writes its traces only then); rows flagged
    in ``change_params`` are written only where ``if_flagged`` holds too (an event about a next
    hearing, say, only if the statement created one).

    The arrays are unnested in their order, so the events' ids (the timeline's order) follow the
    order the caller gave them. ``touch`` is false for changes that are not the case's news.
    """
    return f"""
touched AS (
    UPDATE cases SET updated_at = :now
    WHERE id = CAST(:case_id AS uuid) AND :touch AND {changed}
), events AS (
    INSERT INTO timeline_events
        (case_id, actor_id, kind, survivor_visible, summary, survivor_summary, params)
    SELECT CAST(:case_id AS uuid), CAST(:actor_id AS uuid), e.kind,
           e.survivor_summary IS NOT NULL, e.summary, e.survivor_summary, CAST(e.params AS jsonb)
    FROM unnest(CAST(:kinds AS varchar[]), CAST(:summaries AS varchar[]),
                CAST(:survivor_summaries AS varchar[]), CAST(:params AS text[]),
                CAST(:events_flagged AS boolean[]))
         WITH ORDINALITY AS e(kind, summary, survivor_summary, params, flagged, n)
    WHERE {changed} AND (NOT e.flagged OR {if_flagged})
    ORDER BY e.n
), traced AS (
    INSERT INTO audit_events
        (actor_id, actor_role, action, object_type, object_id, request_id, client_address,
         summary)
    SELECT CAST(:actor_id AS uuid), CAST(:actor_role AS varchar), a.action, a.object_type,
           a.object_id, CAST(:request_id AS varchar), CAST(:client_address AS varchar), a.summary
    FROM unnest(CAST(:actions AS varchar[]), CAST(:object_types AS varchar[]),
                CAST(:object_ids AS varchar[]), CAST(:audit_summaries AS varchar[]),
                CAST(:audit_flagged AS boolean[]))
         WITH ORDINALITY AS a(action, object_type, object_id, summary, flagged, n)
    WHERE {changed} AND (NOT a.flagged OR {if_flagged})
    ORDER BY a.n
)"""


_RECORD_CHANGE = DriverStatement(text(f"WITH {traces()} SELECT"))


def change_params(
    actor: AuditActor | None,
    case: Case,
    *,
    now: datetime,
    events: Sequence[Entry] = (),
    audit: Sequence[AuditLine] = (),
    touch: bool = True,
    flagged: Collection[Entry | AuditLine] = (),
) -> dict[str, Any]:
    """The values ``traces`` binds; the events and audit lines in ``flagged`` are written only
    where its ``if_flagged`` holds. Neither may hold a survivor's identity."""
    rows = [row_values(actor, line) for line in audit]
    request = row_values(actor, AuditLine(""))
    return {
        "now": now,
        "case_id": case.id,
        "touch": touch,
        "actor_id": actor.id if actor else None,
        "actor_role": request["actor_role"],
        "request_id": request["request_id"],
        "client_address": request["client_address"],
        "kinds": [e.kind.value for e in events],
        "summaries": [e.summary[:300] for e in events],
        "survivor_summaries": [
            e.survivor_summary[:300] if e.survivor_summary else None for e in events
        ],
        "params": [json.dumps(e.params or {}) for e in events],
        "events_flagged": [any(e is f for f in flagged) for e in events],
        "actions": [r["action"] for r in rows],
        "object_types": [r["object_type"] for r in rows],
        "object_ids": [r["object_id"] for r in rows],
        "audit_summaries": [r["summary"] for r in rows],
        "audit_flagged": [any(line is f for f in flagged) for line in audit],
    }


async def record_change(
    session: AsyncSession,
    actor: AuditActor | None,
    case: Case,
    *,
    events: Sequence[Entry] = (),
    audit: Sequence[AuditLine] = (),
    touch: bool = True,
) -> None:
    """Mark ``case`` changed (for "recently changed" lists), append ``events`` to its timeline
    and ``audit`` to the audit log. Neither may hold a survivor's identity.

    The case's version is not bumped: adding a hearing or an accused changes the case's parts,
    not its record, and a colleague editing the record meanwhile must not be told it is stale.
    """
    if session.new or session.dirty or session.deleted:
        # What the caller changed through the ORM reaches the database first, as it would if
        # each trace were an ORM object flushed after it.
        await session.flush()
    now = datetime.now(UTC)
    await _RECORD_CHANGE.fetch(
        session, change_params(actor, case, now=now, events=events, audit=audit, touch=touch)
    )
    if touch:
        set_committed_value(case, "updated_at", now)
