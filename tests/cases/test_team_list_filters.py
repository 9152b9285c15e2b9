"""A team membership's copies of its case's stage and district (migration 0008) follow the case.

A team member's list filtered by stage or district starts from these copies, so a stale copy
would hide a case from her list. The database keeps them, whoever writes: these tests change
the case the ways the app does (a new member, a stage change, an edit of the FIR's district)
and try to write the copies directly, and check both the copies and the list a member sees.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth.roles import Role
from tafteesh.cases.models import CaseTeamMember
from tests.cases.conftest import CASES, Actor, AssignToTeam, MakeActor, MakeCase


async def _copies(session: AsyncSession, case: dict[str, Any]) -> set[tuple[str, str]]:
    """Every membership's (stage, district) copies of one case, removed memberships included."""
    rows = await session.execute(
        select(CaseTeamMember.case_stage, CaseTeamMember.case_district_key).where(
            CaseTeamMember.case_id == uuid.UUID(case["id"])
        )
    )
    return {(stage, district) for stage, district in rows}


async def _listed(
    client: httpx.AsyncClient, member: Actor, *, stage: str, district: str
) -> list[str]:
    response = await client.get(
        CASES, params={"stage": stage, "district": district}, headers=member.headers
    )
    assert response.status_code == 200, response.text
    return [row["id"] for row in response.json()["items"]]


async def test_a_new_membership_copies_its_case_stage_and_district(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_actor: MakeActor,
    make_case: MakeCase,
    assign_to_team: AssignToTeam,
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    case = await make_case(lawyer, fir_district="  South 24 Parganas")
    await assign_to_team(
        await make_actor(Role.CONSORTIUM_LEAD), case, await make_actor(Role.SOCIAL_WORKER)
    )

    assert await _copies(session, case) == {("fir_registered", case["fir_district"].lower())}


async def test_a_stage_change_moves_the_case_between_its_team_filtered_lists(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_actor: MakeActor,
    make_case: MakeCase,
    assign_to_team: AssignToTeam,
) -> None:
    lawyer, worker = await make_actor(Role.LAWYER), await make_actor(Role.SOCIAL_WORKER)
    case = await make_case(lawyer)
    await assign_to_team(await make_actor(Role.CONSORTIUM_LEAD), case, worker)
    district = "south 24 parganas"
    assert case["id"] in await _listed(client, worker, stage="fir_registered", district=district)

    response = await client.post(
        f"{CASES}/{case['id']}/stage",
        json={"version": case["version"], "stage": "under_investigation"},
        headers=lawyer.headers,
    )
    assert response.status_code == 200, response.text

    assert await _copies(session, case) == {("under_investigation", district)}
    for member in (lawyer, worker):
        assert case["id"] in await _listed(
            client, member, stage="under_investigation", district=district
        )
        assert case["id"] not in await _listed(
            client, member, stage="fir_registered", district=district
        )


async def test_an_edit_of_the_fir_district_moves_the_case_between_district_lists(
    client: httpx.AsyncClient, session: AsyncSession, make_actor: MakeActor, make_case: MakeCase
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    case = await make_case(lawyer)
    response = await client.patch(
        f"{CASES}/{case['id']}",
        json={"version": case["version"], "fir_district": "North 24 Parganas"},
        headers=lawyer.headers,
    )
    assert response.status_code == 200, response.text

    assert await _copies(session, case) == {("fir_registered", "north 24 parganas")}
    listed = await _listed(client, lawyer, stage="fir_registered", district="NORTH 24 Parganas")
    assert case["id"] in listed
    assert case["id"] not in await _listed(
        client, lawyer, stage="fir_registered", district="South 24 Parganas"
    )


async def test_a_writer_cannot_set_the_copies_apart_from_the_case(
    session: AsyncSession, make_actor: MakeActor, make_case: MakeCase
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    case = await make_case(lawyer)
    await session.execute(
        text(
            "UPDATE case_team_members SET case_stage = 'convicted', case_district_key = 'pune' "
            "WHERE case_id = :case"
        ),
        {"case": uuid.UUID(case["id"])},
    )
    await session.execute(
        text(
            "INSERT INTO case_team_members (case_id, user_id, team_role, case_stage, "
            "case_district_key) SELECT :case, id, 'social_worker', 'acquitted', 'mumbai' "
            "FROM users WHERE id = :worker"
        ),
        {"case": uuid.UUID(case["id"]), "worker": (await make_actor(Role.SOCIAL_WORKER)).user.id},
    )

    assert await _copies(session, case) == {("fir_registered", "south 24 parganas")}
