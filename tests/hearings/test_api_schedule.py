"""Scheduling a hearing and changing it: the court comes from the case, the survivor hears of
dates that concern her, a stale change is refused, and a bad change is a 422, never a 500."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.cases.conftest import audit_count, timeline_count
from tests.hearings.conftest import (
    CASES,
    COURT,
    COURT_NUMBER,
    HEARINGS,
    JUDGE,
    MakeTeam,
    Schedule,
    fetch_hearing,
    hearing_count,
    iso,
    long_date,
    timeline,
)


async def test_a_hearing_takes_its_court_from_the_case_unless_given(
    client: httpx.AsyncClient, session: AsyncSession, make_team: MakeTeam, schedule: Schedule
) -> None:
    team = await make_team()

    defaulted = await schedule(team.lawyer, team.case, 9, session="afternoon", witness_number=2)
    elsewhere = await schedule(
        team.social_worker,
        team.case,
        16,
        court_establishment="Court of the Chief Judicial Magistrate, Alipore",
        court_number="7",
    )

    assert (defaulted["court_establishment"], defaulted["court_number"], defaulted["judge"]) == (
        COURT,
        COURT_NUMBER,
        JUDGE,
    )
    assert (defaulted["status"], defaulted["source"], defaulted["verified"]) == (
        "scheduled",
        "recorded",
        True,
    )
    assert (defaulted["session"], defaulted["witness_number"]) == ("afternoon", 2)
    assert elsewhere["court_establishment"] == "Court of the Chief Judicial Magistrate, Alipore"
    assert elsewhere["court_number"] == "7"
    assert elsewhere["judge"] == JUDGE  # not given, so still the case's
    assert await audit_count(session, action="hearing.create", object_id=defaulted["id"]) == 1


async def test_the_survivor_hears_of_a_coming_date_not_of_a_past_one(
    client: httpx.AsyncClient, make_team: MakeTeam, schedule: Schedule
) -> None:
    team = await make_team()
    await schedule(team.lawyer, team.case, 12, purpose="survivor_deposition")
    await schedule(team.lawyer, team.case, -12, purpose="bail_hearing")

    hers = [e["summary"] for e in await timeline(client, team.survivor, team.case_id)]

    assert f"Your case has a court date on {long_date(iso(12))} (survivor's deposition)." in hers
    assert not any(long_date(iso(-12)) in line for line in hers)
    team_lines = [e["summary"] for e in await timeline(client, team.lawyer, team.case_id)]
    assert f"Hearing on {long_date(iso(-12))}: Bail hearing" in team_lines


async def test_a_hearing_before_the_fir_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, make_team: MakeTeam
) -> None:
    team = await make_team()  # FIR of 12 September 2024

    response = await client.post(
        f"{CASES}/{team.case_id}/hearings",
        json={"hearing_date": "2024-09-11", "purpose": "bail_hearing"},
        headers=team.lawyer.headers,
    )

    assert response.status_code == 422
    assert "12 Sep 2024" in response.json()["message"]
    assert response.json()["details"]["fields"] == {"hearing_date": "before the FIR"}
    assert await hearing_count(session, team.case_id) == 0


async def test_moving_a_hearing_tells_the_survivor_the_new_date(
    client: httpx.AsyncClient, make_team: MakeTeam, schedule: Schedule
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, 8)

    moved = await client.patch(
        f"{HEARINGS}/{hearing['id']}",
        json={"version": hearing["version"], "hearing_date": iso(15), "hearing_time": "12:00"},
        headers=team.lawyer.headers,
    )

    assert moved.status_code == 200, moved.text
    assert (moved.json()["hearing_date"], moved.json()["hearing_time"]) == (iso(15), "12:00:00")
    assert moved.json()["version"] == hearing["version"] + 1
    hers = [e["summary"] for e in await timeline(client, team.survivor, team.case_id)]
    assert f"Your court date has moved to {long_date(iso(15))}." in hers


async def test_a_cancelled_hearing_is_announced_and_leaves_the_cause_list(
    client: httpx.AsyncClient, make_team: MakeTeam, schedule: Schedule
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, 4)

    cancelled = await client.patch(
        f"{HEARINGS}/{hearing['id']}",
        json={"version": hearing["version"], "status": "cancelled"},
        headers=team.social_worker.headers,
    )

    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    hers = [e["summary"] for e in await timeline(client, team.survivor, team.case_id)]
    assert f"The court date of {long_date(iso(4))} is cancelled." in hers
    tab = await client.get(f"{CASES}/{team.case_id}/hearings", headers=team.lawyer.headers)
    assert [h["status"] for h in tab.json()["items"]] == ["cancelled"]


async def test_a_change_that_changes_nothing_records_nothing(
    client: httpx.AsyncClient, session: AsyncSession, make_team: MakeTeam, schedule: Schedule
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, 4)
    events = await timeline_count(session, team.case_id)

    same = await client.patch(
        f"{HEARINGS}/{hearing['id']}",
        json={"version": hearing["version"], "hearing_date": hearing["hearing_date"]},
        headers=team.lawyer.headers,
    )

    assert same.status_code == 200
    assert same.json()["version"] == hearing["version"]
    assert await timeline_count(session, team.case_id) == events


async def test_a_stale_change_is_refused_with_the_current_hearing(
    client: httpx.AsyncClient, make_team: MakeTeam, schedule: Schedule
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, 4)
    first = await client.patch(
        f"{HEARINGS}/{hearing['id']}",
        json={"version": hearing["version"], "status": "cancelled"},
        headers=team.lawyer.headers,
    )
    assert first.status_code == 200

    second = await client.patch(
        f"{HEARINGS}/{hearing['id']}",
        json={"version": hearing["version"], "hearing_date": iso(11)},
        headers=team.social_worker.headers,
    )

    assert second.status_code == 409
    assert second.json()["error"] == "stale_version"
    assert second.json()["details"]["current"]["status"] == "cancelled"
    saved = await fetch_hearing(client, team.lawyer, hearing["id"])
    assert (saved["hearing_date"], saved["status"]) == (iso(4), "cancelled")


async def test_a_change_before_the_fir_is_refused(
    client: httpx.AsyncClient, make_team: MakeTeam, schedule: Schedule
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, 4)

    response = await client.patch(
        f"{HEARINGS}/{hearing['id']}",
        json={"version": hearing["version"], "hearing_date": "2024-01-01"},
        headers=team.lawyer.headers,
    )

    assert response.status_code == 422
    assert (await fetch_hearing(client, team.lawyer, hearing["id"]))["hearing_date"] == iso(4)


@pytest.mark.parametrize("field", ["hearing_date", "purpose", "status"])
async def test_clearing_a_required_field_is_a_422(
    client: httpx.AsyncClient, make_team: MakeTeam, schedule: Schedule, field: str
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, 4)

    response = await client.patch(
        f"{HEARINGS}/{hearing['id']}",
        json={"version": hearing["version"], field: None},
        headers=team.lawyer.headers,
    )

    assert response.status_code == 422, response.text
    assert field in response.json()["details"]["fields"]
