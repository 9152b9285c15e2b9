"""Lists are audited by the statement that reads them (audit.read_audit): who listed, when, from
where, and how much they saw."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.audit.models import AuditEvent
from tafteesh.auth.roles import Role
from tests.cases.conftest import CASES, MakeActor, MakeCase


async def _rows(session: AsyncSession, action: str, request_id: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(
        AuditEvent.action == action, AuditEvent.request_id == request_id
    )
    return list(await session.scalars(query))


async def test_a_case_list_is_audited_with_how_many_cases_it_showed(
    client: httpx.AsyncClient, session: AsyncSession, make_actor: MakeActor, make_case: MakeCase
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    for _ in range(3):
        await make_case(lawyer)

    full = await client.get(CASES, headers=lawyer.headers)
    paged = await client.get(f"{CASES}?limit=2", headers=lawyer.headers)
    empty = await client.get(f"{CASES}?q=nothing-matches-this", headers=lawyer.headers)

    assert [len(r.json()["items"]) for r in (full, paged, empty)] == [3, 2, 0]
    for response, summary in ((full, "3 rows"), (paged, "2 rows"), (empty, "0 rows")):
        (row,) = await _rows(session, "case.list", response.headers["X-Request-ID"])
        assert (row.summary, row.actor_id, row.actor_role) == (summary, lawyer.user.id, "lawyer")
        assert row.client_address == "203.0.113.7"


async def test_hearing_lists_are_audited_with_the_days_they_cover(
    client: httpx.AsyncClient, session: AsyncSession, make_actor: MakeActor
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    today = date.today()
    week = f"from={today.isoformat()}&to={(today + timedelta(days=6)).isoformat()}"

    mine = await client.get(f"/api/v1/hearings?mine=true&{week}", headers=lawyer.headers)
    page = await client.get("/hearings", headers=lawyer.headers)

    assert (mine.status_code, page.status_code) == (200, 200)
    (listed,) = await _rows(session, "hearing.list", mine.headers["X-Request-ID"])
    assert listed.summary == f"{today.isoformat()}..{(today + timedelta(days=6)).isoformat()}"
    (cause_list,) = await _rows(session, "hearing.cause_list", page.headers["X-Request-ID"])
    assert cause_list.actor_id == lawyer.user.id


async def test_reading_a_case_is_audited_by_the_statement_that_reads_its_charges(
    client: httpx.AsyncClient, session: AsyncSession, make_actor: MakeActor, make_case: MakeCase
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    outsider = await make_actor(Role.LAWYER)
    case = await make_case(lawyer)

    api = await client.get(f"{CASES}/{case['id']}", headers=lawyer.headers)
    page = await client.get(f"/cases/{case['id']}", headers=lawyer.headers)
    timeline_tab = await client.get(f"/cases/{case['id']}/timeline", headers=lawyer.headers)
    refused = await client.get(f"{CASES}/{case['id']}", headers=outsider.headers)

    assert [r.status_code for r in (api, page, timeline_tab, refused)] == [200, 200, 200, 404]
    for response, action in (
        (api, "case.view"),
        (page, "case.page_overview"),
        (timeline_tab, "case.page_timeline"),
    ):
        (row,) = await _rows(session, action, response.headers["X-Request-ID"])
        assert (row.object_type, row.object_id, row.summary) == (
            "case",
            case["id"],
            case["reference"],
        )
        assert row.actor_id == lawyer.user.id
    assert await _rows(session, "case.view", refused.headers["X-Request-ID"]) == []
