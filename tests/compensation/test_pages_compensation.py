"""The compensation pages: the case's tab for the team and for the survivor, the claim form, and
the status, payment and appeal forms with their errors beside them."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth.roles import Role
from tafteesh.compensation.models import CompensationClaim
from tests.compensation.conftest import (
    CLAIMS,
    LAKH,
    RUPEE,
    SURVIVOR_LEGAL_NAME,
    TEAM_NOTE,
    TEAM_ONLY,
    Actor,
    MakeActor,
    MakeTeam,
    Move,
    OpenClaim,
    Pay,
    iso,
    ok,
)
from tests.helpers import browser_sign_in, csrf_token


async def as_user(client: httpx.AsyncClient, actor: Actor) -> str:
    """Sign in through the form as ``actor``; return the CSRF token for posting forms."""
    client.cookies.clear()
    await browser_sign_in(client, actor.user)
    return await csrf_token(client)


async def test_the_team_sees_its_claims_with_overdue_ones_flagged_and_what_she_sees(
    client: httpx.AsyncClient, make_team: MakeTeam, open_claim: OpenClaim
) -> None:
    team = await make_team()
    late = await open_claim(team, applied_on=iso(-90), filed=True)
    await open_claim(team, claimed_paise=150_000 * RUPEE)
    await as_user(client, team.lawyer)
    page = await client.get(f"/cases/{team.case_id}/compensation")
    assert page.status_code == 200
    assert f'id="claim-{late["id"]}" class="claim-overdue"' in page.text
    assert "Overdue since" in page.text
    assert "claimed ₹1,50,000" in page.text
    assert "What the survivor sees" in page.text
    assert "New claim" in page.text
    assert f'href="/compensation-claims/{late["id"]}"' in page.text
    assert SURVIVOR_LEGAL_NAME not in page.text  # a pseudonym, never her name


@pytest.mark.parametrize("role", [Role.CONSORTIUM_LEAD, Role.ADMIN])
async def test_leads_and_admins_read_but_are_offered_no_forms(
    client: httpx.AsyncClient,
    make_team: MakeTeam,
    make_actor: MakeActor,
    open_claim: OpenClaim,
    role: Role,
) -> None:
    team = await make_team()
    claim = await open_claim(team, applied_on=iso(-10), filed=True)
    reader = await make_actor(role)
    await as_user(client, reader)
    tab = await client.get(f"/cases/{team.case_id}/compensation")
    assert tab.status_code == 200
    assert "New claim" not in tab.text
    page = await client.get(f"/compensation-claims/{claim['id']}")
    assert page.status_code == 200
    assert "Enquiry by the legal services authority" in page.text
    for form in ("Change status", "Record a payment", "File an appeal", "Change details"):
        assert form not in page.text
    assert SURVIVOR_LEGAL_NAME not in page.text


async def test_the_survivor_sees_only_her_plain_summary(
    client: httpx.AsyncClient, make_team: MakeTeam, open_claim: OpenClaim, move: Move, pay: Pay
) -> None:
    team = await make_team()
    claim = await open_claim(team, applied_on=iso(-100), filed=True)
    claim = ok(
        await move(
            team.lawyer, claim, "final_awarded", amount_paise=150_000 * RUPEE, effective_on=iso(-50)
        )
    )
    ok(await pay(team.lawyer, claim, 50_000 * RUPEE, note="Secretpayment: via her brother"), 201)
    await as_user(client, team.survivor)
    tab = await client.get(f"/cases/{team.case_id}/compensation")
    assert tab.status_code == 200
    assert "Your compensation" in tab.text
    assert "Part of your award of ₹1,50,000 has been paid." in tab.text
    assert "₹1,00,000" in tab.text  # still to be paid
    for words in (*TEAM_ONLY, "Secretpayment", "Compensation claims", "New claim"):
        assert words not in tab.text, words
    # The team's page of her claim sends her back to her summary.
    page = await client.get(f"/compensation-claims/{claim['id']}")
    assert page.status_code == 303
    assert page.headers["location"] == f"/cases/{team.case_id}/compensation"


@pytest.mark.parametrize(
    "role", [Role.LAWYER, Role.SOCIAL_WORKER, Role.SURVIVOR_LEADER, Role.SURVIVOR]
)
async def test_outsiders_get_404_on_every_compensation_page(
    client: httpx.AsyncClient,
    make_team: MakeTeam,
    make_actor: MakeActor,
    open_claim: OpenClaim,
    role: Role,
) -> None:
    team = await make_team()
    claim = await open_claim(team)
    token = await as_user(client, await make_actor(role))
    for path in (
        f"/cases/{team.case_id}/compensation",
        f"/cases/{team.case_id}/compensation/new",
        f"/compensation-claims/{claim['id']}",
        f"/compensation-claims/{claim['id']}/edit",
    ):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert "Compensation claim for" not in response.text
        assert TEAM_NOTE not in response.text
    refused = await client.post(
        f"/compensation-claims/{claim['id']}/status",
        data={"csrf_token": token, "version": "1", "status": "withdrawn"},
    )
    assert refused.status_code == 404


async def test_a_lawyer_opens_a_claim_through_the_form_typing_rupees_as_orders_write_them(
    client: httpx.AsyncClient, session: AsyncSession, make_team: MakeTeam
) -> None:
    team = await make_team()
    token = await as_user(client, team.lawyer)
    form = await client.get(f"/cases/{team.case_id}/compensation/new")
    assert form.status_code == 200
    assert 'name="csrf_token"' in form.text
    assert '<label for="claimed">Amount claimed (₹)</label>' in form.text
    assert "Meghna" in form.text
    response = await client.post(
        f"/cases/{team.case_id}/compensation/new",
        data={
            "csrf_token": token,
            "survivor_id": team.survivor_id,
            "scheme": "nalsa_2018_women_victims",
            "authority_kind": "dlsa",
            "authority_district": "South 24 Parganas",
            "basis": "victims_application",
            "applied_on": iso(-5),
            "filed": "yes",
            "head_nalsa_2018_women_victims": ["rape"],
            "head_west_bengal_2017": ["rape"],  # another scheme's box: ignored
            "claimed": "Rs. 5,00,000/-",
            "documents": ["fir_copy", "bank_account"],
            "notes": TEAM_NOTE,
        },
    )
    assert response.status_code == 303, response.text
    claim = await session.scalar(select(CompensationClaim))
    assert claim is not None
    assert response.headers["location"] == f"/compensation-claims/{claim.id}"
    assert (claim.claimed_paise, claim.status, claim.documents) == (
        5 * LAKH,
        "filed",
        ["bank_account", "fir_copy"],
    )
    page = await client.get(response.headers["location"])
    assert "₹5,00,000" in page.text
    assert "rape" in page.text
    assert "₹4,00,000 to ₹7,00,000" in page.text


async def test_a_form_with_a_mistake_comes_back_with_the_message_and_what_was_typed(
    client: httpx.AsyncClient, make_team: MakeTeam
) -> None:
    team = await make_team()
    token = await as_user(client, team.lawyer)
    response = await client.post(
        f"/cases/{team.case_id}/compensation/new",
        data={
            "csrf_token": token,
            "survivor_id": team.survivor_id,
            "scheme": "nalsa_2018_women_victims",
            "authority_kind": "dlsa",
            "basis": "victims_application",
            "claimed": "5 lakh",
            "application_reference": "DLSA/S24/77",
        },
    )
    assert response.status_code == 422
    assert "Write the amount in figures, like 1,50,000 for 1.5 lakh." in response.text
    assert 'value="5 lakh"' in response.text
    assert 'value="DLSA/S24/77"' in response.text


async def test_status_changes_through_the_form_with_a_reason_for_a_rejection(
    client: httpx.AsyncClient, make_team: MakeTeam, open_claim: OpenClaim
) -> None:
    team = await make_team()
    claim = await open_claim(team, applied_on=iso(-40), filed=True)
    token = await as_user(client, team.lawyer)
    url = f"/compensation-claims/{claim['id']}/status"
    missing = await client.post(
        url,
        data={
            "csrf_token": token,
            "version": claim["version"],
            "status": "rejected",
            "rejection_reason": "trial_not_concluded",
        },
    )
    assert missing.status_code == 422
    assert 'id="status-error"' in missing.text
    assert "Write what the rejection order says" in missing.text
    done = await client.post(
        url,
        data={
            "csrf_token": token,
            "version": claim["version"],
            "status": "rejected",
            "effective_on": iso(-2),
            "rejection_reason": "trial_not_concluded",
            "rejection_details": "Premature till the trial ends",
        },
    )
    assert done.status_code == 303
    page = await client.get(f"/compensation-claims/{claim['id']}")
    assert "Trial not concluded" in page.text
    assert "The Calcutta High Court has held" in page.text
    assert "File an appeal" in page.text


async def test_an_award_typed_in_rupees_and_a_payment_past_it_is_refused_saying_by_how_much(
    client: httpx.AsyncClient, make_team: MakeTeam, open_claim: OpenClaim
) -> None:
    team = await make_team()
    claim = await open_claim(team, applied_on=iso(-40), filed=True)
    token = await as_user(client, team.lawyer)
    awarded = await client.post(
        f"/compensation-claims/{claim['id']}/status",
        data={
            "csrf_token": token,
            "version": claim["version"],
            "status": "final_awarded",
            "amount": "1,50,000",
            "effective_on": iso(-10),
        },
    )
    assert awarded.status_code == 303
    current = ok(await client.get(f"{CLAIMS}/{claim['id']}", headers=team.lawyer.headers))
    assert current["final_awarded_paise"] == 150_000 * RUPEE
    over = await client.post(
        f"/compensation-claims/{claim['id']}/disbursements",
        data={
            "csrf_token": token,
            "version": current["version"],
            "amount": "1,75,000",
            "paid_on": iso(0),
            "mode": "bank_transfer",
        },
    )
    assert over.status_code == 409
    assert "This tranche would pay ₹25,000 more than the award of ₹1,50,000" in over.text
    assert 'id="disbursement-error"' in over.text
    assert 'value="1,75,000"' in over.text
    paid = await client.post(
        f"/compensation-claims/{claim['id']}/disbursements",
        data={
            "csrf_token": token,
            "version": current["version"],
            "amount": "37,500",
            "paid_on": iso(0),
            "mode": "bank_transfer",
            "reference": "UTR 7781",
        },
    )
    assert paid.status_code == 303
    page = await client.get(f"/compensation-claims/{claim['id']}")
    assert "₹37,500" in page.text
    assert "UTR 7781" in page.text
    assert "Partly disbursed" in page.text


async def test_an_appeal_is_filed_and_decided_through_the_forms(
    client: httpx.AsyncClient, make_team: MakeTeam, open_claim: OpenClaim, move: Move
) -> None:
    team = await make_team()
    claim = await open_claim(team, applied_on=iso(-60), filed=True)
    claim = ok(
        await move(
            team.lawyer,
            claim,
            "rejected",
            effective_on=iso(-30),
            rejection_reason="trial_not_concluded",
            rejection_details="Premature",
        )
    )
    token = await as_user(client, team.lawyer)
    filed = await client.post(
        f"/compensation-claims/{claim['id']}/appeals",
        data={
            "csrf_token": token,
            "version": claim["version"],
            "forum": "slsa",
            "filed_on": iso(-20),
            "reference": "SLSA/44/2026",
        },
    )
    assert filed.status_code == 303
    current = ok(await client.get(f"{CLAIMS}/{claim['id']}", headers=team.lawyer.headers))
    appeal = current["appeals"][0]
    decided = await client.post(
        f"/compensation-claims/{claim['id']}/appeals/{appeal['id']}/status",
        data={
            "csrf_token": token,
            "version": appeal["version"],
            "status": "dismissed",
            "effective_on": iso(-1),
        },
    )
    assert decided.status_code == 303
    page = await client.get(f"/compensation-claims/{claim['id']}")
    assert "State Legal Services Authority" in page.text
    assert "Dismissed" in page.text
    assert (
        ok(await client.get(f"{CLAIMS}/{claim['id']}", headers=team.lawyer.headers))["status"]
        == "rejected"
    )


async def test_editing_with_a_stale_version_keeps_what_was_typed_and_shows_what_was_saved(
    client: httpx.AsyncClient, make_team: MakeTeam, open_claim: OpenClaim
) -> None:
    team = await make_team()
    claim = await open_claim(team)
    token = await as_user(client, team.lawyer)
    edit = await client.get(f"/compensation-claims/{claim['id']}/edit")
    assert edit.status_code == 200
    assert 'value="7,00,000"' in edit.text
    ok(
        await client.patch(
            f"{CLAIMS}/{claim['id']}",
            json={"version": claim["version"], "claimed_paise": 6 * LAKH},
            headers=team.social_worker.headers,
        )
    )
    stale = await client.post(
        f"/compensation-claims/{claim['id']}/edit",
        data={
            "csrf_token": token,
            "version": claim["version"],
            "scheme": "nalsa_2018_women_victims",
            "authority_kind": "dlsa",
            "authority_district": "South 24 Parganas",
            "basis": "victims_application",
            "claimed": "8,00,000",
        },
    )
    assert stale.status_code == 409
    assert "Someone else saved this claim first" in stale.text
    assert "₹6,00,000" in stale.text
    assert 'value="8,00,000"' in stale.text


async def test_htmx_gets_only_the_part_of_the_page_it_replaces(
    client: httpx.AsyncClient, make_team: MakeTeam, open_claim: OpenClaim
) -> None:
    team = await make_team()
    claim = await open_claim(team)
    await as_user(client, team.lawyer)
    tab = await client.get(f"/cases/{team.case_id}/compensation", headers={"HX-Request": "true"})
    assert tab.status_code == 200
    assert "<html" not in tab.text
    assert 'id="compensation"' in tab.text
    page = await client.get(f"/compensation-claims/{claim['id']}", headers={"HX-Request": "true"})
    assert "<html" not in page.text
    assert f'id="claim-{claim["id"]}"' in page.text


async def test_a_form_without_the_csrf_token_is_refused(
    client: httpx.AsyncClient, make_team: MakeTeam, open_claim: OpenClaim, session: AsyncSession
) -> None:
    team = await make_team()
    claim = await open_claim(team)
    await as_user(client, team.lawyer)
    response = await client.post(
        f"/compensation-claims/{claim['id']}/status",
        data={"version": claim["version"], "status": "withdrawn"},
    )
    assert response.status_code == 403
    assert (
        ok(await client.get(f"{CLAIMS}/{claim['id']}", headers=team.lawyer.headers))["status"]
        == "draft"
    )


async def test_every_form_field_has_a_label(
    client: httpx.AsyncClient, make_team: MakeTeam, open_claim: OpenClaim, move: Move
) -> None:
    team = await make_team()
    claim = await open_claim(team, applied_on=iso(-60), filed=True)
    claim = ok(
        await move(team.lawyer, claim, "final_awarded", amount_paise=LAKH, effective_on=iso(-5))
    )
    await as_user(client, team.lawyer)
    for path in (f"/cases/{team.case_id}/compensation/new", f"/compensation-claims/{claim['id']}"):
        html = (await client.get(path)).text
        labelled = set(re.findall(r'<label for="([^"]+)"', html))
        for field_id in re.findall(r'<(?:input|select|textarea)[^>]* id="([^"]+)"', html):
            assert field_id in labelled, (path, field_id)
