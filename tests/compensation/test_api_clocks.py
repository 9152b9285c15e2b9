"""Claim clocks through the API: the BNSS 396(5) enquiry, interim relief, days from award to
payment, and the overdue flag on the case's list of claims."""

from __future__ import annotations

from typing import Any

import httpx

from tests.compensation.conftest import (
    CASES,
    CLAIMS,
    LAKH,
    MakeTeam,
    Move,
    OpenClaim,
    Pay,
    Team,
    add_months_iso,
    iso,
    ok,
)


def clocks(claim: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["kind"]: c for c in claim["clocks"]}


async def listed(client: httpx.AsyncClient, team: Team) -> dict[str, dict[str, Any]]:
    response = await client.get(
        f"{CASES}/{team.case_id}/compensation-claims", headers=team.lead.headers
    )
    assert response.status_code == 200, response.text
    return {c["id"]: c for c in response.json()}


async def test_filing_starts_the_two_month_enquiry(
    client: httpx.AsyncClient, make_team: MakeTeam, open_claim: OpenClaim
) -> None:
    team = await make_team()
    claim = await open_claim(team, applied_on=iso(-20), filed=True)
    enquiry = clocks(claim)["enquiry"]
    assert enquiry["rule"] == "BNSS 396(5) / CrPC 357A(5): enquiry within 2 months"
    assert (enquiry["starts_on"], enquiry["due_on"]) == (iso(-20), add_months_iso(-20, 2))
    assert enquiry["status"] == "running"
    assert enquiry["days_elapsed"] == 20
    row = (await listed(client, team))[claim["id"]]
    assert (row["next_due_on"], row["overdue"]) == (enquiry["due_on"], False)


async def test_an_enquiry_past_two_months_is_flagged_overdue_on_the_list(
    client: httpx.AsyncClient, make_team: MakeTeam, open_claim: OpenClaim, move: Move
) -> None:
    team = await make_team()
    late = await open_claim(team, applied_on=iso(-75), filed=True)
    late = ok(await move(team.lawyer, late, "under_verification", effective_on=iso(-70)))
    on_time = await open_claim(team, applied_on=iso(-10), filed=True)
    enquiry = clocks(late)["enquiry"]
    assert enquiry["status"] == "overdue"
    assert enquiry["days_left"] < 0
    rows = await listed(client, team)
    assert rows[late["id"]]["overdue"] is True
    assert rows[on_time["id"]]["overdue"] is False


async def test_a_courts_recommendation_starts_the_enquiry_too(
    make_team: MakeTeam, open_claim: OpenClaim
) -> None:
    team = await make_team()
    claim = await open_claim(
        team, basis="court_recommendation", recommended_on=iso(-30), filed=True
    )
    assert claim["status_since"] == iso(-30)
    assert clocks(claim)["enquiry"]["starts_on"] == iso(-30)


async def test_a_decision_stops_the_enquiry_clock_and_says_how_late_it_was(
    client: httpx.AsyncClient, make_team: MakeTeam, open_claim: OpenClaim, move: Move
) -> None:
    team = await make_team()
    claim = await open_claim(team, applied_on=iso(-100), filed=True)
    claim = ok(
        await move(
            team.lawyer,
            claim,
            "rejected",
            effective_on=iso(-10),
            rejection_reason="documents_incomplete",
            rejection_details="Bank passbook copy not attached",
        )
    )
    enquiry = clocks(claim)["enquiry"]
    assert enquiry["status"] == "met_late"
    assert enquiry["done_on"] == iso(-10)
    assert enquiry["days_late"] > 0
    assert claim["next_due_on"] is None
    assert (await listed(client, team))[claim["id"]]["overdue"] is False


async def test_the_days_from_award_to_payment_are_counted_even_without_a_limit(
    make_team: MakeTeam, open_claim: OpenClaim, move: Move, pay: Pay
) -> None:
    team = await make_team(old_codes=True, fir_date="2022-01-10", fir_year=2022)
    claim = await open_claim(team, applied_on=iso(-1100), filed=True)
    claim = ok(
        await move(
            team.lawyer, claim, "final_awarded", amount_paise=3 * LAKH, effective_on=iso(-999)
        )
    )
    claim = ok(await move(team.lawyer, claim, "payment_pending", effective_on=iso(-990)))
    waiting = clocks(claim)["payment"]
    assert waiting["rule"] == "No time limit in the scheme: days from award to payment"
    assert (waiting["status"], waiting["due_on"], waiting["days_elapsed"]) == ("running", None, 999)
    claim = ok(await pay(team.lawyer, claim, 3 * LAKH), 201)
    paid = clocks(claim)["payment"]
    assert (paid["status"], paid["days_elapsed"], paid["done_on"]) == ("met", 999, iso(0))


async def test_a_pocso_special_courts_order_is_paid_within_thirty_days(
    client: httpx.AsyncClient, make_team: MakeTeam, open_claim: OpenClaim, move: Move
) -> None:
    team = await make_team()
    claim = await open_claim(
        team,
        scheme="pocso_special_court",
        authority_kind="court",
        court_name="Special POCSO Court, Alipore",
        basis="court_recommendation",
        recommended_on=iso(-60),
        heads=["sexual assault of a child"],
        filed=True,
    )
    assert "enquiry" not in clocks(claim)  # the court decides; there is no DLSA enquiry
    claim = ok(
        await move(
            team.lawyer, claim, "final_awarded", amount_paise=3 * LAKH, effective_on=iso(-45)
        )
    )
    payment = clocks(claim)["payment"]
    assert payment["due_on"] == iso(-15)
    assert payment["status"] == "overdue"
    assert (await listed(client, team))[claim["id"]]["overdue"] is True


async def test_an_acid_attack_victim_is_owed_interim_relief_within_fifteen_days(
    make_team: MakeTeam, open_claim: OpenClaim, move: Move, pay: Pay
) -> None:
    team = await make_team()
    claim = await open_claim(
        team, heads=["acid attack: disfigurement of face"], applied_on=iso(-20), filed=True
    )
    interim = clocks(claim)["interim_relief"]
    assert (interim["due_on"], interim["status"]) == (iso(-5), "overdue")
    claim = ok(
        await move(team.lawyer, claim, "interim_awarded", amount_paise=LAKH, effective_on=iso(-3))
    )
    claim = ok(await pay(team.lawyer, claim, LAKH, paid_on=iso(-2)), 201)
    interim = clocks(claim)["interim_relief"]
    assert (interim["status"], interim["days_late"]) == ("met_late", 3)


async def test_an_interim_award_below_the_nalsa_floor_is_shown(
    client: httpx.AsyncClient, make_team: MakeTeam, open_claim: OpenClaim, move: Move
) -> None:
    team = await make_team()
    claim = await open_claim(team, heads=["rape"], applied_on=iso(-20), filed=True)
    claim = ok(
        await move(team.lawyer, claim, "interim_awarded", amount_paise=LAKH, effective_on=iso(-5))
    )
    # 25% of rape's maximum of 7 lakh is 1,75,000.
    assert claim["interim_shortfall_inr"] == "₹75,000"
    detail = await client.get(f"{CLAIMS}/{claim['id']}", headers=team.lead.headers)
    assert detail.json()["interim_shortfall_paise"] == 75_000 * 100


async def test_a_withdrawn_claim_is_no_longer_overdue(
    client: httpx.AsyncClient, make_team: MakeTeam, open_claim: OpenClaim, move: Move
) -> None:
    team = await make_team()
    claim = await open_claim(team, applied_on=iso(-200), filed=True)
    assert (await listed(client, team))[claim["id"]]["overdue"] is True
    claim = ok(await move(team.lawyer, claim, "withdrawn", effective_on=iso(-100)))
    assert claim["clocks"] == []
    row = (await listed(client, team))[claim["id"]]
    assert (row["overdue"], row["next_due_on"]) == (False, None)
