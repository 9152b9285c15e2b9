"""Assigning and removing a case team over the API (administrators and consortium leads)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tafteesh.auth.roles import Role
from tests.cases.conftest import (
    CASES,
    Actor,
    AddSurvivor,
    AssignToTeam,
    MakeActor,
    MakeCase,
    days_ago,
)
from tests.conftest import MakeUser


async def test_team_assignment_rules(
    client: httpx.AsyncClient,
    make_actor: MakeActor,
    make_user: MakeUser,
    make_case: MakeCase,
    add_survivor: AddSurvivor,
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    lead = await make_actor(Role.CONSORTIUM_LEAD)
    social_worker = await make_user(Role.SOCIAL_WORKER, display_name="Mousumi Das")
    leader = await make_user(Role.SURVIVOR_LEADER, display_name="Shabnam Leader")
    survivor_account = await make_user(Role.SURVIVOR, display_name="Meghna")
    case = await make_case(lawyer)
    url = f"{CASES}/{case['id']}/team"

    async def assign(user_id: uuid.UUID, team_role: str) -> httpx.Response:
        body = {"user_id": str(user_id), "team_role": team_role}
        return await client.post(url, json=body, headers=lead.headers)

    wrong_role = await assign(social_worker.id, "lawyer")
    assert wrong_role.status_code == 422
    assert wrong_role.json()["details"]["fields"] == {
        "team_role": "does not match the account's role"
    }
    assert "as a social worker" in wrong_role.json()["message"]
    assert (await assign(survivor_account.id, "survivor_leader")).status_code == 422
    assert (await assign(uuid.uuid4(), "lawyer")).status_code == 422

    no_consent = await assign(leader.id, "survivor_leader")
    assert no_consent.status_code == 409
    assert "consent" in no_consent.json()["message"]

    survivor = await add_survivor(lawyer, case)
    consent = await client.patch(
        f"{CASES}/{case['id']}/survivors/{survivor['id']}",
        json={"version": survivor["version"], "leader_consent_on": days_ago(2)},
        headers=lawyer.headers,
    )
    assert consent.status_code == 200
    joined = await assign(leader.id, "survivor_leader")
    assert joined.status_code == 201
    assert (await assign(social_worker.id, "social_worker")).status_code == 201
    assert {(m["display_name"], m["team_role"]) for m in joined.json()} == {
        ("Adv. Priya Sen", "lawyer"),
        ("Shabnam Leader", "survivor_leader"),
    }
    duplicate = await assign(leader.id, "survivor_leader")
    assert duplicate.status_code == 409
    assert duplicate.json()["message"] == "Shabnam Leader is already on this case's team."

    team = await client.get(url, headers=lawyer.headers)
    assert sorted(m["team_role"] for m in team.json()) == [
        "lawyer",
        "social_worker",
        "survivor_leader",
    ]


async def test_removal_and_rejoining(
    client: httpx.AsyncClient,
    make_actor: MakeActor,
    make_case: MakeCase,
    assign_to_team: AssignToTeam,
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    admin = await make_actor(Role.ADMIN)
    colleague = await make_actor(Role.LAWYER, display_name="Adv. Second Chair")
    case = await make_case(lawyer)
    url = f"{CASES}/{case['id']}/team"
    await assign_to_team(admin, case, colleague)

    removed = await client.delete(f"{url}/{colleague.id}", headers=admin.headers)
    assert removed.status_code == 204
    assert removed.content == b""
    again = await client.delete(f"{url}/{colleague.id}", headers=admin.headers)
    assert again.status_code == 404
    assert again.json()["message"] == "This person is not on the case team."
    team = await client.get(url, headers=lawyer.headers)
    assert [m["user_id"] for m in team.json()] == [lawyer.id]

    # Removal is history, not a ban: she can be put back on the case.
    await assign_to_team(admin, case, colleague)
    back = await client.get(f"{CASES}/{case['id']}", headers=colleague.headers)
    assert back.status_code == 200


async def test_withdrawn_consent_takes_survivor_leaders_off_the_case_at_once(
    client: httpx.AsyncClient,
    make_actor: MakeActor,
    make_case: MakeCase,
    add_survivor: AddSurvivor,
    assign_to_team: AssignToTeam,
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    lead = await make_actor(Role.CONSORTIUM_LEAD)
    leader = await make_actor(Role.SURVIVOR_LEADER, display_name="Shabnam Leader")
    case = await make_case(lawyer)
    first = await add_survivor(lawyer, case, consent=True, pseudonym="Mitali")
    second = await add_survivor(lawyer, case, consent=True, pseudonym="Tara")
    survivors = f"{CASES}/{case['id']}/survivors"

    async def withdraw(survivor: dict[str, Any], who: Actor = lawyer) -> httpx.Response:
        return await client.post(
            f"{survivors}/{survivor['id']}/leader-consent/withdraw",
            json={"version": survivor["version"]},
            headers=who.headers,
        )

    await assign_to_team(lead, case, leader)
    case_url = f"{CASES}/{case['id']}"
    assert (await client.get(case_url, headers=leader.headers)).status_code == 200

    assert (await withdraw(first, who=leader)).status_code == 403  # not an editor of the case
    stale = await withdraw({**first, "version": first["version"] + 5})
    assert stale.status_code == 409

    # Tara still consents: the leader stays.
    taken_back = await withdraw(first)
    assert taken_back.status_code == 200
    assert taken_back.json()["leader_consent_on"] is None
    assert (await client.get(case_url, headers=leader.headers)).status_code == 200
    again = await withdraw(taken_back.json())
    assert again.status_code == 409
    assert again.json()["message"] == "No consent to a survivor leader is recorded for Mitali."

    # Nobody consents any more: the leader leaves the team and the case is closed to her.
    assert (await withdraw(second)).status_code == 200
    assert (await client.get(case_url, headers=leader.headers)).status_code == 404
    team = await client.get(f"{case_url}/team", headers=lawyer.headers)
    assert [m["team_role"] for m in team.json()] == ["lawyer"]
    timeline = await client.get(f"{case_url}/timeline", headers=lawyer.headers)
    kinds = [e["kind"] for e in timeline.json()["items"]]
    assert kinds.count("survivor.leader_consent_withdrawn") == 2
    assert "team.left" in kinds
