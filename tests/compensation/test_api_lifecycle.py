"""A claim's life cycle through the API: the transition table, dated history, rejections with
their reasons, and appeals as linked records with their own status."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tafteesh.compensation.statuses import (
    CLAIM_TRANSITIONS,
    STATUSES_SET_BY_OTHER_VERBS,
    ClaimStatus,
    manual_next_statuses,
)
from tests.compensation.conftest import (
    CLAIMS,
    LAKH,
    REJECTION_WORDS,
    Move,
    OpenClaim,
    Pay,
    Team,
    iso,
    ok,
)

S = ClaimStatus
# The body each target needs beyond its status and date.
NEEDS: dict[ClaimStatus, dict[str, Any]] = {
    S.INTERIM_AWARDED: {"amount_paise": 1 * LAKH},
    S.FINAL_AWARDED: {"amount_paise": 4 * LAKH},
    S.REJECTED: {"rejection_reason": "trial_not_concluded", "rejection_details": REJECTION_WORDS},
}


class Walk:
    """Takes a fresh claim to any status through the API, with dates a few days apart."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        team: Team,
        open_claim: OpenClaim,
        move: Move,
        pay: Pay,
    ) -> None:
        self.client, self.team, self.open_claim, self.move, self.pay = (
            client,
            team,
            open_claim,
            move,
            pay,
        )

    async def step(self, claim: dict[str, Any], status: ClaimStatus, offset: int) -> dict[str, Any]:
        response = await self.move(
            self.team.lawyer, claim, status.value, effective_on=iso(offset), **NEEDS.get(status, {})
        )
        return ok(response)

    async def appeal(self, claim: dict[str, Any], offset: int, **body: Any) -> dict[str, Any]:
        body = {"version": claim["version"], "forum": "slsa", "filed_on": iso(offset), **body}
        response = await self.client.post(
            f"{CLAIMS}/{claim['id']}/appeals", json=body, headers=self.team.lawyer.headers
        )
        return ok(response, 201)

    async def decide(
        self, claim: dict[str, Any], status: str, offset: int, **body: Any
    ) -> dict[str, Any]:
        appeal = claim["appeals"][-1]
        body = {"version": appeal["version"], "status": status, "effective_on": iso(offset), **body}
        response = await self.client.post(
            f"{CLAIMS}/{claim['id']}/appeals/{appeal['id']}/status",
            json=body,
            headers=self.team.lawyer.headers,
        )
        return ok(response)

    async def to(self, status: ClaimStatus) -> dict[str, Any]:
        if status is S.DRAFT:
            return await self.open_claim(self.team)
        if status is S.WITHDRAWN:
            return await self.step(await self.open_claim(self.team), S.WITHDRAWN, -1)
        claim = await self.open_claim(self.team, applied_on=iso(-120), filed=True)
        if status is S.FILED:
            return claim
        if status in (S.UNDER_VERIFICATION, S.INTERIM_AWARDED):
            return await self.step(claim, status, -110)
        if status in (S.REJECTED, S.APPEALED):
            claim = await self.step(claim, S.REJECTED, -90)
            if status is S.REJECTED:
                return claim
            # An appeal that was allowed, waiting for the new order.
            return await self.decide(await self.appeal(claim, -80), "allowed", -70)
        claim = await self.step(claim, S.FINAL_AWARDED, -60)
        if status is S.FINAL_AWARDED:
            return claim
        if status is S.PAYMENT_PENDING:
            return await self.step(claim, S.PAYMENT_PENDING, -50)
        amount = 4 * LAKH if status is S.DISBURSED else 1 * LAKH
        return ok(await self.pay(self.team.lawyer, claim, amount, paid_on=iso(-40)), 201)


@pytest.fixture
async def walk(
    client: httpx.AsyncClient,
    make_team: Any,
    open_claim: OpenClaim,
    move: Move,
    pay: Pay,
) -> Walk:
    return Walk(client, await make_team(), open_claim, move, pay)


MANUAL_EDGES = [
    (source, target)
    for source in S
    for target in sorted(CLAIM_TRANSITIONS[source], key=list(S).index)
    if target not in STATUSES_SET_BY_OTHER_VERBS
]


@pytest.mark.parametrize(("source", "target"), MANUAL_EDGES, ids=lambda s: s.value)
async def test_every_move_the_table_allows_succeeds(
    walk: Walk, source: ClaimStatus, target: ClaimStatus
) -> None:
    claim = await walk.to(source)
    assert claim["status"] == source.value
    moved = await walk.step(claim, target, 0)
    assert moved["status"] == target.value
    assert moved["history"][-1]["from_status"] == source.value
    assert moved["history"][-1]["to_status"] == target.value


@pytest.mark.parametrize("source", list(S), ids=lambda s: s.value)
async def test_every_other_move_is_refused_naming_the_allowed_ones(
    walk: Walk, move: Move, source: ClaimStatus
) -> None:
    claim = await walk.to(source)
    for target in S:
        if target in CLAIM_TRANSITIONS[source] and target not in STATUSES_SET_BY_OTHER_VERBS:
            continue  # allowed: the test above makes each of these moves
        response = await move(walk.team.lawyer, claim, target.value, **NEEDS.get(target, {}))
        if target in STATUSES_SET_BY_OTHER_VERBS:
            # Appeals and payments have their own routes; the status follows from them.
            assert response.status_code == 422, (source, target)
            continue
        assert response.status_code == 409, (source, target, response.text)
        body = response.json()
        assert body["error"] == "illegal_claim_change"
        assert body["details"]["allowed_next"] == [s.value for s in manual_next_statuses(source)]
    after = ok(await walk.client.get(f"{CLAIMS}/{claim['id']}", headers=walk.team.lawyer.headers))
    assert after["status"] == source.value
    assert after["allowed_next_statuses"] == [s.value for s in manual_next_statuses(source)]


async def test_each_status_is_dated_and_the_days_in_it_are_counted(walk: Walk) -> None:
    claim = await walk.open_claim(walk.team, applied_on=iso(-120), filed=True)
    claim = await walk.step(claim, S.UNDER_VERIFICATION, -100)
    claim = await walk.step(claim, S.FINAL_AWARDED, -40)
    assert [(h["to_status"], h["effective_on"], h["days_in_status"]) for h in claim["history"]] == [
        ("draft", iso(-120), 0),
        ("filed", iso(-120), 20),
        ("under_verification", iso(-100), 60),
        ("final_awarded", iso(-40), 40),
    ]
    assert claim["history"][-1]["amount_inr"] == "₹4,00,000"


async def test_a_change_cannot_predate_the_current_status_or_be_in_the_future(
    walk: Walk, move: Move
) -> None:
    claim = await walk.to(S.UNDER_VERIFICATION)
    early = await move(
        walk.team.lawyer, claim, "final_awarded", amount_paise=LAKH, effective_on=iso(-115)
    )
    assert early.status_code == 422
    assert "when the claim became under verification" in early.json()["message"]
    future = await move(
        walk.team.lawyer, claim, "final_awarded", amount_paise=LAKH, effective_on=iso(2)
    )
    assert future.status_code == 422
    assert future.json()["details"]["fields"] == {"effective_on": "future"}


async def test_a_status_change_with_a_stale_version_is_refused(walk: Walk, move: Move) -> None:
    claim = await walk.to(S.FILED)
    await walk.step(claim, S.UNDER_VERIFICATION, -100)
    stale = await move(walk.team.social_worker, claim, "withdrawn")
    assert stale.status_code == 409
    assert stale.json()["details"]["current"]["status"] == "under_verification"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"rejection_details": REJECTION_WORDS}, "rejection_reason", "Choose the reason"),
        ({"rejection_reason": "trial_not_concluded"}, "rejection_details", "Write what the"),
        (
            {"rejection_reason": "trial_not_concluded", "rejection_details": "  "},
            "rejection_details",
            "Write what the",
        ),
    ],
)
async def test_a_rejection_needs_a_reason_from_the_list_and_the_orders_words(
    walk: Walk, move: Move, body: dict[str, Any], field: str, message: str
) -> None:
    claim = await walk.to(S.FILED)
    response = await move(walk.team.lawyer, claim, "rejected", **body)
    assert response.status_code == 422
    assert response.json()["message"].startswith(message)
    assert field in response.json()["details"]["fields"]


async def test_an_award_needs_its_amount(walk: Walk, move: Move) -> None:
    claim = await walk.to(S.FILED)
    response = await move(walk.team.lawyer, claim, "interim_awarded")
    assert response.status_code == 422
    assert response.json()["message"] == "Enter the amount the order awards."


async def test_a_rejection_is_kept_with_its_reason_and_why_it_can_be_challenged(walk: Walk) -> None:
    claim = await walk.to(S.REJECTED)
    assert claim["rejection_reason"] == "trial_not_concluded"
    assert claim["rejection_reason_label"] == "Trial not concluded"
    assert claim["rejection_details"] == REJECTION_WORDS
    assert "Calcutta High Court" in claim["rejection_contested_by"]
    assert claim["history"][-1]["rejection_reason"] == "trial_not_concluded"
    assert claim["can_appeal"] is True


async def test_a_rejection_appealed_to_the_slsa_then_by_writ_to_the_high_court(
    walk: Walk, move: Move, pay: Pay
) -> None:
    claim = await walk.to(S.REJECTED)
    claim = await walk.appeal(claim, -85, reference="SLSA/APP/44/2025")
    assert claim["status"] == "appealed"
    (slsa,) = claim["appeals"]
    assert (slsa["forum"], slsa["status"], slsa["appealed_from"]) == ("slsa", "filed", "rejected")
    assert claim["allowed_next_statuses"] == []  # nothing until the SLSA decides
    waiting = await move(walk.team.lawyer, claim, "final_awarded", amount_paise=LAKH)
    assert waiting.status_code == 409
    assert waiting.json()["message"].startswith("Record the appeal's decision first")

    claim = await walk.decide(claim, "hearing", -80)
    claim = await walk.decide(claim, "dismissed", -60)
    # The rejection stands again, with its own reason.
    assert claim["status"] == "rejected"
    assert claim["rejection_reason"] == "trial_not_concluded"
    assert claim["appeals"][0]["decided_on"] == iso(-60)

    claim = await walk.appeal(claim, -50, forum="high_court_writ", reference="WPA 1234 of 2025")
    claim = await walk.decide(claim, "allowed", -20)
    assert claim["status"] == "appealed"
    claim = ok(
        await move(
            walk.team.lawyer, claim, "final_awarded", amount_paise=5 * LAKH, effective_on=iso(-10)
        )
    )
    assert claim["final_awarded_paise"] == 5 * LAKH
    assert [a["status"] for a in claim["appeals"]] == ["dismissed", "allowed"]
    statuses = [h["to_status"] for h in claim["history"]]
    assert statuses == [
        "draft",
        "filed",
        "rejected",
        "appealed",
        "rejected",
        "appealed",
        "final_awarded",
    ]


async def test_a_dismissed_appeal_on_the_amount_returns_to_the_payment_status_the_money_shows(
    walk: Walk, pay: Pay
) -> None:
    claim = await walk.to(S.FINAL_AWARDED)
    claim = await walk.appeal(claim, -55, forum="dlsa_chairperson")
    claim = ok(await pay(walk.team.lawyer, claim, 1 * LAKH, paid_on=iso(-50)), 201)
    assert claim["status"] == "appealed"  # paying the award under appeal does not end the appeal
    claim = await walk.decide(claim, "dismissed", -30)
    assert claim["status"] == "partly_disbursed"
    assert claim["pending_paise"] == 3 * LAKH


async def test_only_a_rejection_or_a_final_award_can_be_appealed(walk: Walk) -> None:
    claim = await walk.to(S.UNDER_VERIFICATION)
    response = await walk.client.post(
        f"{CLAIMS}/{claim['id']}/appeals",
        json={"version": claim["version"], "forum": "slsa", "filed_on": iso(0)},
        headers=walk.team.lawyer.headers,
    )
    assert response.status_code == 409
    assert response.json()["message"] == (
        "Only a rejection or a final award can be appealed; this claim is under verification."
    )


async def test_a_decided_appeal_stays_decided(walk: Walk) -> None:
    claim = await walk.to(S.APPEALED)  # its appeal was allowed
    appeal = claim["appeals"][-1]
    response = await walk.client.post(
        f"{CLAIMS}/{claim['id']}/appeals/{appeal['id']}/status",
        json={"version": appeal["version"], "status": "dismissed"},
        headers=walk.team.lawyer.headers,
    )
    assert response.status_code == 409
    assert response.json()["error"] == "illegal_appeal_change"
    assert appeal["allowed_next"] == []


async def test_an_appeal_cannot_be_filed_before_the_decision_it_appeals(walk: Walk) -> None:
    claim = await walk.to(S.REJECTED)  # rejected 90 days ago
    response = await walk.client.post(
        f"{CLAIMS}/{claim['id']}/appeals",
        json={"version": claim["version"], "forum": "slsa", "filed_on": iso(-95)},
        headers=walk.team.lawyer.headers,
    )
    assert response.status_code == 422
    assert response.json()["details"]["fields"] == {"filed_on": "before the decision"}


async def test_an_appeal_of_another_claim_is_not_found_through_this_one(walk: Walk) -> None:
    ours = await walk.to(S.APPEALED)
    other = await walk.to(S.REJECTED)
    response = await walk.client.post(
        f"{CLAIMS}/{other['id']}/appeals/{ours['appeals'][0]['id']}/status",
        json={"version": 1, "status": "hearing"},
        headers=walk.team.lawyer.headers,
    )
    assert response.status_code == 404
