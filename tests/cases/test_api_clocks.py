"""Statutory clocks of a stored case (GET /cases/{id}/clocks) and the list's "overdue" filter,
which must agree with them."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tafteesh.auth.roles import Role
from tafteesh.cases.clock_service import refresh_all_next_due
from tafteesh.cases.models import Case
from tests.cases.conftest import CASES, Actor, AddAccused, MakeActor, MakeCase, days_ago


def fir_days_ago(days: int) -> dict[str, Any]:
    day = date.today() - timedelta(days=days)
    return {"fir_date": day.isoformat(), "fir_year": day.year}


def plus(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


async def clocks(client: httpx.AsyncClient, actor: Actor, case: dict[str, Any]) -> list[Any]:
    response = await client.get(f"{CASES}/{case['id']}/clocks", headers=actor.headers)
    assert response.status_code == 200, response.text
    return list(response.json())


def default_bail(found: list[dict[str, Any]]) -> dict[str | None, dict[str, Any]]:
    return {c["applies_to"]: c for c in found if c["code"] == "default_bail"}


async def test_default_bail_runs_per_accused_in_custody_60_or_90_days_by_charge(
    client: httpx.AsyncClient, make_actor: MakeActor, make_case: MakeCase, add_accused: AddAccused
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    # BNS 143(4) (trafficking of a child or of several people) allows life: 90 days.
    serious = await make_case(lawyer, **fir_days_ago(100))
    # BNS 143(2) and ITPA 4 carry at most 10 years: 60 days (Rakesh Kumar Paul).
    lesser = await make_case(
        lawyer,
        **fir_days_ago(100),
        charges=[{"act": "BNS", "section": "143(2)"}, {"act": "ITPA", "section": "4"}],
    )
    for case in (serious, lesser):
        for name, remanded_days_ago in (("Bablu Sheikh", 30), ("Rafiq Mondal", 20)):
            await add_accused(
                lawyer,
                case,
                name=name,
                status="judicial_custody",
                status_since=days_ago(remanded_days_ago),
            )
        await add_accused(lawyer, case, name="Chhotu Naskar", status="absconding")

    for case, limit, label in ((serious, 90, "BNSS 187(3)"), (lesser, 60, "BNSS 187(3)")):
        bail = default_bail(await clocks(client, lawyer, case))
        assert set(bail) == {"Bablu Sheikh", "Rafiq Mondal"}  # no clock for one not in custody
        for name, remanded in (("Bablu Sheikh", days_ago(30)), ("Rafiq Mondal", days_ago(20))):
            clock = bail[name]
            assert clock["label"].startswith(label)
            assert clock["limit_days"] == limit
            assert clock["anchor_date"] == remanded
            # The day of remand counts (Kapil Wadhawan, 2023).
            assert clock["due_date"] == plus(remanded, limit - 1)
            assert clock["status"] == "running"
            assert clock["contested"] is False


async def test_old_codes_default_bail_is_crpc_167(
    client: httpx.AsyncClient, make_actor: MakeActor, make_case: MakeCase, add_accused: AddAccused
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    case = await make_case(lawyer, old_codes=True)
    await add_accused(lawyer, case, status="judicial_custody", status_since="2023-11-05")
    (clock,) = default_bail(await clocks(client, lawyer, case)).values()
    assert clock["label"] == "CrPC 167(2) default bail"
    assert clock["limit_days"] == 90  # ITPA 5 allows life
    assert clock["status"] == "overdue"
    assert clock["due_date"] == "2024-02-02"


async def test_chargesheet_meets_the_default_bail_clock(
    client: httpx.AsyncClient, make_actor: MakeActor, make_case: MakeCase, add_accused: AddAccused
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    case = await make_case(lawyer, **fir_days_ago(60))
    await add_accused(lawyer, case, status="judicial_custody", status_since=days_ago(50))
    url = f"{CASES}/{case['id']}"
    version = case["version"]
    for stage, when in (("under_investigation", days_ago(45)), ("chargesheet_filed", days_ago(5))):
        moved = await client.post(
            f"{url}/stage",
            json={"version": version, "stage": stage, "effective_on": when},
            headers=lawyer.headers,
        )
        assert moved.status_code == 200, moved.text
        version = moved.json()["version"]
    (clock,) = default_bail(await clocks(client, lawyer, case)).values()
    assert clock["status"] == "met"
    assert clock["met_on"] == days_ago(5)
    assert clock["met_late"] is False
    assert clock["days_left"] is None


async def test_overdue_filter_agrees_with_the_clocks(
    client: httpx.AsyncClient, make_actor: MakeActor, make_case: MakeCase, add_accused: AddAccused
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    # BNSS 193(3)(ii): nobody told the victim of the investigation within 90 days.
    untold = await make_case(lawyer, reference="OVD-UNTOLD", **fir_days_ago(200))
    told = await make_case(
        lawyer, reference="OVD-TOLD", **fir_days_ago(200), victim_informed_on=days_ago(150)
    )
    # CrPC 167(2): an accused remanded 100 days ago, no chargesheet.
    remanded = await make_case(lawyer, reference="OVD-REMANDED", old_codes=True)
    await add_accused(lawyer, remanded, status="judicial_custody", status_since=days_ago(100))
    quiet = await make_case(lawyer, reference="OVD-QUIET", old_codes=True)
    cases = {c["reference"]: c for c in (untold, told, remanded, quiet)}

    async def check(expected_overdue: set[str]) -> None:
        response = await client.get(CASES, params={"overdue": True}, headers=lawyer.headers)
        assert {i["reference"] for i in response.json()["items"]} == expected_overdue
        listing = await client.get(CASES, headers=lawyer.headers)
        for item in listing.json()["items"]:
            found = await clocks(client, lawyer, item)
            has_overdue = any(c["status"] == "overdue" for c in found)
            assert item["overdue"] is has_overdue is (item["reference"] in expected_overdue)
            open_dues = [c["due_date"] for c in found if c["status"] != "met"]
            assert item["next_clock_due_on"] == (min(open_dues) if open_dues else None)

    await check({"OVD-UNTOLD", "OVD-REMANDED"})

    # The victim is told; the chargesheet is filed (late): both drop out of "overdue".
    patched = await client.patch(
        f"{CASES}/{cases['OVD-UNTOLD']['id']}",
        json={"version": 1, "victim_informed_on": days_ago(1)},
        headers=lawyer.headers,
    )
    assert patched.status_code == 200
    version = 1
    for stage in ("under_investigation", "chargesheet_filed"):
        moved = await client.post(
            f"{CASES}/{cases['OVD-REMANDED']['id']}/stage",
            json={"version": version, "stage": stage},
            headers=lawyer.headers,
        )
        version = moved.json()["version"]
    await check(set())
    (late,) = default_bail(await clocks(client, lawyer, cases["OVD-REMANDED"])).values()
    assert (late["status"], late["met_late"]) == ("met", True)


async def test_refreshing_every_case_repairs_stored_due_dates_after_a_rule_change(
    client: httpx.AsyncClient,
    app: FastAPI,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    make_actor: MakeActor,
    make_case: MakeCase,
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    untold = await make_case(lawyer, reference="RFR-UNTOLD", **fir_days_ago(200))
    quiet = await make_case(lawyer, reference="RFR-QUIET", old_codes=True)
    due = {c["reference"]: c["next_clock_due_on"] for c in (untold, quiet)}
    assert due["RFR-UNTOLD"] is not None
    # As if stored under older rules: one date wrong, one missing.
    for case, wrong in ((untold, None), (quiet, date(2030, 1, 1))):
        await session.execute(
            update(Case).where(Case.id == uuid.UUID(case["id"])).values(next_clock_due_on=wrong)
        )
    await session.commit()

    seen, changed = await refresh_all_next_due(
        sessionmaker, cipher=app.state.identity_cipher, today=date.today(), batch=1
    )

    assert seen >= 2
    assert changed >= 2
    for case in (untold, quiet):
        stored = await client.get(f"{CASES}/{case['id']}", headers=lawyer.headers)
        assert stored.json()["next_clock_due_on"] == due[case["reference"]]
