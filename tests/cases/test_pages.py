"""The case pages: who sees what, forms with inline errors, and no identity outside the team."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tafteesh.auth.models import User
from tafteesh.auth.roles import Role
from tests.conftest import MakeUser
from tests.helpers import bearer_for, browser_sign_in, csrf_token

LEGAL_NAME = "Nasima Parveen Hiddenname"
PHONE = "9830098300"


async def _case_with_survivor(
    client: httpx.AsyncClient, lawyer: User, **overrides: Any
) -> dict[str, Any]:
    headers = await bearer_for(client, lawyer)
    body = {
        "reference": f"TAF-P-{uuid.uuid4().hex[:6]}",
        "police_station": "Basirhat PS",
        "fir_district": "North 24 Parganas",
        "fir_state": "West Bengal",
        "fir_number": "77",
        "fir_year": 2024,
        "fir_date": "2024-08-02",
        "charges": [{"act": "BNS", "section": "143(4)"}],
        **overrides,
    }
    case = (await client.post("/api/v1/cases", json=body, headers=headers)).json()
    response = await client.post(
        f"/api/v1/cases/{case['id']}/survivors",
        json={"pseudonym": "Sahana", "legal_name": LEGAL_NAME, "phone": PHONE},
        headers=headers,
    )
    assert response.status_code == 201
    client.cookies.clear()
    return case


TABS = ("", "/people", "/timeline", "/clocks")


async def test_team_lawyer_sees_identity_on_the_people_tab(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    lawyer = await make_user(Role.LAWYER)
    case = await _case_with_survivor(client, lawyer)
    await browser_sign_in(client, lawyer)
    people = await client.get(f"/cases/{case['id']}/people")
    assert people.status_code == 200
    assert LEGAL_NAME in people.text
    assert PHONE in people.text
    assert "<title>Case " in people.text
    assert LEGAL_NAME not in people.text.split("</title>")[0]


@pytest.mark.parametrize("role", [Role.CONSORTIUM_LEAD, Role.ADMIN])
async def test_readers_of_all_cases_see_pseudonyms_only(
    client: httpx.AsyncClient, make_user: MakeUser, role: Role
) -> None:
    lawyer = await make_user(Role.LAWYER)
    case = await _case_with_survivor(client, lawyer)
    reader = await make_user(role)
    await browser_sign_in(client, reader)
    listing = await client.get("/cases", params={"q": "Sahana"})
    assert case["reference"] in listing.text
    for tab in TABS:
        page = await client.get(f"/cases/{case['id']}{tab}")
        assert page.status_code == 200, tab
        assert LEGAL_NAME not in page.text
        assert PHONE not in page.text
    people = await client.get(f"/cases/{case['id']}/people")
    assert "Sahana" in people.text
    assert "Add a survivor" not in people.text  # they read, they do not edit
    assert "Change stage" not in (await client.get(f"/cases/{case['id']}")).text


@pytest.mark.parametrize(
    "role", [Role.LAWYER, Role.SOCIAL_WORKER, Role.SURVIVOR_LEADER, Role.SURVIVOR]
)
async def test_outsiders_get_404_on_every_tab_and_an_empty_list(
    client: httpx.AsyncClient, make_user: MakeUser, role: Role
) -> None:
    lawyer = await make_user(Role.LAWYER)
    case = await _case_with_survivor(client, lawyer)
    outsider = await make_user(role)
    await browser_sign_in(client, outsider)
    for tab in (*TABS, "/edit"):
        page = await client.get(f"/cases/{case['id']}{tab}")
        assert page.status_code == 404, tab
        assert LEGAL_NAME not in page.text
    listing = await client.get("/cases")
    assert case["reference"] not in listing.text
    token = await csrf_token(client)
    refused = await client.post(
        f"/cases/{case['id']}/survivors",
        data={"csrf_token": token, "pseudonym": "X", "legal_name": "Y"},
    )
    assert refused.status_code == 404


async def test_case_survivor_sees_plain_language_timeline_without_team_notes(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    lawyer = await make_user(Role.LAWYER)
    survivor_user = await make_user(Role.SURVIVOR)
    headers = await bearer_for(client, lawyer)
    case = (
        await client.post(
            "/api/v1/cases",
            json={
                "reference": "TAF-SV-1",
                "police_station": "Canning PS",
                "fir_district": "South 24 Parganas",
                "fir_state": "West Bengal",
                "fir_number": "5",
                "fir_year": 2025,
                "fir_date": "2025-01-02",
            },
            headers=headers,
        )
    ).json()
    await client.post(
        f"/api/v1/cases/{case['id']}/survivors",
        json={"pseudonym": "Rupa", "legal_name": LEGAL_NAME, "user_id": str(survivor_user.id)},
        headers=headers,
    )
    await client.post(
        f"/api/v1/cases/{case['id']}/stage",
        json={
            "version": 1,
            "stage": "under_investigation",
            "effective_on": "2025-01-03",
            "note": "IO Sk. Alam promised the seizure list",
        },
        headers=headers,
    )
    client.cookies.clear()
    await browser_sign_in(client, survivor_user)
    timeline = await client.get(f"/cases/{case['id']}/timeline")
    assert timeline.status_code == 200
    assert "The police are investigating your case." in timeline.text
    assert "IO Sk. Alam" not in timeline.text  # a team-only note
    assert "Survivor Rupa added" not in timeline.text  # a team-only event
    people = await client.get(f"/cases/{case['id']}/people")
    assert LEGAL_NAME not in people.text


async def test_open_case_form_shows_errors_inline_and_keeps_values(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    lawyer = await make_user(Role.LAWYER)
    await browser_sign_in(client, lawyer)
    response = await client.post(
        "/cases/new",
        data={
            "csrf_token": await csrf_token(client),
            "reference": "TAF-FORM-1",
            "police_station": "",
            "fir_district": "Kolkata",
            "fir_state": "West Bengal",
            "fir_number": "9",
            "fir_year": "2025",
            "fir_date": "2025-02-01",
            "cnr": "WB12",
            "other_charges": "IPC 370",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<form id="case-form"')  # only the form is swapped
    assert 'id="police_station-error"' in response.text
    assert "4 capital letters and 12 digits" in response.text
    assert 'value="TAF-FORM-1"' in response.text


async def test_open_case_form_refuses_a_section_of_the_other_regime(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    lawyer = await make_user(Role.LAWYER)
    await browser_sign_in(client, lawyer)
    response = await client.post(
        "/cases/new",
        data={
            "csrf_token": await csrf_token(client),
            "reference": "TAF-FORM-2",
            "police_station": "Canning PS",
            "fir_district": "South 24 Parganas",
            "fir_state": "West Bengal",
            "fir_number": "9",
            "fir_year": "2025",
            "fir_date": "2025-02-01",
            "charge": ["IPC 370"],
        },
    )
    assert response.status_code == 422
    assert "old codes" in response.text


async def test_illegal_stage_change_names_the_stages_allowed_next(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    lawyer = await make_user(Role.LAWYER)
    case = await _case_with_survivor(client, lawyer)
    await browser_sign_in(client, lawyer)
    response = await client.post(
        f"/cases/{case['id']}/stage",
        data={"csrf_token": await csrf_token(client), "version": "1", "stage": "convicted"},
    )
    assert response.status_code == 409
    assert "can move to: Under investigation" in response.text


async def test_stale_edit_shows_the_current_values(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    lawyer = await make_user(Role.LAWYER)
    case = await _case_with_survivor(client, lawyer)
    headers = await bearer_for(client, lawyer)
    await client.patch(
        f"/api/v1/cases/{case['id']}", json={"version": 1, "judge": "Smt. A. Roy"}, headers=headers
    )
    client.cookies.clear()
    await browser_sign_in(client, lawyer)
    form = {
        "csrf_token": await csrf_token(client),
        "version": "1",
        "reference": case["reference"],
        "police_station": "Basirhat PS",
        "fir_district": "North 24 Parganas",
        "fir_state": "West Bengal",
        "fir_number": "77",
        "fir_year": "2024",
        "fir_date": "2024-08-02",
        "judge": "Sri B. Sen",
        "charge": ["BNS 143(4)"],
    }
    response = await client.post(f"/cases/{case['id']}/edit", data=form)
    assert response.status_code == 409
    assert "changed by someone else" in response.text
    assert 'value="Smt. A. Roy"' in response.text  # the saved value is shown, not lost


async def test_consent_is_recorded_and_withdrawn_from_the_people_tab(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    lawyer = await make_user(Role.LAWYER)
    case = await _case_with_survivor(client, lawyer)
    survivor = (
        await client.get(
            f"/api/v1/cases/{case['id']}/survivors", headers=await bearer_for(client, lawyer)
        )
    ).json()[0]
    client.cookies.clear()
    await browser_sign_in(client, lawyer)
    base = f"/cases/{case['id']}/survivors/{survivor['id']}/consent"
    token = await csrf_token(client)
    recorded = await client.post(
        base, data={"csrf_token": token, "version": "1", "leader_consent_on": "2024-09-01"}
    )
    assert recorded.status_code == 303
    people = await client.get(f"/cases/{case['id']}/people")
    assert "Agreed to a survivor leader's support on 01 Sep 2024" in people.text
    assert "Withdraw her consent" in people.text
    assert 'hx-confirm="Withdraw Sahana' in people.text  # asked before it is done

    stale = await client.post(f"{base}/withdraw", data={"csrf_token": token, "version": "1"})
    assert stale.status_code == 409
    assert "Withdraw her consent" in stale.text  # the tab again, with the message beside it
    withdrawn = await client.post(f"{base}/withdraw", data={"csrf_token": token, "version": "2"})
    assert withdrawn.status_code == 303
    people = await client.get(f"/cases/{case['id']}/people")
    assert "Agreed to a survivor leader" not in people.text
    assert "Record her consent" in people.text


async def test_overview_lists_charges_in_order_and_stage_history_newest_first(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    # One statement reads both lists (cases/views.case_overview): their order and contents
    # must be what the two reads gave.
    lawyer = await make_user(Role.LAWYER)
    case = await _case_with_survivor(
        client,
        lawyer,
        charges=[{"act": "BNS", "section": "143(4)"}, {"act": "ITPA", "section": "5"}],
    )
    headers = await bearer_for(client, lawyer)
    moved = await client.post(
        f"/api/v1/cases/{case['id']}/stage",
        json={"version": 1, "stage": "under_investigation", "effective_on": "2024-08-10",
              "note": "IO appointed"},
        headers=headers,
    )  # fmt: skip
    assert moved.status_code == 200, moved.text
    client.cookies.clear()
    await browser_sign_in(client, lawyer)

    page = (await client.get(f"/cases/{case['id']}")).text

    charges = page.split("<dt>Charges</dt>", 1)[1].split("</dd>", 1)[0]
    assert charges.index("BNS 143(4)") < charges.index("ITPA 5")
    history = page.split("<h2>Stage history</h2>", 1)[1].split("</ol>", 1)[0]
    assert history.count("<li>") == 2
    assert history.index("Under investigation</strong> on 10 Aug 2024: IO appointed") < (
        history.index("FIR registered</strong> on 02 Aug 2024")
    )


async def test_overview_of_a_case_without_charges_says_so(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    lawyer = await make_user(Role.LAWYER)
    case = await _case_with_survivor(client, lawyer, charges=[])
    await browser_sign_in(client, lawyer)

    page = (await client.get(f"/cases/{case['id']}")).text

    assert "<dt>Charges</dt><dd>None recorded</dd>" in page
    assert page.split("<h2>Stage history</h2>", 1)[1].split("</ol>", 1)[0].count("<li>") == 1
