"""What the survivor is told: her summary (awarded, paid, pending, next step) and the lines her
timeline shows, in plain words, with amounts in the Indian grouping and never a team note."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.compensation.conftest import (
    APPEAL_GROUNDS,
    CASES,
    CLAIMS,
    LAKH,
    OUTCOME_NOTE,
    PAYMENT_NOTE,
    REJECTION_WORDS,
    RUPEE,
    SURVIVOR_LEGAL_NAME,
    SURVIVOR_PHONE,
    TEAM_ONLY,
    AddSurvivor,
    MakeTeam,
    Move,
    OpenClaim,
    Pay,
    Team,
    add_months_iso,
    day,
    iso,
    long_date,
    ok,
    timeline_events,
)


async def summary_of(
    client: httpx.AsyncClient, team: Team, claim: dict[str, Any]
) -> dict[str, Any]:
    return ok(await client.get(f"{CLAIMS}/{claim['id']}/summary", headers=team.survivor.headers))


async def her_timeline(client: httpx.AsyncClient, team: Team) -> list[str]:
    response = await client.get(
        f"{CASES}/{team.case_id}/timeline", params={"limit": 200}, headers=team.survivor.headers
    )
    assert response.status_code == 200
    return [e["summary"] for e in response.json()["items"]]


async def test_a_draft_tells_her_which_papers_are_still_needed(
    client: httpx.AsyncClient, make_team: MakeTeam, open_claim: OpenClaim
) -> None:
    team = await make_team()
    claim = await open_claim(team, documents=["fir_copy"])
    summary = await summary_of(client, team, claim)
    assert summary["where_it_stands"] == "Your team is preparing your compensation claim."
    assert summary["next_step"] == (
        "Your team needs these papers to file it: the medical report, your bank account details"
        " and an identity proof."
    )
    assert (summary["awarded_inr"], summary["paid_inr"], summary["pending_inr"]) == ("₹0",) * 3


async def test_a_filed_claim_says_by_when_the_authority_must_decide(
    client: httpx.AsyncClient, make_team: MakeTeam, open_claim: OpenClaim
) -> None:
    team = await make_team()
    claim = await open_claim(team, applied_on=iso(-10), filed=True)
    summary = await summary_of(client, team, claim)
    due = date.fromisoformat(add_months_iso(-10, 2))
    assert summary["where_it_stands"] == (
        f"Your claim has been with the DLSA South 24 Parganas since {long_date(day(-10))}."
    )
    assert summary["next_step"] == f"The DLSA South 24 Parganas should decide by {long_date(due)}."


async def test_a_late_decision_is_called_late(
    client: httpx.AsyncClient, make_team: MakeTeam, open_claim: OpenClaim
) -> None:
    team = await make_team()
    claim = await open_claim(team, applied_on=iso(-90), filed=True)
    summary = await summary_of(client, team, claim)
    assert summary["next_step"].startswith("The decision is late: it was due by ")
    assert summary["next_step"].endswith("Your lawyer is following it up.")


async def test_an_unpaid_award_counts_the_days_she_has_waited(
    client: httpx.AsyncClient, make_team: MakeTeam, open_claim: OpenClaim, move: Move, pay: Pay
) -> None:
    team = await make_team()
    claim = await open_claim(team, applied_on=iso(-200), filed=True)
    claim = ok(
        await move(
            team.lawyer,
            claim,
            "final_awarded",
            amount_paise=150_000 * RUPEE,
            effective_on=iso(-120),
        )
    )
    claim = ok(await move(team.lawyer, claim, "payment_pending", effective_on=iso(-100)))
    summary = await summary_of(client, team, claim)
    assert summary["where_it_stands"] == "You were awarded ₹1,50,000, but it has not been paid yet."
    assert summary["pending_inr"] == "₹1,50,000"
    assert summary["next_step"] == (
        "₹1,50,000 is still to be paid. Your team is following it up. It is 120 days since the"
        " award."
    )
    claim = ok(await pay(team.lawyer, claim, 37_500 * RUPEE, note=PAYMENT_NOTE), 201)
    summary = await summary_of(client, team, claim)
    assert (summary["awarded_inr"], summary["paid_inr"], summary["pending_inr"]) == (
        "₹1,50,000",
        "₹37,500",
        "₹1,12,500",
    )
    assert summary["next_step"] == "₹1,12,500 is still to be paid. Your team is following it up."


async def test_a_deposit_says_when_she_can_take_it_out(
    client: httpx.AsyncClient, make_team: MakeTeam, open_claim: OpenClaim, move: Move, pay: Pay
) -> None:
    team = await make_team()
    claim = await open_claim(team, applied_on=iso(-200), filed=True)
    claim = ok(
        await move(
            team.lawyer, claim, "final_awarded", amount_paise=4 * LAKH, effective_on=iso(-100)
        )
    )
    claim = ok(await pay(team.lawyer, claim, LAKH, paid_on=iso(-50)), 201)
    claim = ok(
        await pay(
            team.lawyer,
            claim,
            3 * LAKH,
            paid_on=iso(-50),
            mode="fixed_deposit",
            matures_on="2029-12-01",
        ),
        201,
    )
    summary = await summary_of(client, team, claim)
    assert summary["where_it_stands"] == "All of your award of ₹4,00,000 has been paid."
    assert (summary["paid_inr"], summary["deposit_inr"], summary["pending_inr"]) == (
        "₹1,00,000",
        "₹3,00,000",
        "₹0",
    )
    assert summary["next_step"] == (
        "₹3,00,000 is in a fixed deposit in your name. You can take it out from 1 Dec 2029."
    )


async def test_her_timeline_says_it_plainly(
    client: httpx.AsyncClient, make_team: MakeTeam, open_claim: OpenClaim, move: Move, pay: Pay
) -> None:
    team = await make_team()
    claim = await open_claim(team, applied_on="2025-03-03", filed=True)
    claim = ok(
        await move(
            team.lawyer, claim, "final_awarded", amount_paise=2 * LAKH, effective_on="2025-06-10"
        )
    )
    ok(await pay(team.lawyer, claim, 50_000 * RUPEE, paid_on="2025-07-01"), 201)
    lines = await her_timeline(client, team)
    assert (
        "Your compensation claim was filed with the DLSA South 24 Parganas on 3 Mar 2025." in lines
    )
    assert (
        "On 10 Jun 2025 the DLSA South 24 Parganas awarded you ₹2,00,000 in compensation." in lines
    )
    assert "₹50,000 was paid into your bank account on 1 Jul 2025." in lines
    assert "Your team has started preparing a compensation claim for you." in lines
    for jargon in ("BNSS", "CrPC", "357A", "partly_disbursed", "final_awarded", "paise"):
        assert all(jargon not in line for line in lines), jargon


async def test_the_survivor_never_sees_a_team_note(
    client: httpx.AsyncClient, make_team: MakeTeam, open_claim: OpenClaim, move: Move, pay: Pay
) -> None:
    """Every team-only field filled in, through a rejection, an appeal and a payment."""
    team = await make_team()
    claim = await open_claim(team, applied_on=iso(-200), filed=True)  # notes: TEAM_NOTE
    claim = ok(
        await move(
            team.lawyer,
            claim,
            "rejected",
            effective_on=iso(-150),
            rejection_reason="trial_not_concluded",
            rejection_details=REJECTION_WORDS,
            note="Secretstatus: DLSA clerk asked for the judgment",
        )
    )
    appeal = await client.post(
        f"{CLAIMS}/{claim['id']}/appeals",
        json={
            "version": claim["version"],
            "forum": "slsa",
            "filed_on": iso(-140),
            "grounds": APPEAL_GROUNDS,
        },
        headers=team.lawyer.headers,
    )
    claim = ok(appeal, 201)
    decided = await client.post(
        f"{CLAIMS}/{claim['id']}/appeals/{claim['appeals'][0]['id']}/status",
        json={
            "version": 1,
            "status": "allowed",
            "effective_on": iso(-100),
            "outcome_note": OUTCOME_NOTE,
        },
        headers=team.lawyer.headers,
    )
    claim = ok(decided)
    claim = ok(
        await move(
            team.lawyer, claim, "final_awarded", amount_paise=3 * LAKH, effective_on=iso(-90)
        )
    )
    ok(await pay(team.lawyer, claim, LAKH, paid_on=iso(-80), note=PAYMENT_NOTE), 201)
    team_view = ok(await client.get(f"{CLAIMS}/{claim['id']}", headers=team.lead.headers))
    for words in TEAM_ONLY:
        assert words in str(team_view), words  # the team does see them

    seen = [
        (await client.get(f"{CLAIMS}/{claim['id']}/summary", headers=team.survivor.headers)).text,
        (
            await client.get(
                f"{CASES}/{team.case_id}/compensation-summaries", headers=team.survivor.headers
            )
        ).text,
        (await client.get(f"{CASES}/{team.case_id}/timeline", headers=team.survivor.headers)).text,
    ]
    for text in seen:
        for words in (*TEAM_ONLY, "Secretstatus", SURVIVOR_LEGAL_NAME, SURVIVOR_PHONE):
            assert words not in text, words
    assert (
        "Your lawyer has asked the State Legal Services Authority to look at your claim again."
        in seen[2]
    )


async def test_on_a_case_with_two_survivors_her_money_is_not_told_to_the_other(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_team: MakeTeam,
    add_survivor: AddSurvivor,
    open_claim: OpenClaim,
    move: Move,
    pay: Pay,
) -> None:
    team = await make_team()
    await add_survivor(team.lawyer, team.case, pseudonym="Tara", legal_name="Tara Realname")
    claim = await open_claim(team, applied_on=iso(-60), filed=True)
    claim = ok(
        await move(team.lawyer, claim, "final_awarded", amount_paise=LAKH, effective_on=iso(-30))
    )
    ok(await pay(team.lawyer, claim, LAKH), 201)
    events = [
        e
        for e in await timeline_events(session, team.case_id)
        if e.kind.startswith("compensation.")
    ]
    assert events
    assert all(not e.survivor_visible for e in events)
    # She still reads all of it in her own summary.
    summary = await summary_of(client, team, claim)
    assert summary["where_it_stands"] == "All of your award of ₹1,00,000 has been paid."


async def test_large_amounts_are_grouped_the_indian_way(
    client: httpx.AsyncClient, make_team: MakeTeam, open_claim: OpenClaim, move: Move
) -> None:
    team = await make_team()
    claim = await open_claim(team, applied_on=iso(-60), filed=True, claimed_paise=1_234_567_50)
    assert claim["claimed_inr"] == "₹12,34,567.50"
    claim = ok(
        await move(
            team.lawyer,
            claim,
            "final_awarded",
            amount_paise=10_50_000 * RUPEE,
            effective_on=iso(-30),
        )
    )
    summary = await summary_of(client, team, claim)
    assert summary["awarded_inr"] == "₹10,50,000"
    assert summary["where_it_stands"] == "You were awarded ₹10,50,000."
