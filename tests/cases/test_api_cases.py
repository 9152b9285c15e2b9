"""Opening and changing a case over the API: validation, legal regime, optimistic concurrency,
the case list's filters and its keyset pagination."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth.roles import Role
from tafteesh.cases.models import Case
from tests.cases.conftest import (
    CASES,
    Actor,
    AddAccused,
    AddSurvivor,
    AssignToTeam,
    MakeActor,
    MakeCase,
    new_codes_case,
    old_codes_case,
)
from tests.conftest import MakeOrganisation


async def case_count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Case)) or 0)


async def listed(client: httpx.AsyncClient, actor: Actor, **params: Any) -> list[str]:
    """References of the cases the list shows with these filters, all pages, in order."""
    references: list[str] = []
    cursor = None
    while True:
        query = {**params, "limit": 100, **({"cursor": cursor} if cursor else {})}
        response = await client.get(CASES, params=query, headers=actor.headers)
        assert response.status_code == 200, response.text
        references += [item["reference"] for item in response.json()["items"]]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return references


# -- opening a case --------------------------------------------------------------------------


async def test_open_case_records_it_and_puts_its_creator_on_the_team(
    client: httpx.AsyncClient, make_actor: MakeActor
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    body = new_codes_case(cnr="wbsp010012342024", judge="Sri Arup Basu")
    response = await client.post(CASES, json=body, headers=lawyer.headers)

    assert response.status_code == 201
    case = response.json()
    assert case["reference"] == body["reference"]
    assert case["cnr"] == "WBSP010012342024"  # stored the way eCourts prints it
    assert case["regime"] == "new_codes"
    assert case["stage"] == "fir_registered"
    assert case["stage_since"] == "2024-09-12"
    assert case["version"] == 1
    assert case["owning_organisation_id"] == str(lawyer.user.organisation_id)
    assert [c["citation"] for c in case["charges"]] == ["BNS 143(4)", "ITPA 5"]
    team = await client.get(f"{CASES}/{case['id']}/team", headers=lawyer.headers)
    assert [(m["user_id"], m["team_role"]) for m in team.json()] == [(lawyer.id, "lawyer")]
    history = await client.get(f"{CASES}/{case['id']}/stage-history", headers=lawyer.headers)
    assert [(h["from_stage"], h["to_stage"]) for h in history.json()] == [(None, "fir_registered")]


def _in_days(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (new_codes_case(cnr="WB123"), "cnr", "A CNR is 4 capital letters and 12 digits"),
        (
            new_codes_case(fir_date=_in_days(3), fir_year=int(_in_days(3)[:4])),
            "fir_date",
            "The FIR date cannot be in the future.",
        ),
        (
            new_codes_case(fir_year=2023),
            "fir_year",
            "The FIR year 2023 does not match the FIR date (12 Sep 2024).",
        ),
        (
            new_codes_case(charges=[{"act": "BNS", "section": "999"}]),
            "charges",
            "BNS 999 is not in the sections catalogue",
        ),
        (
            new_codes_case(charges=[{"act": "IPC", "section": "370"}]),
            "charges",
            "IPC 370 belongs to the old codes, but this case is under the New codes",
        ),
        (
            old_codes_case(charges=[{"act": "BNS", "section": "143"}]),
            "charges",
            "BNS 143 belongs to the new codes, but this case is under the Old codes",
        ),
        (new_codes_case(stage_since="2024-09-01"), "stage_since", "between the FIR date"),
        (new_codes_case(fir_year=1949), "fir_year", "greater than or equal to 1950"),
    ],
    ids=[
        "bad-cnr",
        "future-fir",
        "fir-year-mismatch",
        "unknown-section",
        "ipc-on-new-codes",
        "bns-on-old-codes",
        "stage-before-fir",
        "fir-year-range",
    ],
)
async def test_invalid_case_is_a_422_naming_the_field(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_actor: MakeActor,
    body: dict[str, Any],
    field: str,
    message: str,
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    before = await case_count(session)
    response = await client.post(CASES, json=body, headers=lawyer.headers)
    assert response.status_code == 422, response.text
    assert field in response.json()["details"]["fields"]
    assert message in response.json()["message"]
    assert await case_count(session) == before


async def test_duplicate_reference_or_cnr_is_a_409(
    client: httpx.AsyncClient, session: AsyncSession, make_actor: MakeActor, make_case: MakeCase
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    first = await make_case(lawyer, cnr="WBSP010012342024")
    before = await case_count(session)

    same_reference = await client.post(
        CASES, json=new_codes_case(reference=first["reference"].lower()), headers=lawyer.headers
    )
    assert same_reference.status_code == 409
    assert same_reference.json()["details"]["fields"] == {"reference": "already in use"}
    same_cnr = await client.post(
        CASES, json=new_codes_case(cnr="WBSP010012342024"), headers=lawyer.headers
    )
    assert same_cnr.status_code == 409
    assert await case_count(session) == before


@pytest.mark.parametrize(
    "charges",
    [
        None,
        # Reading the charges again must not flush the changed reference before the service
        # can turn the clash into a 409 (a 500 when a statement on the driver flushed it).
        [{"act": "BNS", "section": "143(4)"}],
    ],
    ids=["reference only", "with charges"],
)
async def test_patch_refuses_a_reference_another_case_has_in_other_letter_case(
    client: httpx.AsyncClient,
    make_actor: MakeActor,
    make_case: MakeCase,
    charges: list[dict[str, str]] | None,
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    await make_case(lawyer, reference="SV-WB-2024-0211")
    case = await make_case(lawyer, reference="SV-WB-2024-0300")
    response = await client.patch(
        f"{CASES}/{case['id']}",
        json={"version": 1, "reference": "sv-wb-2024-0211"}
        | ({"charges": charges} if charges else {}),
        headers=lawyer.headers,
    )
    assert response.status_code == 409
    after = await client.get(f"{CASES}/{case['id']}", headers=lawyer.headers)
    assert after.json()["reference"] == "SV-WB-2024-0300"


async def test_unknown_owning_organisation_is_a_422_naming_it(
    client: httpx.AsyncClient, make_actor: MakeActor
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    response = await client.post(
        CASES, json=new_codes_case(owning_organisation_id=str(uuid.uuid4())), headers=lawyer.headers
    )
    assert response.status_code == 422
    assert "owning_organisation_id" in response.json()["details"]["fields"]


@pytest.mark.parametrize(
    ("fir_date", "charges", "regime"),
    [
        ("2024-06-30", [{"act": "IPC", "section": "370"}, {"act": "ITPA", "section": "5"}], "old"),
        ("2024-07-01", [{"act": "BNS", "section": "143"}, {"act": "ITPA", "section": "5"}], "new"),
    ],
)
async def test_regime_defaults_from_the_fir_date(
    client: httpx.AsyncClient,
    make_actor: MakeActor,
    fir_date: str,
    charges: list[dict[str, str]],
    regime: str,
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    body = new_codes_case(fir_date=fir_date, fir_year=2024, charges=charges)
    response = await client.post(CASES, json=body, headers=lawyer.headers)
    assert response.status_code == 201, response.text
    assert response.json()["regime"] == f"{regime}_codes"


async def test_regime_can_be_set_for_an_offence_before_the_new_codes(
    client: httpx.AsyncClient, make_actor: MakeActor
) -> None:
    """An offence of June 2024 reported in August is still punished under the IPC."""
    lawyer = await make_actor(Role.LAWYER)
    body = new_codes_case(
        fir_date="2024-08-02",
        regime="old_codes",
        charges=[{"act": "IPC", "section": "370"}, {"act": "ITPA", "section": "5"}],
    )
    response = await client.post(CASES, json=body, headers=lawyer.headers)
    assert response.status_code == 201, response.text
    assert response.json()["regime"] == "old_codes"
    assert response.json()["charges"][0]["citation"] == "IPC 370"


# -- changing a case -----------------------------------------------------------------------------


async def test_stale_patch_is_a_409_with_the_current_values(
    client: httpx.AsyncClient,
    make_actor: MakeActor,
    make_case: MakeCase,
    assign_to_team: AssignToTeam,
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    social_worker = await make_actor(Role.SOCIAL_WORKER)
    lead = await make_actor(Role.CONSORTIUM_LEAD)
    case = await make_case(lawyer)
    await assign_to_team(lead, case, social_worker)
    url = f"{CASES}/{case['id']}"

    first = await client.patch(
        url, json={"version": 1, "judge": "Sri Arup Basu"}, headers=lawyer.headers
    )
    assert first.status_code == 200
    assert first.json()["version"] == 2
    second = await client.patch(
        url, json={"version": 1, "judge": "Smt. Rina Pal"}, headers=social_worker.headers
    )
    assert second.status_code == 409
    body = second.json()
    assert body["error"] == "stale_version"
    assert body["details"]["current"]["judge"] == "Sri Arup Basu"
    assert body["details"]["current"]["version"] == 2
    assert (await client.get(url, headers=lawyer.headers)).json()["judge"] == "Sri Arup Basu"


async def test_stale_stage_change_is_a_409_with_the_current_values(
    client: httpx.AsyncClient, make_actor: MakeActor, make_case: MakeCase
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    case = await make_case(lawyer)
    url = f"{CASES}/{case['id']}"
    moved = await client.post(
        f"{url}/stage", json={"version": 1, "stage": "under_investigation"}, headers=lawyer.headers
    )
    assert moved.status_code == 200
    stale = await client.post(
        f"{url}/stage", json={"version": 1, "stage": "transferred"}, headers=lawyer.headers
    )
    assert stale.status_code == 409
    assert stale.json()["error"] == "stale_version"
    assert stale.json()["details"]["current"]["stage"] == "under_investigation"
    assert stale.json()["details"]["current"]["version"] == 2
    assert (await client.get(url, headers=lawyer.headers)).json()["stage"] == "under_investigation"


async def test_adding_parts_does_not_make_an_open_edit_stale(
    client: httpx.AsyncClient,
    make_actor: MakeActor,
    make_case: MakeCase,
    add_accused: AddAccused,
    add_survivor: AddSurvivor,
    assign_to_team: AssignToTeam,
) -> None:
    """A colleague adding an accused while the lawyer edits the court details must not cost the
    lawyer her edit: parts of a case are not its record."""
    lawyer = await make_actor(Role.LAWYER)
    social_worker = await make_actor(Role.SOCIAL_WORKER)
    lead = await make_actor(Role.CONSORTIUM_LEAD)
    case = await make_case(lawyer)
    await add_accused(lawyer, case, status="judicial_custody")
    await add_survivor(lawyer, case)
    await assign_to_team(lead, case, social_worker)
    response = await client.patch(
        f"{CASES}/{case['id']}",
        json={"version": case["version"], "court_number": "Court No. 3"},
        headers=lawyer.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["court_number"] == "Court No. 3"


async def test_patch_changes_fields_and_charges(
    client: httpx.AsyncClient, make_actor: MakeActor, make_case: MakeCase
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    case = await make_case(lawyer)
    response = await client.patch(
        f"{CASES}/{case['id']}",
        json={
            "version": 1,
            "cnr": "WBSP010012342024",
            "charges": [{"act": "BNS", "section": "143(2)"}, {"act": "ITPA", "section": "4"}],
        },
        headers=lawyer.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["cnr"] == "WBSP010012342024"
    assert [c["citation"] for c in response.json()["charges"]] == ["BNS 143(2)", "ITPA 4"]


async def test_patch_refuses_ipc_charges_on_a_new_codes_case(
    client: httpx.AsyncClient, make_actor: MakeActor, make_case: MakeCase
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    case = await make_case(lawyer)
    response = await client.patch(
        f"{CASES}/{case['id']}",
        json={"version": 1, "charges": [{"act": "IPC", "section": "370"}]},
        headers=lawyer.headers,
    )
    assert response.status_code == 422
    assert "IPC 370" in response.json()["message"]
    after = await client.get(f"{CASES}/{case['id']}", headers=lawyer.headers)
    assert [c["citation"] for c in after.json()["charges"]] == ["BNS 143(4)", "ITPA 5"]
    assert after.json()["version"] == 1


async def test_patch_refuses_an_fir_year_that_contradicts_the_fir_date(
    client: httpx.AsyncClient, make_actor: MakeActor, make_case: MakeCase
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    case = await make_case(lawyer)
    response = await client.patch(
        f"{CASES}/{case['id']}", json={"version": 1, "fir_year": 2023}, headers=lawyer.headers
    )
    assert response.status_code == 422
    assert "fir_year" in response.json()["details"]["fields"]


async def test_patch_refuses_an_fir_date_after_the_current_stage_began(
    client: httpx.AsyncClient, make_actor: MakeActor, make_case: MakeCase
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    case = await make_case(lawyer)
    url = f"{CASES}/{case['id']}"
    moved = await client.post(
        f"{url}/stage",
        json={"version": 1, "stage": "under_investigation", "effective_on": "2024-09-20"},
        headers=lawyer.headers,
    )
    assert moved.status_code == 200
    response = await client.patch(
        url, json={"version": 2, "fir_date": "2024-10-01"}, headers=lawyer.headers
    )
    assert response.status_code == 422
    assert "fir_date" in response.json()["details"]["fields"]


# -- the case list -------------------------------------------------------------------------------


async def test_list_filters(
    client: httpx.AsyncClient,
    make_actor: MakeActor,
    make_case: MakeCase,
    add_survivor: AddSurvivor,
    make_organisation: MakeOrganisation,
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    stranger = await make_actor(Role.LAWYER, display_name="Adv. Other Firm")
    partner = await make_organisation(name=f"Rescue Foundation Mumbai {uuid.uuid4().hex[:4]}")
    canning = await make_case(
        lawyer, reference="CAN-2024-0211", fir_number="211", cnr="WBSP010012342024"
    )
    mumbai = await make_case(lawyer, old_codes=True, reference="MUM-2023-0087")
    partners = await make_case(
        lawyer,
        reference="MUM-2024-0330",
        fir_number="330",
        fir_district="Mumbai City",
        court_establishment="Sessions Court for Greater Mumbai at Dindoshi",
        owning_organisation_id=str(partner.id),
    )
    # Same district as "canning", but not this lawyer's: filters never widen what one sees.
    await make_case(stranger, reference="CAN-2024-0999", fir_number="999")
    await add_survivor(lawyer, mumbai, pseudonym="Jharna")
    await client.post(
        f"{CASES}/{canning['id']}/stage",
        json={"version": 1, "stage": "under_investigation"},
        headers=lawyer.headers,
    )
    all_mine = {"CAN-2024-0211", "MUM-2023-0087", "MUM-2024-0330"}

    assert set(await listed(client, lawyer)) == all_mine
    assert await listed(client, lawyer, stage="under_investigation") == ["CAN-2024-0211"]
    assert await listed(client, lawyer, district="south 24 PARGANAS") == ["CAN-2024-0211"]
    assert set(await listed(client, lawyer, district="Mumbai City")) == {
        "MUM-2023-0087",
        "MUM-2024-0330",
    }
    assert await listed(client, lawyer, court="DINDOSHI") == ["MUM-2024-0330"]
    assert await listed(client, lawyer, organisation_id=str(partner.id)) == ["MUM-2024-0330"]
    assert await listed(client, lawyer, q="can-2024") == ["CAN-2024-0211"]
    assert await listed(client, lawyer, q="330") == ["MUM-2024-0330"]  # FIR number
    assert await listed(client, lawyer, q="wbsp01001234") == ["CAN-2024-0211"]  # CNR
    assert await listed(client, lawyer, q="jharna") == ["MUM-2023-0087"]  # pseudonym
    assert await listed(client, lawyer, q="%") == []  # a wildcard is a character, not "all"
    assert await listed(client, lawyer, q="0999") == []
    assert await listed(client, lawyer, stage="under_investigation", district="Mumbai City") == []
    assert partners["owning_organisation"] == partner.name


async def test_list_pages_through_every_case_once(
    client: httpx.AsyncClient, make_actor: MakeActor, make_case: MakeCase, add_accused: AddAccused
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    cases = [await make_case(lawyer) for _ in range(7)]
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        response = await client.get(CASES, params=params, headers=lawyer.headers)
        assert response.status_code == 200
        page = response.json()
        assert len(page["items"]) <= 3
        seen += [item["id"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert len(seen) == len(set(seen)) == 7
    assert set(seen) == {c["id"] for c in cases}

    # A change moves a case to the top of "recently changed".
    await add_accused(lawyer, cases[3])
    first = await client.get(CASES, params={"limit": 1}, headers=lawyer.headers)
    assert first.json()["items"][0]["id"] == cases[3]["id"]


async def test_bad_cursor_is_a_422(client: httpx.AsyncClient, make_actor: MakeActor) -> None:
    lawyer = await make_actor(Role.LAWYER)
    response = await client.get(CASES, params={"cursor": "yesterday_xyz"}, headers=lawyer.headers)
    assert response.status_code == 422
    assert response.json()["message"] == "The page cursor is not valid; start from the first page."
