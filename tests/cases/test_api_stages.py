"""Moving a case through its stages over the API: the rules of ``stages.TRANSITIONS`` as a
lawyer meets them (409 with the stages allowed next), dates, and the stage history."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tafteesh.auth.roles import Role
from tests.cases.conftest import CASES, Actor, MakeActor, MakeCase, days_ago


class StageMover:
    """Moves one case as its lawyer, keeping track of the version."""

    def __init__(self, client: httpx.AsyncClient, lawyer: Actor, case: dict[str, Any]) -> None:
        self.client, self.lawyer, self.url = client, lawyer, f"{CASES}/{case['id']}"
        self.version = case["version"]

    async def move(self, stage: str, **extra: Any) -> httpx.Response:
        response = await self.client.post(
            f"{self.url}/stage",
            json={"version": self.version, "stage": stage, **extra},
            headers=self.lawyer.headers,
        )
        if response.status_code == 200:
            self.version = response.json()["version"]
        return response

    async def through(self, *stages: str) -> dict[str, Any]:
        for stage in stages:
            response = await self.move(stage)
            assert response.status_code == 200, (stage, response.text)
        return dict(response.json())


TO_COGNIZANCE = ("under_investigation", "chargesheet_filed", "cognizance")


@pytest.fixture
async def lawyer(make_actor: MakeActor) -> Actor:
    return await make_actor(Role.LAWYER)


@pytest.fixture
async def mover(client: httpx.AsyncClient, lawyer: Actor, make_case: MakeCase) -> StageMover:
    return StageMover(client, lawyer, await make_case(lawyer))


async def test_illegal_move_is_a_409_listing_the_stages_allowed_next(
    client: httpx.AsyncClient, mover: StageMover
) -> None:
    response = await mover.move("charges_framed")
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "illegal_stage_change"
    assert body["details"]["allowed_next"] == [
        "stayed_by_higher_court",
        "transferred",
        "under_investigation",
    ]
    assert "'FIR registered' to 'Charges framed'" in body["message"]
    case = (await client.get(mover.url, headers=mover.lawyer.headers)).json()
    assert case["stage"] == "fir_registered"
    assert case["version"] == 1


async def test_ordinary_course_is_recorded_in_the_stage_history(
    client: httpx.AsyncClient, mover: StageMover
) -> None:
    await mover.move("under_investigation", effective_on="2024-09-20", note="IO: SI R. Mallick")
    case = await mover.through("chargesheet_filed", "cognizance", "committed_to_sessions")
    assert case["stage"] == "committed_to_sessions"
    assert case["stage_label"] == "Committed to sessions"
    assert case["allowed_next_stages"] == [
        "charge_hearing",
        "compounded",
        "further_investigation",
        "stayed_by_higher_court",
        "transferred",
        "withdrawn",
    ]
    history = (await client.get(f"{mover.url}/stage-history", headers=mover.lawyer.headers)).json()
    assert [(h["from_stage"], h["to_stage"]) for h in history] == [
        (None, "fir_registered"),
        ("fir_registered", "under_investigation"),
        ("under_investigation", "chargesheet_filed"),
        ("chargesheet_filed", "cognizance"),
        ("cognizance", "committed_to_sessions"),
    ]
    assert history[1]["effective_on"] == "2024-09-20"
    assert history[1]["note"] == "IO: SI R. Mallick"


async def test_withdrawal_needs_the_victim_heard(mover: StageMover) -> None:
    await mover.through(*TO_COGNIZANCE)
    unheard = await mover.move("withdrawn")
    assert unheard.status_code == 409
    assert "must hear the victim" in unheard.json()["message"]
    heard = await mover.move("withdrawn", victim_heard=True)
    assert heard.status_code == 200
    assert heard.json()["stage"] == "withdrawn"
    # The victim may still challenge the withdrawal in revision.
    assert heard.json()["allowed_next_stages"] == ["appeal_pending"]


async def test_withdrawal_is_only_possible_once_a_court_has_the_case(mover: StageMover) -> None:
    response = await mover.move("withdrawn", victim_heard=True)
    assert response.status_code == 409
    assert "withdrawn" not in response.json()["details"]["allowed_next"]


async def test_a_stayed_case_resumes_only_where_it_stopped(mover: StageMover) -> None:
    await mover.through(*TO_COGNIZANCE)
    stayed = await mover.move("stayed_by_higher_court", note="Calcutta HC, CRR 1234 of 2025")
    assert stayed.status_code == 200
    assert stayed.json()["stage_before_suspension"] == "cognizance"
    assert stayed.json()["allowed_next_stages"] == ["cognizance"]

    onward = await mover.move("charge_hearing")
    assert onward.status_code == 409
    assert onward.json()["details"]["allowed_next"] == ["cognizance"]
    resumed = await mover.move("cognizance")
    assert resumed.status_code == 200
    assert resumed.json()["stage"] == "cognizance"
    assert resumed.json()["stage_before_suspension"] is None
    assert "charge_hearing" in resumed.json()["allowed_next_stages"]


async def test_a_transferred_case_resumes_at_the_same_stage(mover: StageMover) -> None:
    await mover.through("under_investigation")
    assert (await mover.move("transferred")).status_code == 200
    refused = await mover.move("chargesheet_filed")
    assert refused.json()["details"]["allowed_next"] == ["under_investigation"]
    assert (await mover.move("under_investigation")).status_code == 200


@pytest.mark.parametrize(
    ("effective_on", "message"),
    [
        ("2999-01-01", "A stage change cannot be dated in the future."),
        ("2024-09-01", "The date must be on or after 12 Sep 2024"),
    ],
)
async def test_stage_dates_must_be_between_the_current_stage_and_today(
    mover: StageMover, effective_on: str, message: str
) -> None:
    response = await mover.move("under_investigation", effective_on=effective_on)
    assert response.status_code == 422
    assert response.json()["message"].startswith(message)
    assert "effective_on" in response.json()["details"]["fields"]


async def test_stage_since_follows_the_effective_date(mover: StageMover) -> None:
    response = await mover.move("under_investigation", effective_on=days_ago(10))
    assert response.json()["stage_since"] == days_ago(10)


async def test_a_case_entered_mid_way_starts_at_its_current_stage(
    client: httpx.AsyncClient, lawyer: Actor, make_case: MakeCase
) -> None:
    case = await make_case(lawyer, stage="prosecution_evidence", stage_since=days_ago(30))
    assert case["stage"] == "prosecution_evidence"
    assert case["stage_since"] == days_ago(30)
    stayed = await client.post(
        CASES,
        json={**_body_like(case), "reference": "MID-STAYED", "stage": "stayed_by_higher_court"},
        headers=lawyer.headers,
    )
    assert stayed.status_code == 422


def _body_like(case: dict[str, Any]) -> dict[str, Any]:
    keys = ("police_station", "fir_district", "fir_state", "fir_number", "fir_year", "fir_date")
    return {key: case[key] for key in keys}
