"""Paying out an award: tranches and fixed deposits count against it, never past it, and the
claim's status follows from the money."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from tafteesh.compensation.models import Disbursement
from tafteesh.db import async_url
from tests.compensation.conftest import (
    CLAIMS,
    LAKH,
    RUPEE,
    MakeTeam,
    Move,
    OpenClaim,
    Pay,
    awarded_claim,
    count,
    iso,
    ok,
)
from tests.conftest import ProvisionedDatabase


async def test_a_quarter_paid_and_three_quarters_deposited_settles_the_award(
    make_team: MakeTeam, open_claim: OpenClaim, move: Move, pay: Pay
) -> None:
    team = await make_team()
    claim = await awarded_claim(team, open_claim, move)
    split = claim["suggested_split"]
    assert (split["paid_now_inr"], split["deposit_inr"], split["deposit_percent"]) == (
        "₹1,00,000",
        "₹3,00,000",
        75,
    )
    claim = ok(await pay(team.lawyer, claim, 1 * LAKH, paid_on=iso(-20), reference="UTR 4411"), 201)
    assert claim["status"] == "partly_disbursed"
    assert (claim["disbursed_inr"], claim["pending_inr"]) == ("₹1,00,000", "₹3,00,000")
    claim = ok(
        await pay(
            team.lawyer,
            claim,
            3 * LAKH,
            paid_on=iso(-10),
            mode="fixed_deposit",
            matures_on=iso(3 * 365),
        ),
        201,
    )
    assert claim["status"] == "disbursed"
    assert (claim["deposit_paise"], claim["pending_paise"]) == (3 * LAKH, 0)
    assert [(d["amount_inr"], d["mode"], d["against"]) for d in claim["disbursements"]] == [
        ("₹1,00,000", "bank_transfer", "final"),
        ("₹3,00,000", "fixed_deposit", "final"),
    ]
    assert [h["to_status"] for h in claim["history"]][-2:] == ["partly_disbursed", "disbursed"]
    assert claim["can_disburse"] is False


async def test_a_tranche_past_the_award_is_refused_saying_by_how_much(
    make_team: MakeTeam, open_claim: OpenClaim, move: Move, pay: Pay, session: AsyncSession
) -> None:
    team = await make_team()
    claim = await awarded_claim(team, open_claim, move, final_paise=150_000 * RUPEE)
    claim = ok(await pay(team.lawyer, claim, 50_000 * RUPEE, paid_on=iso(-20)), 201)
    claim = ok(
        await pay(team.lawyer, claim, 75_000 * RUPEE, paid_on=iso(-15), mode="fixed_deposit"),
        201,
    )
    before = await count(session, Disbursement)
    over = await pay(team.lawyer, claim, 50_000 * RUPEE)
    assert over.status_code == 409
    body = over.json()
    assert body["error"] == "over_disbursement"
    assert body["message"] == (
        "This tranche would pay ₹25,000 more than the award of ₹1,50,000: ₹1,75,000 in all,"
        " counting ₹50,000 paid earlier and ₹75,000 in fixed deposit."
    )
    assert body["details"]["over_by_paise"] == 25_000 * RUPEE
    assert await count(session, Disbursement) == before
    exact = ok(await pay(team.lawyer, claim, 25_000 * RUPEE), 201)
    assert (exact["status"], exact["pending_paise"]) == ("disbursed", 0)


async def test_interim_relief_paid_counts_against_the_final_award(
    make_team: MakeTeam, open_claim: OpenClaim, move: Move, pay: Pay
) -> None:
    team = await make_team()
    claim = await open_claim(team, applied_on=iso(-100), filed=True)
    claim = ok(
        await move(team.lawyer, claim, "interim_awarded", amount_paise=LAKH, effective_on=iso(-90))
    )
    over_interim = await pay(team.lawyer, claim, LAKH + 1, paid_on=iso(-80))
    assert over_interim.status_code == 409
    assert "₹0.01 more than the award of ₹1,00,000" in over_interim.json()["message"]
    claim = ok(await pay(team.lawyer, claim, LAKH, paid_on=iso(-80)), 201)
    assert claim["status"] == "interim_awarded"  # interim relief is paid in full, the claim goes on
    assert claim["interim_paid_on"] == iso(-80)
    claim = ok(
        await move(
            team.lawyer, claim, "final_awarded", amount_paise=4 * LAKH, effective_on=iso(-30)
        )
    )
    assert (claim["awarded_paise"], claim["disbursed_paise"], claim["pending_paise"]) == (
        4 * LAKH,
        LAKH,
        3 * LAKH,
    )
    claim = ok(await pay(team.lawyer, claim, 3 * LAKH, paid_on=iso(-5), mode="fixed_deposit"), 201)
    assert claim["status"] == "disbursed"


async def test_a_final_award_below_what_was_already_paid_is_refused(
    make_team: MakeTeam, open_claim: OpenClaim, move: Move, pay: Pay
) -> None:
    team = await make_team()
    claim = await open_claim(team, applied_on=iso(-100), filed=True)
    claim = ok(
        await move(
            team.lawyer, claim, "interim_awarded", amount_paise=2 * LAKH, effective_on=iso(-90)
        )
    )
    claim = ok(await pay(team.lawyer, claim, 2 * LAKH, paid_on=iso(-80)), 201)
    response = await move(team.lawyer, claim, "final_awarded", amount_paise=LAKH)
    assert response.status_code == 422
    assert response.json()["message"] == (
        "The award cannot be less than the ₹2,00,000 already paid or deposited from it."
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"paid_on": iso(-40)}, "paid_on"),  # before the award of 30 days ago
        ({"paid_on": iso(1)}, "paid_on"),
        ({"matures_on": iso(100)}, "matures_on"),  # a bank transfer does not mature
        ({"mode": "fixed_deposit", "matures_on": iso(0)}, "matures_on"),
        ({"mode": "cash"}, "mode"),
    ],
)
async def test_a_payment_that_cannot_be_right_is_refused(
    make_team: MakeTeam,
    open_claim: OpenClaim,
    move: Move,
    pay: Pay,
    body: dict[str, str],
    field: str,
) -> None:
    team = await make_team()
    claim = await awarded_claim(team, open_claim, move)
    response = await pay(team.lawyer, claim, LAKH, **body)
    assert response.status_code == 422, response.text
    assert field in response.json()["details"]["fields"]


@pytest.mark.parametrize("amount", [50000.0, 0, -5, "50,000"])
async def test_a_tranche_is_a_positive_whole_number_of_paise(
    make_team: MakeTeam, open_claim: OpenClaim, move: Move, pay: Pay, amount: object
) -> None:
    team = await make_team()
    claim = await awarded_claim(team, open_claim, move)
    response = await pay(team.lawyer, claim, amount)  # type: ignore[arg-type]
    assert response.status_code == 422
    assert "amount_paise" in response.json()["details"]["fields"]


async def test_nothing_is_paid_before_an_award(
    make_team: MakeTeam, open_claim: OpenClaim, pay: Pay
) -> None:
    team = await make_team()
    claim = await open_claim(team, applied_on=iso(-10), filed=True)
    response = await pay(team.lawyer, claim, LAKH)
    assert response.status_code == 409
    assert response.json()["message"] == (
        "Nothing can be paid on a claim that is filed: record the award first."
    )


async def test_the_same_tranche_recorded_twice_at_once_is_refused_the_second_time(
    make_team: MakeTeam, open_claim: OpenClaim, move: Move, pay: Pay
) -> None:
    team = await make_team()
    claim = await awarded_claim(team, open_claim, move)
    first = await pay(team.lawyer, claim, 3 * LAKH)
    second = await pay(team.social_worker, claim, 3 * LAKH)  # read the same version
    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json()["error"] == "stale_version"
    assert second.json()["details"]["current"]["disbursed_paise"] == 3 * LAKH


async def _refused(connection: AsyncConnection, statement: str, **params: object) -> str:
    savepoint = await connection.begin_nested()
    with pytest.raises(DBAPIError) as refused:
        await connection.execute(text(statement), params)
    await savepoint.rollback()
    return str(refused.value.orig)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE compensation_disbursements SET amount_paise = 1",
        "DELETE FROM compensation_disbursements",
        "UPDATE compensation_status_changes SET to_status = 'disbursed'",
        "DELETE FROM compensation_status_changes",
        "TRUNCATE compensation_status_changes",
    ],
)
async def test_the_app_cannot_rewrite_payments_or_status_history(
    connection: AsyncConnection,
    make_team: MakeTeam,
    open_claim: OpenClaim,
    move: Move,
    pay: Pay,
    statement: str,
) -> None:
    team = await make_team()
    ok(await pay(team.lawyer, await awarded_claim(team, open_claim, move), LAKH), 201)
    assert "permission denied" in await _refused(connection, statement)


@pytest.mark.parametrize("table", ["compensation_disbursements", "compensation_status_changes"])
async def test_even_the_owner_is_stopped_by_the_trigger(
    test_database: ProvisionedDatabase, table: str
) -> None:
    engine = create_async_engine(async_url(test_database.urls.owner), poolclass=NullPool)
    async with engine.connect() as owner:
        # TRUNCATE: a statement trigger fires even with no committed rows to delete.
        message = await _refused(owner, f"TRUNCATE {table}")
        await owner.rollback()
    await engine.dispose()
    assert f"{table} is append-only" in message


async def test_the_database_refuses_totals_past_the_award_even_behind_the_service(
    connection: AsyncConnection, make_team: MakeTeam, open_claim: OpenClaim, move: Move
) -> None:
    team = await make_team()
    claim = await awarded_claim(team, open_claim, move)
    message = await _refused(
        connection,
        "UPDATE compensation_claims SET deposit_paise = :over WHERE id = :id",
        over=4 * LAKH + 1,
        id=claim["id"],
    )
    assert "ck_compensation_claims_not_over_award" in message


async def test_the_disbursement_list_shows_each_tranche(
    client: httpx.AsyncClient, make_team: MakeTeam, open_claim: OpenClaim, move: Move, pay: Pay
) -> None:
    team = await make_team()
    claim = await awarded_claim(team, open_claim, move)
    ok(await pay(team.lawyer, claim, 50_000 * RUPEE, reference="UTR 99", note="first tranche"), 201)
    listed = await client.get(f"{CLAIMS}/{claim['id']}/disbursements", headers=team.lead.headers)
    assert listed.status_code == 200
    (tranche,) = listed.json()
    assert (tranche["amount_inr"], tranche["reference"], tranche["mode_label"]) == (
        "₹50,000",
        "UTR 99",
        "Bank transfer to her account",
    )
