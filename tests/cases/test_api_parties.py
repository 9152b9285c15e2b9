"""The people in a case over the API: survivors (pseudonym and sealed identity) and the accused,
whose repeat appearances across cases are counted without showing the other cases."""

from __future__ import annotations

import httpx

from tafteesh.auth.roles import Role
from tests.cases.conftest import (
    CASES,
    SURVIVOR_LEGAL_NAME,
    SURVIVOR_PHONE,
    AddAccused,
    AddSurvivor,
    MakeActor,
    MakeCase,
    days_ago,
    survivor_body,
)

# -- survivors -----------------------------------------------------------------------------------


async def test_survivor_is_added_with_her_identity_for_her_team(
    client: httpx.AsyncClient, make_actor: MakeActor, make_case: MakeCase
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    case = await make_case(lawyer)
    response = await client.post(
        f"{CASES}/{case['id']}/survivors",
        json=survivor_body(age_at_offence=15),
        headers=lawyer.headers,
    )
    assert response.status_code == 201, response.text
    survivor = response.json()
    assert survivor["pseudonym"] == "Meghna"
    assert survivor["has_account"] is False
    assert survivor["identity"]["legal_name"] == SURVIVOR_LEGAL_NAME
    assert survivor["identity"]["phone"] == SURVIVOR_PHONE
    # 15 at the time of the offence: a child, whatever the form said.
    assert survivor["identity"]["is_minor"] is True
    listing = await client.get(CASES, headers=lawyer.headers)
    assert listing.json()["items"][0]["survivors"] == ["Meghna"]


async def test_survivor_changes_and_their_conflicts(
    client: httpx.AsyncClient, make_actor: MakeActor, make_case: MakeCase, add_survivor: AddSurvivor
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    case = await make_case(lawyer)
    survivor = await add_survivor(lawyer, case)
    url = f"{CASES}/{case['id']}/survivors"
    new_identity = {"legal_name": "Rehana Bibi", "phone": "9000000001", "age_at_offence": 19}

    changed = await client.patch(
        f"{url}/{survivor['id']}",
        json={"version": 1, "identity": new_identity},
        headers=lawyer.headers,
    )
    assert changed.status_code == 200
    assert changed.json()["identity"]["legal_name"] == "Rehana Bibi"
    assert changed.json()["version"] == 2

    stale = await client.patch(
        f"{url}/{survivor['id']}", json={"version": 1, "pseudonym": "Nadia"}, headers=lawyer.headers
    )
    assert stale.status_code == 409
    # The current values hold her pseudonym and version, never her identity.
    assert stale.json()["details"]["current"] == {"pseudonym": "Meghna", "version": 2}

    second = await add_survivor(lawyer, case, pseudonym="Tara", legal_name="Tara Realname")
    clash = await client.patch(
        f"{url}/{second['id']}", json={"version": 1, "pseudonym": "Meghna"}, headers=lawyer.headers
    )
    assert clash.status_code == 409
    duplicate = await client.post(url, json=survivor_body(), headers=lawyer.headers)
    assert duplicate.status_code == 409
    assert duplicate.json()["details"]["fields"] == {"pseudonym": "already used on this case"}

    future = await client.patch(
        f"{url}/{survivor['id']}",
        json={"version": 2, "leader_consent_on": "2999-01-01"},
        headers=lawyer.headers,
    )
    assert future.status_code == 422


async def test_only_a_survivor_account_can_be_linked_to_a_survivor(
    client: httpx.AsyncClient, make_actor: MakeActor, make_case: MakeCase
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    case = await make_case(lawyer)
    response = await client.post(
        f"{CASES}/{case['id']}/survivors",
        json=survivor_body(user_id=lawyer.id),
        headers=lawyer.headers,
    )
    assert response.status_code == 422
    assert response.json()["details"]["fields"] == {"user_id": "not a survivor account"}


async def test_consent_cannot_be_dated_in_the_future_when_adding_a_survivor(
    client: httpx.AsyncClient, make_actor: MakeActor, make_case: MakeCase
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    case = await make_case(lawyer)
    response = await client.post(
        f"{CASES}/{case['id']}/survivors",
        json=survivor_body(leader_consent_on="2999-01-01"),
        headers=lawyer.headers,
    )
    assert response.status_code == 422


# -- accused -------------------------------------------------------------------------------------


async def test_repeat_accused_are_counted_across_cases_without_showing_them(
    client: httpx.AsyncClient, make_actor: MakeActor, make_case: MakeCase, add_accused: AddAccused
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    elsewhere = await make_actor(Role.LAWYER, display_name="Adv. Mumbai Partner")
    ours = await make_case(lawyer)
    by_alias = await make_case(elsewhere, old_codes=True, reference="MUM-RAID-2023-17")
    by_name = await make_case(elsewhere, reference="MUM-RAID-2024-02")
    unrelated = await make_case(elsewhere, reference="MUM-RAID-2024-09")
    bablu = await add_accused(lawyer, ours, name="Bablu Sheikh", alias="Bapi")
    # Known in Mumbai only by his alias, and spelt with odd spacing elsewhere.
    await add_accused(elsewhere, by_alias, name="Bapi", alias=None, status="arrested")
    await add_accused(elsewhere, by_name, name="  bablu   SHEIKH ", alias=None)
    await add_accused(elsewhere, unrelated, name="Babloo Shaikh", alias=None)
    # Another accused of the same name in our own case is not "another case"; without the
    # alias he matches only the case that names "Bablu Sheikh".
    await add_accused(lawyer, ours, name="Bablu Sheikh", alias=None)

    response = await client.get(f"{CASES}/{ours['id']}/accused", headers=lawyer.headers)
    counts = {(a["id"] == bablu["id"], a["name"]): a["other_cases"] for a in response.json()}
    assert counts == {(True, "Bablu Sheikh"): 2, (False, "Bablu Sheikh"): 1}
    for other in (by_alias, by_name, unrelated):
        assert other["id"] not in response.text
        assert other["reference"] not in response.text
        hidden = await client.get(f"{CASES}/{other['id']}", headers=lawyer.headers)
        assert hidden.status_code == 404
    theirs = await client.get(f"{CASES}/{by_alias['id']}/accused", headers=elsewhere.headers)
    assert [a["other_cases"] for a in theirs.json()] == [1]


async def test_accused_status_changes(
    client: httpx.AsyncClient, make_actor: MakeActor, make_case: MakeCase, add_accused: AddAccused
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    case = await make_case(lawyer)
    accused = await add_accused(lawyer, case, status="absconding", status_since="2024-09-13")
    url = f"{CASES}/{case['id']}/accused/{accused['id']}/status"

    arrested = await client.post(
        url,
        json={"version": 1, "status": "judicial_custody", "effective_on": "2024-10-02"},
        headers=lawyer.headers,
    )
    assert arrested.status_code == 200
    assert arrested.json()["first_remand_on"] == "2024-10-02"  # the default-bail clock starts
    again = await client.post(
        url, json={"version": 2, "status": "judicial_custody"}, headers=lawyer.headers
    )
    assert again.status_code == 422
    assert again.json()["message"] == "Bablu Sheikh is already in judicial custody."
    backdated = await client.post(
        url,
        json={"version": 2, "status": "on_bail", "effective_on": "2024-10-01"},
        headers=lawyer.headers,
    )
    assert backdated.status_code == 422
    bailed = await client.post(
        url, json={"version": 2, "status": "on_bail"}, headers=lawyer.headers
    )
    assert bailed.status_code == 200
    assert bailed.json()["bail_court"] == case["court_establishment"]
    assert bailed.json()["first_remand_on"] == "2024-10-02"
    stale = await client.post(
        url, json={"version": 2, "status": "absconding"}, headers=lawyer.headers
    )
    assert stale.status_code == 409
    assert stale.json()["details"]["current"]["status"] == "on_bail"


async def test_accused_dates_must_fall_between_the_fir_and_today(
    client: httpx.AsyncClient, make_actor: MakeActor, make_case: MakeCase
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    case = await make_case(lawyer)
    for status_since in ("2024-09-11", "2999-01-01"):
        response = await client.post(
            f"{CASES}/{case['id']}/accused",
            json={"name": "Rafiq Mondal", "status": "arrested", "status_since": status_since},
            headers=lawyer.headers,
        )
        assert response.status_code == 422, status_since
    ok = await client.post(
        f"{CASES}/{case['id']}/accused",
        json={"name": "Rafiq Mondal", "status": "arrested", "status_since": days_ago(1)},
        headers=lawyer.headers,
    )
    assert ok.status_code == 201


async def test_a_status_change_cannot_date_the_first_remand_in_the_future(
    client: httpx.AsyncClient, make_actor: MakeActor, make_case: MakeCase, add_accused: AddAccused
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    case = await make_case(lawyer)
    accused = await add_accused(lawyer, case, status="arrested", status_since="2024-10-05")
    response = await client.post(
        f"{CASES}/{case['id']}/accused/{accused['id']}/status",
        json={"version": 1, "status": "judicial_custody", "first_remand_on": "2999-01-01"},
        headers=lawyer.headers,
    )
    assert response.status_code == 422
    clocks = await client.get(f"{CASES}/{case['id']}/clocks", headers=lawyer.headers)
    assert not [c for c in clocks.json() if c["anchor_date"] == "2999-01-01"]
