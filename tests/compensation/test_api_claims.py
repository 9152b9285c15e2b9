"""Opening and changing a claim: its scheme, authority, heads with their bands, amounts in
paise, the document checklist, optimistic versions, and a timeline event and audit row with
every write."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.audit.models import AuditEvent
from tafteesh.auth.roles import Role
from tafteesh.cases.models import TimelineEvent
from tafteesh.compensation.models import CompensationClaim
from tests.compensation.conftest import (
    API,
    CASES,
    CLAIMS,
    LAKH,
    RUPEE,
    MakeActor,
    MakeTeam,
    OpenClaim,
    claim_body,
    count,
    iso,
    ok,
    timeline_events,
)


async def test_a_claim_opens_as_a_draft_with_its_heads_bands_and_amounts(
    make_team: MakeTeam, open_claim: OpenClaim
) -> None:
    team = await make_team()
    claim = await open_claim(team)
    assert claim["status"] == "draft"
    assert claim["survivor_pseudonym"] == "Meghna"
    assert claim["authority_label"] == "DLSA South 24 Parganas"
    assert claim["claimed_paise"] == 7 * LAKH
    assert claim["claimed_inr"] == "₹7,00,000"
    rape, injury = claim["heads"]
    assert (rape["head"], rape["min_paise"], rape["max_paise"]) == ("rape", 4 * LAKH, 7 * LAKH)
    assert rape["band"] == "₹4,00,000 to ₹7,00,000"
    assert injury["band"] == "₹1,00,000 to ₹2,00,000"
    assert [d["document"] for d in claim["documents"] if d["submitted"]] == [
        "fir_copy",
        "medical_report",
    ]
    assert len(claim["documents"]) == 6
    assert claim["awarded_paise"] == claim["pending_paise"] == 0
    assert claim["clocks"] == []  # nothing runs until the claim reaches the authority
    assert [h["to_status"] for h in claim["history"]] == ["draft"]


async def test_a_minor_gets_the_schedules_fifty_percent_uplift(
    make_team: MakeTeam, open_claim: OpenClaim
) -> None:
    team = await make_team()
    claim = await open_claim(team, minor=True, heads=["rape"])
    (rape,) = claim["heads"]
    assert (rape["min_paise"], rape["max_paise"]) == (6 * LAKH, 1_050_000 * RUPEE)
    assert rape["minor_uplift_applied"] is True


async def test_a_west_bengal_head_marked_unconfirmed_says_so(
    make_team: MakeTeam, open_claim: OpenClaim
) -> None:
    team = await make_team()
    claim = await open_claim(
        team,
        scheme="west_bengal_2017",
        heads=["rehabilitation of victim of human trafficking"],
    )
    (head,) = claim["heads"]
    assert head["band"] == "at least ₹1,00,000"
    assert head["unconfirmed"] is True


async def test_a_scheme_without_a_schedule_takes_heads_as_written(
    make_team: MakeTeam, open_claim: OpenClaim
) -> None:
    team = await make_team()
    claim = await open_claim(
        team,
        scheme="other_state_scheme",
        scheme_name="Maharashtra Manodhairya Scheme",
        authority_kind="slsa",
        authority_state="Maharashtra",
        heads=["trafficking for commercial sexual exploitation"],
    )
    assert claim["scheme_label"] == "Maharashtra Manodhairya Scheme"
    assert claim["authority_label"] == "SLSA Maharashtra"
    assert claim["heads"][0]["band"] == "no band in the schedule"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"heads": ["broken heart"]}, "heads", "The NALSA scheme for women victims, 2018"),
        ({"authority_district": None}, "authority_district", "Enter the DLSA's district."),
        ({"authority_kind": "court"}, "court_name", "Enter the court that decides"),
        ({"scheme": "other_state_scheme"}, "scheme_name", "Name the state's scheme."),
        ({"applied_on": "2024-01-01"}, "applied_on", "cannot be before the FIR (12 Sep 2024)"),
        ({"applied_on": iso(1)}, "applied_on", "cannot be in the future"),
    ],
)
async def test_a_claim_that_does_not_fit_together_is_refused_with_the_field_named(
    client: httpx.AsyncClient,
    make_team: MakeTeam,
    overrides: dict[str, object],
    field: str,
    message: str,
) -> None:
    team = await make_team()
    response = await client.post(
        f"{CASES}/{team.case_id}/compensation-claims",
        json=claim_body(team, **overrides),
        headers=team.lawyer.headers,
    )
    assert response.status_code == 422, response.text
    assert message in response.json()["message"]
    assert field in response.json()["details"]["fields"]


@pytest.mark.parametrize("amount", [700000.0, "7,00,000", 1.5, -100])
async def test_amounts_are_whole_paise_never_floats_or_text(
    client: httpx.AsyncClient, make_team: MakeTeam, amount: object
) -> None:
    team = await make_team()
    response = await client.post(
        f"{CASES}/{team.case_id}/compensation-claims",
        json=claim_body(team, claimed_paise=amount),
        headers=team.lawyer.headers,
    )
    assert response.status_code == 422
    assert "claimed_paise" in response.json()["details"]["fields"]


async def test_a_claim_names_a_survivor_of_its_own_case(
    client: httpx.AsyncClient, make_team: MakeTeam
) -> None:
    ours, theirs = await make_team(), await make_team()
    response = await client.post(
        f"{CASES}/{ours.case_id}/compensation-claims",
        json=claim_body(ours, survivor_id=theirs.survivor_id),
        headers=ours.lawyer.headers,
    )
    assert response.status_code == 422
    assert response.json()["message"] == "Choose a survivor on this case."


async def test_changing_a_claim_needs_its_current_version(
    client: httpx.AsyncClient, make_team: MakeTeam, open_claim: OpenClaim
) -> None:
    team = await make_team()
    claim = await open_claim(team)
    first = ok(
        await client.patch(
            f"{CLAIMS}/{claim['id']}",
            json={"version": claim["version"], "claimed_paise": 9 * LAKH, "heads": ["gang rape"]},
            headers=team.lawyer.headers,
        )
    )
    assert first["version"] > claim["version"]
    assert [h["head"] for h in first["heads"]] == ["gang rape"]
    stale = await client.patch(
        f"{CLAIMS}/{claim['id']}",
        json={"version": claim["version"], "claimed_paise": 5 * LAKH},
        headers=team.social_worker.headers,
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["error"] == "stale_version"
    assert body["details"]["current"]["claimed_paise"] == 9 * LAKH
    assert body["details"]["current"]["version"] == first["version"]


async def test_changing_only_the_heads_still_moves_the_version(
    client: httpx.AsyncClient, make_team: MakeTeam, open_claim: OpenClaim
) -> None:
    team = await make_team()
    claim = await open_claim(team)
    changed = ok(
        await client.patch(
            f"{CLAIMS}/{claim['id']}",
            json={"version": claim["version"], "heads": ["rape"]},
            headers=team.lawyer.headers,
        )
    )
    assert changed["version"] == claim["version"] + 1


async def test_a_patch_that_changes_nothing_keeps_the_version_and_writes_no_event(
    client: httpx.AsyncClient, session: AsyncSession, make_team: MakeTeam, open_claim: OpenClaim
) -> None:
    team = await make_team()
    claim = await open_claim(team)
    before = await count(session, TimelineEvent)
    same = ok(
        await client.patch(
            f"{CLAIMS}/{claim['id']}",
            json={"version": claim["version"], "claimed_paise": 7 * LAKH},
            headers=team.lawyer.headers,
        )
    )
    assert same["version"] == claim["version"]
    assert await count(session, TimelineEvent) == before


async def test_every_write_leaves_a_timeline_event_and_an_audit_row(
    client: httpx.AsyncClient, session: AsyncSession, make_team: MakeTeam, open_claim: OpenClaim
) -> None:
    team = await make_team()
    claim = await open_claim(team)
    await client.patch(
        f"{CLAIMS}/{claim['id']}",
        json={"version": claim["version"], "application_reference": "DLSA/S24/VC/118/2025"},
        headers=team.lawyer.headers,
    )
    kinds = [e.kind for e in await timeline_events(session, team.case_id)]
    assert kinds[-2:] == ["compensation.claim_opened", "compensation.claim_changed"]
    for action in ("compensation.create", "compensation.update"):
        assert await count(session, AuditEvent, action=action, object_id=claim["id"]) == 1


async def test_a_refused_write_leaves_nothing_behind(
    client: httpx.AsyncClient, session: AsyncSession, make_team: MakeTeam
) -> None:
    team = await make_team()
    events = await count(session, TimelineEvent)
    response = await client.post(
        f"{CASES}/{team.case_id}/compensation-claims",
        json=claim_body(team, heads=["rape", "not a head"]),
        headers=team.lawyer.headers,
    )
    assert response.status_code == 422
    assert await count(session, CompensationClaim) == 0
    assert await count(session, TimelineEvent) == events


async def test_a_claim_entered_after_filing_starts_filed_on_its_date(
    make_team: MakeTeam, open_claim: OpenClaim
) -> None:
    team = await make_team()
    claim = await open_claim(team, applied_on="2025-03-03", filed=True)
    assert claim["status"] == "filed"
    assert claim["status_since"] == "2025-03-03"
    assert [(h["to_status"], h["effective_on"]) for h in claim["history"]] == [
        ("draft", "2025-03-03"),
        ("filed", "2025-03-03"),
    ]


async def test_the_schemes_and_their_heads_are_listed_for_api_clients(
    client: httpx.AsyncClient, make_actor: MakeActor
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    response = await client.get(f"{API}/compensation-schemes", headers=lawyer.headers)
    assert response.status_code == 200
    schemes = {s["scheme"]: s for s in response.json()}
    nalsa = {h["head"]: h for h in schemes["nalsa_2018_women_victims"]["heads"]}
    assert nalsa["gang rape"]["max_paise"] == 10 * LAKH
    assert schemes["other_state_scheme"]["heads"] == []
