"""Who may do what with compensation claims, route by route (DESIGN.md "Access model").

Access follows the case: a claim on a case the user may not see is "not found" (404), never
403. The case's lawyers and social workers write; its survivor leader, consortium leads and
administrators read. The survivor reads only the plain-language summary of her own claims; a
second survivor on the same case cannot even find them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth.models import User
from tafteesh.auth.roles import Role
from tests.cases.conftest import timeline_count
from tests.compensation.conftest import (
    API,
    CASES,
    CLAIMS,
    LAKH,
    Actor,
    AddSurvivor,
    AssignToTeam,
    MakeActor,
    MakeCase,
    Move,
    OpenClaim,
    Team,
    claim_body,
    iso,
    ok,
)

CASE_READ, CLAIM_READ, CASE_SUMMARY, CLAIM_SUMMARY, CASE_EDIT, CLAIM_EDIT = (
    "case read",
    "claim read",
    "case summary",
    "claim summary",
    "case edit",
    "claim edit",
)


@dataclass
class World:
    """One case with Meghna's claims, one in the right state for each route that changes one."""

    team: Team
    claims: dict[str, dict[str, Any]]  # main, filed, awarded, rejected, appealed
    state: dict[str, Any] = field(default_factory=dict)

    def claim(self, name: str) -> str:
        return f"{CLAIMS}/{self.claims[name]['id']}"

    def version(self, name: str) -> int:
        return int(self.state[name]["version"])


@dataclass(frozen=True)
class Route:
    name: str
    kind: str
    method: str
    path: Callable[[World], str]
    body: Callable[[World], dict[str, Any] | None]
    success: int


def _none(w: World) -> None:
    return None


ROUTES = (
    Route(
        "list claims",
        CASE_READ,
        "GET",
        lambda w: f"{CASES}/{w.team.case_id}/compensation-claims",
        _none,
        200,
    ),
    Route("view claim", CLAIM_READ, "GET", lambda w: w.claim("main"), _none, 200),
    Route(
        "list disbursements",
        CLAIM_READ,
        "GET",
        lambda w: f"{w.claim('awarded')}/disbursements",
        _none,
        200,
    ),
    Route(
        "list appeals", CLAIM_READ, "GET", lambda w: f"{w.claim('appealed')}/appeals", _none, 200
    ),
    Route(
        "list summaries",
        CASE_SUMMARY,
        "GET",
        lambda w: f"{CASES}/{w.team.case_id}/compensation-summaries",
        _none,
        200,
    ),
    Route("summary", CLAIM_SUMMARY, "GET", lambda w: f"{w.claim('main')}/summary", _none, 200),
    Route(
        "open claim",
        CASE_EDIT,
        "POST",
        lambda w: f"{CASES}/{w.team.case_id}/compensation-claims",
        lambda w: claim_body(w.team),
        201,
    ),
    Route(
        "change claim",
        CLAIM_EDIT,
        "PATCH",
        lambda w: w.claim("main"),
        lambda w: {"version": w.version("main"), "application_reference": "DLSA/S24/9"},
        200,
    ),
    Route(
        "change status",
        CLAIM_EDIT,
        "POST",
        lambda w: f"{w.claim('filed')}/status",
        lambda w: {"version": w.version("filed"), "status": "under_verification"},
        200,
    ),
    Route(
        "record payment",
        CLAIM_EDIT,
        "POST",
        lambda w: f"{w.claim('awarded')}/disbursements",
        lambda w: {
            "version": w.version("awarded"),
            "amount_paise": 10_000 * 100,
            "paid_on": iso(0),
            "mode": "bank_transfer",
        },
        201,
    ),
    Route(
        "file appeal",
        CLAIM_EDIT,
        "POST",
        lambda w: f"{w.claim('rejected')}/appeals",
        lambda w: {"version": w.version("rejected"), "forum": "slsa", "filed_on": iso(0)},
        201,
    ),
    Route(
        "appeal status",
        CLAIM_EDIT,
        "POST",
        lambda w: (
            f"{w.claim('appealed')}/appeals/{w.state['appealed']['appeals'][-1]['id']}/status"
        ),
        lambda w: {
            "version": w.state["appealed"]["appeals"][-1]["version"],
            "status": "hearing",
        },
        200,
    ),
)

OK = None
READS_ALL = {CASE_READ: OK, CLAIM_READ: OK, CASE_SUMMARY: OK, CLAIM_SUMMARY: OK}
EXPECTED: dict[str, dict[str, int | None]] = {
    "team_lawyer": {**READS_ALL, CASE_EDIT: OK, CLAIM_EDIT: OK},
    "team_social_worker": {**READS_ALL, CASE_EDIT: OK, CLAIM_EDIT: OK},
    "team_survivor_leader": {**READS_ALL, CASE_EDIT: 403, CLAIM_EDIT: 403},
    "consortium_lead": {**READS_ALL, CASE_EDIT: 403, CLAIM_EDIT: 403},
    "admin": {**READS_ALL, CASE_EDIT: 403, CLAIM_EDIT: 403},
    # Her own case and claims: her summaries, nothing of the team's record.
    "own_survivor": {
        CASE_READ: 403,
        CLAIM_READ: 403,
        CASE_SUMMARY: OK,
        CLAIM_SUMMARY: OK,
        CASE_EDIT: 403,
        CLAIM_EDIT: 403,
    },
    # The second survivor on the case: she may see the case, but another woman's claim is not
    # there for her at all.
    "co_survivor": {
        CASE_READ: 403,
        CLAIM_READ: 404,
        CASE_SUMMARY: OK,
        CLAIM_SUMMARY: 404,
        CASE_EDIT: 403,
        CLAIM_EDIT: 404,
    },
    **{
        outsider: dict.fromkeys(
            (CASE_READ, CLAIM_READ, CASE_SUMMARY, CLAIM_SUMMARY, CASE_EDIT, CLAIM_EDIT), 404
        )
        for outsider in (
            "other_lawyer",
            "other_social_worker",
            "other_survivor_leader",
            "other_survivor",
        )
    },
}
ROLE_OF = {
    "team_social_worker": Role.SOCIAL_WORKER,
    "team_survivor_leader": Role.SURVIVOR_LEADER,
    "consortium_lead": Role.CONSORTIUM_LEAD,
    "admin": Role.ADMIN,
    "own_survivor": Role.SURVIVOR,
    "co_survivor": Role.SURVIVOR,
    "other_lawyer": Role.LAWYER,
    "other_social_worker": Role.SOCIAL_WORKER,
    "other_survivor_leader": Role.SURVIVOR_LEADER,
    "other_survivor": Role.SURVIVOR,
}


async def _world(
    client: httpx.AsyncClient,
    team: Team,
    open_claim: OpenClaim,
    move: Move,
) -> World:
    lawyer = team.lawyer
    main = await open_claim(team)
    filed = await open_claim(team, applied_on=iso(-30), filed=True)
    awarded = ok(
        await move(
            lawyer,
            await open_claim(team, applied_on=iso(-60), filed=True),
            "final_awarded",
            amount_paise=2 * LAKH,
            effective_on=iso(-20),
        )
    )
    rejected = ok(
        await move(
            lawyer,
            await open_claim(team, applied_on=iso(-60), filed=True),
            "rejected",
            effective_on=iso(-20),
            rejection_reason="trial_not_concluded",
            rejection_details="Premature till the trial ends",
        )
    )
    appealed = ok(
        await move(
            lawyer,
            await open_claim(team, applied_on=iso(-60), filed=True),
            "rejected",
            effective_on=iso(-20),
            rejection_reason="time_barred",
            rejection_details="Filed after three years",
        )
    )
    response = await client.post(
        f"{CLAIMS}/{appealed['id']}/appeals",
        json={"version": appealed["version"], "forum": "slsa", "filed_on": iso(-10)},
        headers=lawyer.headers,
    )
    appealed = ok(response, 201)
    claims = {"main": main, "filed": filed, "awarded": awarded, "rejected": rejected}
    return World(team, {**claims, "appealed": appealed})


async def _refresh(client: httpx.AsyncClient, world: World) -> None:
    """Current versions, read as the case's lawyer, so every write body is a valid one."""
    for name in world.claims:
        world.state[name] = ok(
            await client.get(world.claim(name), headers=world.team.lawyer.headers)
        )


@pytest.mark.parametrize("who", list(EXPECTED))
async def test_access_matrix(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_actor: MakeActor,
    make_case: MakeCase,
    add_survivor: AddSurvivor,
    assign_to_team: AssignToTeam,
    open_claim: OpenClaim,
    move: Move,
    who: str,
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    actor = lawyer if who == "team_lawyer" else await make_actor(ROLE_OF[who])
    lead = actor if who == "consortium_lead" else await make_actor(Role.CONSORTIUM_LEAD)
    own = actor if who == "own_survivor" else await make_actor(Role.SURVIVOR)
    case = await make_case(lawyer)
    record = await add_survivor(lawyer, case, account=own, consent=True)
    if who == "co_survivor":
        await add_survivor(lawyer, case, account=actor, pseudonym="Tara", legal_name="Tara Real")
    if who.startswith("team_") and actor is not lawyer:
        await assign_to_team(lead, case, actor)
    if who == "other_lawyer":
        await make_case(actor)  # he has cases of his own, just not this one
    if who == "other_survivor":
        await add_survivor(lawyer, await make_case(lawyer), account=actor, pseudonym="Salma")
    team = Team(lawyer, lawyer, lead, own, case, record)
    world = await _world(client, team, open_claim, move)
    events_before = await timeline_count(session, case["id"])

    mismatches: list[str] = []
    for route in ROUTES:
        await _refresh(client, world)
        response = await client.request(
            route.method, route.path(world), json=route.body(world), headers=actor.headers
        )
        expected = EXPECTED[who][route.kind] or route.success
        if response.status_code != expected:
            mismatches.append(f"{route.name}: {response.status_code}, expected {expected}")
        if response.status_code == 404:
            assert response.json()["error"] == "not_found"
        if route.name == "list summaries" and response.status_code == 200:
            mine = {s["claim_id"] for s in response.json()}
            shown = set() if who == "co_survivor" else {c["id"] for c in world.claims.values()}
            if who == "own_survivor" or who == "co_survivor":
                if mine != shown:
                    mismatches.append(f"list summaries: {len(mine)} claims shown")
            elif not shown <= mine:
                mismatches.append("list summaries: a claim is missing")
    assert mismatches == []

    if EXPECTED[who][CLAIM_EDIT] is not OK:
        # Nothing this person tried was allowed, so nothing happened to the case.
        assert await timeline_count(session, case["id"]) == events_before


async def test_anonymous_gets_401_on_every_route(client: httpx.AsyncClient) -> None:
    claim = {
        "id": str(uuid.uuid4()),
        "version": 1,
        "appeals": [{"id": str(uuid.uuid4()), "version": 1}],
    }
    team = Team(
        Actor(User(), {}),
        Actor(User(), {}),
        Actor(User(), {}),
        Actor(User(), {}),
        {"id": str(uuid.uuid4())},
        {"id": str(uuid.uuid4())},
    )
    world = World(team, dict.fromkeys(("main", "filed", "awarded", "rejected", "appealed"), claim))
    world.state = dict(world.claims)
    requests = [(r.method, r.path(world), r.body(world)) for r in ROUTES]
    requests.append(("GET", f"{API}/compensation-schemes", None))
    for method, path, body in requests:
        response = await client.request(method, path, json=body)
        assert response.status_code == 401, (method, path)
        assert response.json()["error"] == "not_authenticated"


async def test_a_hidden_claim_is_indistinguishable_from_a_missing_one(
    client: httpx.AsyncClient, make_team: Any, make_actor: MakeActor, open_claim: OpenClaim
) -> None:
    team = await make_team()
    claim = await open_claim(team)
    outsider = await make_actor(Role.LAWYER, display_name="Adv. Other Firm")
    for suffix in ("", "/summary", "/disbursements", "/appeals"):
        hidden = await client.get(f"{CLAIMS}/{claim['id']}{suffix}", headers=outsider.headers)
        missing = await client.get(f"{CLAIMS}/{uuid.uuid4()}{suffix}", headers=outsider.headers)
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == missing.json()
        assert "Meghna" not in hidden.text


async def test_a_colleague_taken_off_the_team_loses_the_claims_at_once(
    client: httpx.AsyncClient, make_team: Any, open_claim: OpenClaim
) -> None:
    team = await make_team()
    claim = await open_claim(team)
    assert (
        await client.get(f"{CLAIMS}/{claim['id']}", headers=team.social_worker.headers)
    ).status_code == 200
    removed = await client.delete(
        f"{CASES}/{team.case_id}/team/{team.social_worker.id}", headers=team.lead.headers
    )
    assert removed.status_code == 204
    for method, suffix, body in [
        ("GET", "", None),
        ("PATCH", "", {"version": claim["version"], "notes": "x"}),
        ("POST", "/status", {"version": claim["version"], "status": "withdrawn"}),
    ]:
        response = await client.request(
            method, f"{CLAIMS}/{claim['id']}{suffix}", json=body, headers=team.social_worker.headers
        )
        assert response.status_code == 404, (method, suffix)


async def test_the_survivor_is_told_where_her_summary_is(
    client: httpx.AsyncClient, make_team: Any, open_claim: OpenClaim
) -> None:
    team = await make_team()
    claim = await open_claim(team)
    refused = await client.get(f"{CLAIMS}/{claim['id']}", headers=team.survivor.headers)
    assert refused.status_code == 403
    assert refused.json()["message"] == (
        "The full record of a claim is for the case team. Your summary shows where your claim"
        " stands."
    )
    assert "Secretnote" not in refused.text
