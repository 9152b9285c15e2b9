"""Who may do what to a case, route by route (DESIGN.md "Access model").

A case the user may not see is "not found" (404) on every route, never 403; a case she may see
but not change answers 403; identity fields reach only the case's lawyers and social workers.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth.models import User
from tafteesh.auth.roles import Role
from tafteesh.cases.models import Case
from tests.cases.conftest import (
    CASES,
    SURVIVOR_LEGAL_NAME,
    SURVIVOR_PHONE,
    Actor,
    AddAccused,
    AddSurvivor,
    AssignToTeam,
    MakeActor,
    MakeCase,
    new_codes_case,
    timeline_count,
)
from tests.conftest import MakeUser

# -- the routes ----------------------------------------------------------------------------------

READ, EDIT, STAGE, TEAM, OPEN = "read", "edit", "stage", "team", "open"


@dataclass
class World:
    """One case with a survivor, an accused and a spare social worker to put on the team."""

    owner: Actor  # the lawyer who opened the case
    case_id: str
    survivor_id: str
    accused_id: str
    spare_id: str  # a social worker a lead or admin may put on the team
    state: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    name: str
    kind: str
    method: str
    path: Callable[[World], str]
    body: Callable[[World], dict[str, Any] | None]
    success: int


def _case(w: World) -> str:
    return f"{CASES}/{w.case_id}"


ROUTES = (
    Route("view case", READ, "GET", _case, lambda w: None, 200),
    Route("stage history", READ, "GET", lambda w: f"{_case(w)}/stage-history", lambda w: None, 200),
    Route("list survivors", READ, "GET", lambda w: f"{_case(w)}/survivors", lambda w: None, 200),
    Route("list accused", READ, "GET", lambda w: f"{_case(w)}/accused", lambda w: None, 200),
    Route("list team", READ, "GET", lambda w: f"{_case(w)}/team", lambda w: None, 200),
    Route("timeline", READ, "GET", lambda w: f"{_case(w)}/timeline", lambda w: None, 200),
    Route("clocks", READ, "GET", lambda w: f"{_case(w)}/clocks", lambda w: None, 200),
    Route(
        "change case",
        EDIT,
        "PATCH",
        _case,
        lambda w: {"version": w.state["case_version"], "judge": "Smt. Anindita Roy"},
        200,
    ),
    Route(
        "add survivor",
        EDIT,
        "POST",
        lambda w: f"{_case(w)}/survivors",
        lambda w: {"pseudonym": "Tara", "legal_name": "Second Survivor Realname"},
        201,
    ),
    Route(
        "change survivor",
        EDIT,
        "PATCH",
        lambda w: f"{_case(w)}/survivors/{w.survivor_id}",
        lambda w: {"version": w.state["survivor_version"], "pseudonym": "Meghna B"},
        200,
    ),
    Route(
        "add accused",
        EDIT,
        "POST",
        lambda w: f"{_case(w)}/accused",
        lambda w: {"name": "Rafiq Mondal", "status": "arrested"},
        201,
    ),
    Route(
        "accused status",
        EDIT,
        "POST",
        lambda w: f"{_case(w)}/accused/{w.accused_id}/status",
        lambda w: {"version": w.state["accused_version"], "status": "arrested"},
        200,
    ),
    Route(
        "withdraw leader consent",
        EDIT,
        "POST",
        lambda w: f"{_case(w)}/survivors/{w.survivor_id}/leader-consent/withdraw",
        lambda w: {"version": w.state["survivor_version"]},
        200,
    ),
    Route(
        "change stage",
        STAGE,
        "POST",
        lambda w: f"{_case(w)}/stage",
        lambda w: {"version": w.state["case_version"], "stage": "under_investigation"},
        200,
    ),
    Route(
        "assign team member",
        TEAM,
        "POST",
        lambda w: f"{_case(w)}/team",
        lambda w: {"user_id": w.spare_id, "team_role": "social_worker"},
        201,
    ),
    Route(
        "remove team member",
        TEAM,
        "DELETE",
        lambda w: f"{_case(w)}/team/{w.spare_id}",
        lambda w: None,
        204,
    ),
)

# What each kind of person gets from each kind of route: None means "the route's success code".
OK = None
EXPECTED: dict[str, dict[str, int | None]] = {
    "team_lawyer": {READ: OK, EDIT: OK, STAGE: OK, TEAM: 403, OPEN: 201},
    "team_social_worker": {READ: OK, EDIT: OK, STAGE: 403, TEAM: 403, OPEN: 201},
    "team_survivor_leader": {READ: OK, EDIT: 403, STAGE: 403, TEAM: 403, OPEN: 403},
    "consortium_lead": {READ: OK, EDIT: 403, STAGE: 403, TEAM: OK, OPEN: 403},
    "admin": {READ: OK, EDIT: 403, STAGE: 403, TEAM: OK, OPEN: 403},
    "own_survivor": {READ: OK, EDIT: 403, STAGE: 403, TEAM: 403, OPEN: 403},
    "other_lawyer": {READ: 404, EDIT: 404, STAGE: 404, TEAM: 404, OPEN: 201},
    "other_social_worker": {READ: 404, EDIT: 404, STAGE: 404, TEAM: 404, OPEN: 201},
    "other_survivor_leader": {READ: 404, EDIT: 404, STAGE: 404, TEAM: 404, OPEN: 403},
    "other_survivor": {READ: 404, EDIT: 404, STAGE: 404, TEAM: 404, OPEN: 403},
}
SEES_IDENTITY = {"team_lawyer", "team_social_worker"}

ROLE_OF = {
    "team_social_worker": Role.SOCIAL_WORKER,
    "team_survivor_leader": Role.SURVIVOR_LEADER,
    "consortium_lead": Role.CONSORTIUM_LEAD,
    "admin": Role.ADMIN,
    "own_survivor": Role.SURVIVOR,
    "other_lawyer": Role.LAWYER,
    "other_social_worker": Role.SOCIAL_WORKER,
    "other_survivor_leader": Role.SURVIVOR_LEADER,
    "other_survivor": Role.SURVIVOR,
}


async def _refresh(client: httpx.AsyncClient, world: World) -> None:
    """Current versions, read as the case's lawyer, so every write body is a valid one."""
    case = (await client.get(_case(world), headers=world.owner.headers)).json()
    survivors = (await client.get(f"{_case(world)}/survivors", headers=world.owner.headers)).json()
    accused = (await client.get(f"{_case(world)}/accused", headers=world.owner.headers)).json()
    world.state["case_version"] = case["version"]
    world.state["survivor_version"] = next(
        s["version"] for s in survivors if s["id"] == world.survivor_id
    )
    world.state["accused_version"] = next(
        a["version"] for a in accused if a["id"] == world.accused_id
    )


@pytest.mark.parametrize("who", list(EXPECTED))
async def test_access_matrix(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_actor: MakeActor,
    make_user: MakeUser,
    make_case: MakeCase,
    add_survivor: AddSurvivor,
    add_accused: AddAccused,
    assign_to_team: AssignToTeam,
    who: str,
) -> None:
    owner = await make_actor(Role.LAWYER)
    actor = owner if who == "team_lawyer" else await make_actor(ROLE_OF[who])
    lead = actor if who == "consortium_lead" else await make_actor(Role.CONSORTIUM_LEAD)
    case = await make_case(owner)
    survivor = await add_survivor(
        owner, case, account=actor if who == "own_survivor" else None, consent=True
    )
    accused = await add_accused(owner, case, status="absconding")
    if who.startswith("team_") and actor is not owner:
        await assign_to_team(lead, case, actor)
    if who == "other_lawyer":
        await make_case(actor)  # he has cases of his own, just not this one
    if who == "other_survivor":
        await add_survivor(owner, await make_case(owner), account=actor, pseudonym="Salma")
    spare = await make_user(
        Role.SOCIAL_WORKER, organisation_id=owner.user.organisation_id, display_name="Spare SW"
    )
    world = World(owner, case["id"], survivor["id"], accused["id"], str(spare.id))
    events_before = await timeline_count(session, case["id"])

    mismatches: list[str] = []
    for route in ROUTES:
        if route.kind != READ:
            await _refresh(client, world)
        response = await client.request(
            route.method, route.path(world), json=route.body(world), headers=actor.headers
        )
        expected = EXPECTED[who][route.kind] or route.success
        if response.status_code != expected:
            mismatches.append(f"{route.name}: {response.status_code}, expected {expected}")
        if response.status_code == 404:
            assert response.json()["error"] == "not_found"
        if route.name == "list survivors" and response.status_code == 200:
            (item,) = response.json()
            shows_identity = "identity" in item or SURVIVOR_LEGAL_NAME in response.text
            if shows_identity != (who in SEES_IDENTITY):
                mismatches.append(f"list survivors: identity shown = {shows_identity}")
    opened = await client.post(CASES, json=new_codes_case(), headers=actor.headers)
    if opened.status_code != (EXPECTED[who][OPEN] or 201):
        mismatches.append(f"open case: {opened.status_code}")
    assert mismatches == []

    if EXPECTED[who][EDIT] is not OK and EXPECTED[who][TEAM] is not OK:
        # Nothing this person tried was allowed, so nothing happened to the case.
        assert await timeline_count(session, case["id"]) == events_before


async def test_anonymous_gets_401_on_every_route(client: httpx.AsyncClient) -> None:
    world = World(
        owner=Actor(User(), {}),
        case_id=str(uuid.uuid4()),
        survivor_id=str(uuid.uuid4()),
        accused_id=str(uuid.uuid4()),
        spare_id=str(uuid.uuid4()),
        state={"case_version": 1, "survivor_version": 1, "accused_version": 1},
    )
    requests = [(r.method, r.path(world), r.body(world)) for r in ROUTES]
    requests += [("GET", CASES, None), ("POST", CASES, new_codes_case())]
    for method, path, body in requests:
        response = await client.request(method, path, json=body)
        assert response.status_code == 401, (method, path)
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert response.json()["error"] == "not_authenticated"


async def test_an_invisible_case_is_indistinguishable_from_a_missing_one(
    client: httpx.AsyncClient, make_actor: MakeActor, make_case: MakeCase
) -> None:
    owner = await make_actor(Role.LAWYER)
    outsider = await make_actor(Role.LAWYER, display_name="Adv. Other Firm")
    case = await make_case(owner)
    for suffix, method, body in [
        ("", "GET", None),
        ("", "PATCH", {"version": 1, "judge": "x"}),
        ("/stage", "POST", {"version": 1, "stage": "under_investigation"}),
        ("/timeline", "GET", None),
    ]:
        hidden = await client.request(
            method, f"{CASES}/{case['id']}{suffix}", json=body, headers=outsider.headers
        )
        missing = await client.request(
            method, f"{CASES}/{uuid.uuid4()}{suffix}", json=body, headers=outsider.headers
        )
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == missing.json()
        assert case["reference"] not in hidden.text


async def test_case_list_shows_exactly_the_cases_each_person_may_open(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_actor: MakeActor,
    make_case: MakeCase,
    add_survivor: AddSurvivor,
    assign_to_team: AssignToTeam,
) -> None:
    people = {
        "team_lawyer": await make_actor(Role.LAWYER),
        "team_social_worker": await make_actor(Role.SOCIAL_WORKER),
        "team_survivor_leader": await make_actor(Role.SURVIVOR_LEADER),
        "removed_social_worker": await make_actor(Role.SOCIAL_WORKER, display_name="Ex Member"),
        "other_lawyer": await make_actor(Role.LAWYER, display_name="Adv. Other Firm"),
        "other_social_worker": await make_actor(Role.SOCIAL_WORKER),
        "other_survivor_leader": await make_actor(Role.SURVIVOR_LEADER),
        "consortium_lead": await make_actor(Role.CONSORTIUM_LEAD),
        "admin": await make_actor(Role.ADMIN),
        "own_survivor": await make_actor(Role.SURVIVOR),
        "other_survivor": await make_actor(Role.SURVIVOR, display_name="Salma (own account)"),
    }
    lead = people["consortium_lead"]
    ours = await make_case(people["team_lawyer"])
    theirs = await make_case(people["other_lawyer"])
    also_ours = await make_case(people["team_lawyer"], old_codes=True)
    await add_survivor(people["team_lawyer"], ours, account=people["own_survivor"], consent=True)
    await add_survivor(people["other_lawyer"], theirs, account=people["other_survivor"])
    for name in ("team_social_worker", "team_survivor_leader", "removed_social_worker"):
        await assign_to_team(lead, ours, people[name])
    removed = await client.delete(
        f"{CASES}/{ours['id']}/team/{people['removed_social_worker'].id}", headers=lead.headers
    )
    assert removed.status_code == 204

    every_case = {str(i) for i in await session.scalars(select(Case.id))}
    expected = {
        "team_lawyer": {ours["id"], also_ours["id"]},
        "team_social_worker": {ours["id"]},
        "team_survivor_leader": {ours["id"]},
        "removed_social_worker": set(),
        "other_lawyer": {theirs["id"]},
        "other_social_worker": set(),
        "other_survivor_leader": set(),
        "consortium_lead": every_case,
        "admin": every_case,
        "own_survivor": {ours["id"]},
        "other_survivor": {theirs["id"]},
    }
    for name, actor in people.items():
        listed = await _all_pages(client, actor)
        assert listed == expected[name], name
        for case_id in every_case - expected[name]:
            response = await client.get(f"{CASES}/{case_id}", headers=actor.headers)
            assert response.status_code == 404, (name, case_id)


async def _all_pages(client: httpx.AsyncClient, actor: Actor) -> set[str]:
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        response = await client.get(CASES, params=params, headers=actor.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen))
    return set(seen)


async def test_removed_team_member_loses_the_case_at_once(
    client: httpx.AsyncClient,
    make_actor: MakeActor,
    make_case: MakeCase,
    assign_to_team: AssignToTeam,
) -> None:
    owner = await make_actor(Role.LAWYER)
    colleague = await make_actor(Role.LAWYER, display_name="Adv. Second Chair")
    lead = await make_actor(Role.CONSORTIUM_LEAD)
    case = await make_case(owner)
    await assign_to_team(lead, case, colleague)
    edit = await client.patch(
        f"{CASES}/{case['id']}",
        json={"version": 1, "judge": "Sri P. Ghosh"},
        headers=colleague.headers,
    )
    assert edit.status_code == 200
    removed = await client.delete(f"{CASES}/{case['id']}/team/{colleague.id}", headers=lead.headers)
    assert removed.status_code == 204
    for method, suffix, body in [
        ("GET", "", None),
        ("PATCH", "", {"version": 2, "judge": "someone else"}),
        ("GET", "/survivors", None),
    ]:
        response = await client.request(
            method, f"{CASES}/{case['id']}{suffix}", json=body, headers=colleague.headers
        )
        assert response.status_code == 404, (method, suffix)


async def test_parts_of_another_case_cannot_be_reached_through_ones_own(
    client: httpx.AsyncClient,
    make_actor: MakeActor,
    make_case: MakeCase,
    add_survivor: AddSurvivor,
    add_accused: AddAccused,
) -> None:
    """A lawyer on case A cannot change case B's survivor or accused by putting B's ids in A's
    address."""
    mine_lawyer = await make_actor(Role.LAWYER)
    their_lawyer = await make_actor(Role.LAWYER, display_name="Adv. Other Firm")
    mine = await make_case(mine_lawyer)
    theirs = await make_case(their_lawyer)
    their_survivor = await add_survivor(their_lawyer, theirs)
    their_accused = await add_accused(their_lawyer, theirs)

    survivor = await client.patch(
        f"{CASES}/{mine['id']}/survivors/{their_survivor['id']}",
        json={"version": 1, "pseudonym": "Hijacked"},
        headers=mine_lawyer.headers,
    )
    accused = await client.post(
        f"{CASES}/{mine['id']}/accused/{their_accused['id']}/status",
        json={"version": 1, "status": "on_bail"},
        headers=mine_lawyer.headers,
    )
    assert survivor.status_code == 404
    assert accused.status_code == 404
    assert SURVIVOR_LEGAL_NAME not in survivor.text
    assert SURVIVOR_PHONE not in survivor.text
    still = await client.get(f"{CASES}/{theirs['id']}/survivors", headers=their_lawyer.headers)
    assert [s["pseudonym"] for s in still.json()] == [their_survivor["pseudonym"]]
    accused_now = await client.get(f"{CASES}/{theirs['id']}/accused", headers=their_lawyer.headers)
    assert [a["status"] for a in accused_now.json()] == ["absconding"]


async def test_social_worker_who_opens_a_case_edits_it_but_cannot_move_its_stage(
    client: httpx.AsyncClient, make_actor: MakeActor, make_case: MakeCase
) -> None:
    social_worker = await make_actor(Role.SOCIAL_WORKER)
    case = await make_case(social_worker)
    team = await client.get(f"{CASES}/{case['id']}/team", headers=social_worker.headers)
    assert [(m["user_id"], m["team_role"]) for m in team.json()] == [
        (social_worker.id, "social_worker")
    ]
    edit = await client.patch(
        f"{CASES}/{case['id']}",
        json={"version": 1, "victim_informed_on": "2024-10-01"},
        headers=social_worker.headers,
    )
    assert edit.status_code == 200
    stage = await client.post(
        f"{CASES}/{case['id']}/stage",
        json={"version": 2, "stage": "under_investigation"},
        headers=social_worker.headers,
    )
    assert stage.status_code == 403
    assert stage.json()["message"] == "Only this case's lawyers can change its stage."
    after = await client.get(f"{CASES}/{case['id']}", headers=social_worker.headers)
    assert after.json()["stage"] == "fir_registered"
