"""Recording a change to a case: the case marked changed, its timeline events and its audit rows.

Every change to a case or one of its parts leaves the same three traces, in the same
transaction as the change itself. Here they are written by one statement (two data-modifying
CTEs and an INSERT), whatever the number of events and rows, so the bookkeeping of a change
costs one round trip instead of one per row. It runs on the driver (tafteesh.driver): every
write in the app goes through it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from tafteesh.audit.service import AuditActor, AuditLine, row_values
from tafteesh.cases.models import Case
from tafteesh.cases.timeline import Entry
from tafteesh.driver import DriverStatement

# The arrays are unnested in their order, so the events' ids (the timeline's order) follow the
# order the caller gave them. ``touch`` is false for changes that are not the case's news.
_RECORD_CHANGE = DriverStatement(
    text(
        """
WITH touched AS (
    UPDATE cases SET updated_at = :now WHERE id = CAST(:case_id AS uuid) AND :touch
), events AS (
    INSERT INTO timeline_events
        (case_id, actor_id, kind, survivor_visible, summary, survivor_summary, params)
    SELECT CAST(:case_id AS uuid), CAST(:actor_id AS uuid), e.kind,
           e.survivor_summary IS NOT NULL, e.summary, e.survivor_summary, CAST(e.params AS jsonb)
    FROM unnest(CAST(:kinds AS varchar[]), CAST(:summaries AS varchar[]),
                CAST(:survivor_summaries AS varchar[]), CAST(:params AS text[]))
         WITH ORDINALITY AS e(kind, summary, survivor_summary, params, n)
    ORDER BY e.n
)
INSERT INTO audit_events
    (actor_id, actor_role, action, object_type, object_id, request_id, client_address, summary)
SELECT CAST(:actor_id AS uuid), CAST(:actor_role AS varchar), a.action, a.object_type,
       a.object_id, CAST(:request_id AS varchar), CAST(:client_address AS varchar), a.summary
FROM unnest(CAST(:actions AS varchar[]), CAST(:object_types AS varchar[]),
            CAST(:object_ids AS varchar[]), CAST(:audit_summaries AS varchar[]))
     WITH ORDINALITY AS a(action, object_type, object_id, summary, n)
ORDER BY a.n
"""
    )
)


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
    rows = [row_values(actor, line) for line in audit]
    request = row_values(actor, AuditLine(""))
    await _RECORD_CHANGE.fetch(
        session,
        {
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
            "actions": [r["action"] for r in rows],
            "object_types": [r["object_type"] for r in rows],
            "object_ids": [r["object_id"] for r in rows],
            "audit_summaries": [r["summary"] for r in rows],
        },
    )
    if touch:
        set_committed_value(case, "updated_at", now)
