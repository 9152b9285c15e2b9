"""The case timeline and the audit log as a user meets them: every write leaves one audit row and
a timeline event, in the same transaction; a refused write leaves neither; the survivor reads
only the events meant for her, in plain language."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.audit.models import AuditEvent
from tafteesh.auth.roles import Role
from tafteesh.cases import service as cases_service
from tafteesh.cases.models import Case, TimelineEvent
from tafteesh.errors import Conflict
from tests.cases.conftest import (
    CASES,
    Actor,
    AddAccused,
    AddSurvivor,
    AssignToTeam,
    MakeActor,
    MakeCase,
    audit_count,
    days_ago,
    new_codes_case,
    timeline_count,
)


async def timeline_pages(
    client: httpx.AsyncClient, actor: Actor, case_id: str, limit: int = 50
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    before = None
    while True:
        params = {"limit": limit, **({"before": before} if before else {})}
        response = await client.get(
            f"{CASES}/{case_id}/timeline", params=params, headers=actor.headers
        )
        assert response.status_code == 200, response.text
        items += response.json()["items"]
        before = response.json()["next_cursor"]
        if before is None:
            return items


async def _kinds_since(session: AsyncSession, case_id: str, after_id: int) -> list[str]:
    rows = await session.scalars(
        select(TimelineEvent.kind)
        .where(TimelineEvent.case_id == uuid.UUID(case_id), TimelineEvent.id > after_id)
        .order_by(TimelineEvent.id)
    )
    return list(rows)


async def _last_event_id(session: AsyncSession) -> int:
    last = await session.scalar(select(TimelineEvent.id).order_by(TimelineEvent.id.desc()))
    return int(last or 0)


async def test_every_write_leaves_one_audit_row_and_its_timeline_event(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_actor: MakeActor,
    add_survivor: AddSurvivor,
    add_accused: AddAccused,
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    lead = await make_actor(Role.CONSORTIUM_LEAD)
    leader = await make_actor(Role.SURVIVOR_LEADER)
    opened = await client.post(CASES, json=new_codes_case(), headers=lawyer.headers)
    case_id = opened.json()["id"]
    url = f"{CASES}/{case_id}"
    survivor = await add_survivor(lawyer, {"id": case_id})
    accused = await add_accused(lawyer, {"id": case_id}, status="judicial_custody")

    writes: list[tuple[str, Actor, str, str, dict[str, Any] | None, str, list[str]]] = [
        ("PATCH", lawyer, url, "", {"version": 1, "judge": "Sri Arup Basu"}, "case.update",
         ["case.updated"]),
        ("PATCH", lawyer, url, "", {"version": 2, "charges": [{"act": "BNS", "section": "143(2)"}]},
         "case.update", ["charges.changed"]),
        ("POST", lawyer, url, "/stage", {"version": 3, "stage": "under_investigation"},
         "case.stage", ["stage.changed"]),
        ("POST", lawyer, url, "/survivors", {"pseudonym": "Tara", "legal_name": "T Realname"},
         "survivor.create", ["survivor.added"]),
        ("PATCH", lawyer, url, f"/survivors/{survivor['id']}",
         {"version": 1, "leader_consent_on": days_ago(2)}, "survivor.update",
         ["survivor.leader_consent"]),
        ("POST", lawyer, url, "/accused", {"name": "Rafiq Mondal"}, "accused.create",
         ["accused.added"]),
        ("POST", lawyer, url, f"/accused/{accused['id']}/status",
         {"version": 1, "status": "on_bail", "bail_court": "ACJM Baruipur"}, "accused.status",
         ["accused.status_changed"]),
        ("POST", lead, url, "/team", {"user_id": leader.id, "team_role": "survivor_leader"},
         "case.team_assign", ["team.joined"]),
        ("DELETE", lead, url, f"/team/{leader.id}", None, "case.team_remove", ["team.left"]),
    ]  # fmt: skip
    # Opening the case was a write too.
    opened_rows = await session.scalars(
        select(AuditEvent.action).where(AuditEvent.request_id == opened.headers["X-Request-ID"])
    )
    assert list(opened_rows) == ["case.create"]
    assert await _kinds_since(session, case_id, 0) == [
        "case.opened",
        "survivor.added",
        "accused.added",
    ]

    for method, actor, base, suffix, body, action, kinds in writes:
        last = await _last_event_id(session)
        response = await client.request(method, base + suffix, json=body, headers=actor.headers)
        assert response.status_code in (200, 201, 204), (action, response.text)
        actions = list(
            await session.scalars(
                select(AuditEvent.action).where(
                    AuditEvent.request_id == response.headers["X-Request-ID"]
                )
            )
        )
        assert actions.count(action) == 1, (action, actions)
        row = await session.scalar(
            select(AuditEvent).where(
                AuditEvent.request_id == response.headers["X-Request-ID"],
                AuditEvent.action == action,
            )
        )
        assert row is not None
        assert (row.actor_id, row.client_address) == (actor.user.id, "203.0.113.7")
        assert await _kinds_since(session, case_id, last) == kinds, action


async def test_refused_writes_leave_no_trace(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_actor: MakeActor,
    make_case: MakeCase,
    add_survivor: AddSurvivor,
    assign_to_team: AssignToTeam,
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    lead = await make_actor(Role.CONSORTIUM_LEAD)
    leader = await make_actor(Role.SURVIVOR_LEADER)
    outsider = await make_actor(Role.LAWYER, display_name="Adv. Other Firm")
    case = await make_case(lawyer)
    await add_survivor(lawyer, case, consent=True)
    await assign_to_team(lead, case, leader)
    url = f"{CASES}/{case['id']}"
    stamp = (await client.get(url, headers=lawyer.headers)).json()["updated_at"]

    refused = [
        (lawyer, "PATCH", url, {"version": 7, "judge": "stale"}, 409),
        (lawyer, "POST", f"{url}/stage", {"version": 1, "stage": "cognizance"}, 409),
        (lawyer, "POST", f"{url}/stage", {"version": 1, "stage": "under_investigation",
                                          "effective_on": "2999-01-01"}, 422),
        (lawyer, "PATCH", url, {"version": 1, "cnr": "WB123"}, 422),
        # Fails only when the database refuses the insert, after the case was touched.
        (lawyer, "POST", f"{url}/survivors", {"pseudonym": "Meghna", "legal_name": "X Y"}, 409),
        (lead, "POST", f"{url}/team", {"user_id": leader.id, "team_role": "survivor_leader"}, 409),
        (leader, "PATCH", url, {"version": 1, "judge": "not hers to change"}, 403),
        (lead, "POST", f"{url}/accused", {"name": "Not Hers To Add"}, 403),
        (outsider, "POST", f"{url}/accused", {"name": "Not His To Add"}, 404),
        (lead, "POST", f"{url}/team", {"user_id": outsider.id, "team_role": "social_worker"}, 422),
        (lead, "DELETE", f"{url}/team/{outsider.id}", None, 404),
    ]  # fmt: skip
    audits, events = await audit_count(session), await timeline_count(session, case["id"])
    for actor, method, path, body, status in refused:
        response = await client.request(method, path, json=body, headers=actor.headers)
        assert response.status_code == status, (method, path, response.text)
        assert await audit_count(session) == audits, (method, path)
        assert await timeline_count(session, case["id"]) == events, (method, path)
    after = (await client.get(url, headers=lawyer.headers)).json()
    assert (after["version"], after["updated_at"], after["judge"]) == (1, stamp, None)


@pytest.mark.parametrize("failing", ["before", "after"])
async def test_change_timeline_and_audit_commit_together_or_not_at_all(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_actor: MakeActor,
    make_case: MakeCase,
    monkeypatch: pytest.MonkeyPatch,
    failing: str,
) -> None:
    """If the timeline event and audit row cannot be written, or the request fails after they
    were, the stage change is not saved either, and neither are they."""
    lawyer = await make_actor(Role.LAWYER)
    case = await make_case(lawyer)
    real_record_change = cases_service.record_change

    async def bookkeeping_fails(*args: Any, **kwargs: Any) -> None:
        if failing == "after":
            await real_record_change(*args, **kwargs)
        raise Conflict("audit log unavailable")

    monkeypatch.setattr(cases_service, "record_change", bookkeeping_fails)
    audits, events = await audit_count(session), await timeline_count(session, case["id"])
    response = await client.post(
        f"{CASES}/{case['id']}/stage",
        json={"version": 1, "stage": "under_investigation"},
        headers=lawyer.headers,
    )
    assert response.status_code == 409
    monkeypatch.undo()
    stored = await session.scalar(
        select(Case.stage)
        .where(Case.id == uuid.UUID(case["id"]))
        .execution_options(populate_existing=True)
    )
    assert stored == "fir_registered"
    assert await timeline_count(session, case["id"]) == events
    assert await audit_count(session) == audits


async def test_timeline_is_newest_first_and_pages_without_gaps(
    client: httpx.AsyncClient,
    make_actor: MakeActor,
    make_case: MakeCase,
    add_survivor: AddSurvivor,
    add_accused: AddAccused,
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    case = await make_case(lawyer)
    await add_survivor(lawyer, case)
    accused = await add_accused(lawyer, case, status="judicial_custody")
    url = f"{CASES}/{case['id']}"
    await client.post(
        f"{url}/stage",
        json={"version": 1, "stage": "under_investigation", "note": "IO changed"},
        headers=lawyer.headers,
    )
    await client.patch(url, json={"version": 2, "judge": "Sri Arup Basu"}, headers=lawyer.headers)
    await client.post(
        f"{url}/accused/{accused['id']}/status",
        json={"version": 1, "status": "on_bail"},
        headers=lawyer.headers,
    )

    everything = await timeline_pages(client, lawyer, case["id"])
    assert [e["kind"] for e in everything] == [
        "accused.status_changed",
        "case.updated",
        "stage.changed",
        "accused.added",
        "survivor.added",
        "case.opened",
    ]
    ids = [e["id"] for e in everything]
    assert ids == sorted(ids, reverse=True)
    assert "IO changed" in everything[2]["summary"]
    assert everything[1]["summary"] == "Case details changed: judge"

    paged = await timeline_pages(client, lawyer, case["id"], limit=4)
    assert [e["id"] for e in paged] == ids
    first = await client.get(f"{url}/timeline", params={"limit": 4}, headers=lawyer.headers)
    assert len(first.json()["items"]) == 4
    assert first.json()["next_cursor"] == ids[3]


async def test_the_survivor_reads_only_her_events_in_plain_language(
    client: httpx.AsyncClient,
    make_actor: MakeActor,
    make_case: MakeCase,
    add_survivor: AddSurvivor,
    add_accused: AddAccused,
    assign_to_team: AssignToTeam,
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    lead = await make_actor(Role.CONSORTIUM_LEAD)
    social_worker = await make_actor(Role.SOCIAL_WORKER)
    survivor = await make_actor(Role.SURVIVOR)
    case = await make_case(lawyer)
    url = f"{CASES}/{case['id']}"
    await add_survivor(lawyer, case, account=survivor)
    accused = await add_accused(lawyer, case, status="judicial_custody")
    await client.post(
        f"{url}/stage",
        json={"version": 1, "stage": "under_investigation", "note": "Confidential: IO hostile"},
        headers=lawyer.headers,
    )
    await client.post(
        f"{url}/accused/{accused['id']}/status",
        json={"version": 1, "status": "on_bail"},
        headers=lawyer.headers,
    )
    await assign_to_team(lead, case, social_worker)

    hers = await timeline_pages(client, survivor, case["id"], limit=2)
    assert [e["summary"] for e in hers] == [
        "Mousumi Das (social worker) is now part of your team.",
        "An accused person in your case is out on bail.",
        "The police are investigating your case.",
        "Your case is now being tracked by your support team.",
    ]
    assert all(e["survivor_visible"] for e in hers)
    text = str(hers)
    for team_only in ("Confidential", "Bablu", "Survivor Meghna", "judicial custody"):
        assert team_only not in text
    # The team reads the full story, including what is not for her.
    team_view = await timeline_pages(client, lawyer, case["id"])
    assert len(team_view) == len(hers) + 2
    assert any("Confidential: IO hostile" in e["summary"] for e in team_view)
