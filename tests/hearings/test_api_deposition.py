"""The social worker's checklist before the survivor testifies: saved and read back, versioned
against a colleague's save, and only for hearings where she gives evidence."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.cases.conftest import audit_count
from tests.hearings.conftest import HEARINGS, MakeTeam, Schedule


@pytest.mark.parametrize("purpose", ["survivor_deposition", "cross_examination"])
async def test_the_checklist_is_saved_and_read_back(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_team: MakeTeam,
    schedule: Schedule,
    purpose: str,
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, 10, purpose=purpose)
    url = f"{HEARINGS}/{hearing['id']}/deposition-preparation"
    empty = await client.get(url, headers=team.social_worker.headers)
    assert empty.status_code == 200
    assert empty.json()["version"] is None
    assert empty.json()["updated_at"] is None
    assert not any(empty.json()[name] for name in ("support_person", "threat_check_done"))

    saved = await client.put(
        url,
        json={"support_person": True, "video_conference_requested": True, "notes": "Sister"},
        headers=team.social_worker.headers,
    )

    assert saved.status_code == 200, saved.text
    assert saved.json()["version"] == 1
    read = (await client.get(url, headers=team.lawyer.headers)).json()
    assert read["support_person"] is True
    assert read["video_conference_requested"] is True
    assert read["travel_arranged"] is False
    assert read["notes"] == "Sister"
    assert read["updated_at"] is not None
    assert (
        await audit_count(session, action="hearing.deposition_prep", object_id=hearing["id"]) == 1
    )


async def test_a_second_first_save_sees_the_first_ones_checklist(
    client: httpx.AsyncClient, make_team: MakeTeam, schedule: Schedule
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, 10, purpose="survivor_deposition")
    url = f"{HEARINGS}/{hearing['id']}/deposition-preparation"
    first = await client.put(url, json={"travel_arranged": True}, headers=team.lawyer.headers)
    assert first.status_code == 200

    # She opened the empty checklist before he saved: her save has no version.
    second = await client.put(
        url, json={"threat_check_done": True}, headers=team.social_worker.headers
    )

    assert second.status_code == 409
    assert second.json()["error"] == "stale_version"
    assert second.json()["details"]["current"]["travel_arranged"] is True
    read = (await client.get(url, headers=team.lawyer.headers)).json()
    assert (read["travel_arranged"], read["threat_check_done"]) == (True, False)

    retried = await client.put(
        url,
        json={"version": read["version"], "travel_arranged": True, "threat_check_done": True},
        headers=team.social_worker.headers,
    )
    assert retried.status_code == 200
    assert retried.json()["version"] == read["version"] + 1


@pytest.mark.parametrize("purpose", ["charge_hearing", "prosecution_evidence", "arguments"])
async def test_there_is_no_checklist_where_she_does_not_testify(
    client: httpx.AsyncClient, make_team: MakeTeam, schedule: Schedule, purpose: str
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, 10, purpose=purpose)

    response = await client.put(
        f"{HEARINGS}/{hearing['id']}/deposition-preparation",
        json={"support_person": True},
        headers=team.social_worker.headers,
    )

    assert response.status_code == 422
    assert "testifies" in response.json()["message"]
