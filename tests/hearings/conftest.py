"""Factories for the hearings tests: a case with its team and survivor, hearings scheduled and
outcomes recorded through the API, and eCourts history files.

The case factories (people signed in with bearer tokens, a realistic case, a survivor with a
known identity) and the shared password hash come from the cases tests.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth.roles import Role
from tafteesh.hearings.models import Hearing
from tafteesh.india import today_in_india
from tests.cases.conftest import (  # noqa: F401  (fixtures re-exported for this folder)
    SURVIVOR_LEGAL_NAME,
    SURVIVOR_PHONE,
    SURVIVOR_PSEUDONYM,
    Actor,
    AddSurvivor,
    AssignToTeam,
    MakeActor,
    MakeCase,
    add_accused,
    add_survivor,
    assign_to_team,
    make_actor,
    make_case,
    organisation,
)

API = "/api/v1"
CASES = f"{API}/cases"
HEARINGS = f"{API}/hearings"

COURT = "Court of the Additional District and Sessions Judge, Baruipur"
COURT_NUMBER = "3"
JUDGE = "Smt. Anindita Roy, ADJ-3"
ECOURTS_HEADER = "Judge,Business On Date,Hearing Date,Purpose of Hearing"
ECOURTS_JUDGE = "Additional District & Sessions Judge, 3rd Court, Baruipur"

# What a lawyer writes of the proceedings: the team's, never the survivor's to read.
BUSINESS = "PW-1 partly examined; defence sought time citing counsel's illness (Secretbusiness)"


def today() -> date:
    return today_in_india()


def day(offset: int) -> date:
    """A day relative to today in India."""
    return today() + timedelta(days=offset)


def iso(offset: int) -> str:
    return day(offset).isoformat()


def dmy(offset: int) -> str:
    """The way eCourts writes a date: dd-mm-yyyy."""
    return f"{day(offset):%d-%m-%Y}"


def long_date(value: date | str) -> str:
    """The way the app's messages write a date: 12 Mar 2026."""
    parsed = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{parsed:%d %b %Y}"


def history_csv(*rows: tuple[int, int | None, str]) -> bytes:
    """An eCourts history as a lawyer's spreadsheet saves it: (business on, next, purpose)."""
    lines = [ECOURTS_HEADER]
    for business_on, next_date, purpose in rows:
        following = dmy(next_date) if next_date is not None else ""
        lines.append(f'"{ECOURTS_JUDGE}",{dmy(business_on)},{following},{purpose}')
    return ("\n".join(lines) + "\n").encode()


async def hearing_count(session: AsyncSession, case_id: str | uuid.UUID) -> int:
    query = (
        select(func.count()).select_from(Hearing).where(Hearing.case_id == uuid.UUID(str(case_id)))
    )
    return int(await session.scalar(query) or 0)


# -- people and the case -------------------------------------------------------------------------


@dataclass
class Team:
    """A case with its lawyer, a social worker on the team, a lead, and the survivor's own
    account linked to her record on the case."""

    lawyer: Actor
    social_worker: Actor
    lead: Actor
    survivor: Actor
    case: dict[str, Any]

    @property
    def case_id(self) -> str:
        return str(self.case["id"])


MakeTeam = Callable[..., Awaitable[Team]]


@pytest.fixture
def make_team(
    make_actor: MakeActor,  # noqa: F811  (the fixtures imported above)
    make_case: MakeCase,  # noqa: F811
    add_survivor: AddSurvivor,  # noqa: F811
    assign_to_team: AssignToTeam,  # noqa: F811
) -> MakeTeam:
    """A case at the charge-hearing stage, in a named court, with its whole team."""

    async def factory(*, lead: Actor | None = None, **case_overrides: Any) -> Team:
        lawyer = await make_actor(Role.LAWYER)
        social_worker = await make_actor(Role.SOCIAL_WORKER)
        lead = lead or await make_actor(Role.CONSORTIUM_LEAD)
        survivor = await make_actor(Role.SURVIVOR)
        fields: dict[str, Any] = {
            "court_establishment": COURT,
            "court_number": COURT_NUMBER,
            "judge": JUDGE,
            "stage": "charge_hearing",
        }
        fields.update(case_overrides)
        case = await make_case(lawyer, **fields)
        await add_survivor(lawyer, case, account=survivor, consent=True)
        await assign_to_team(lead, case, social_worker)
        return Team(lawyer, social_worker, lead, survivor, case)

    return factory


# -- hearings ------------------------------------------------------------------------------------

Schedule = Callable[..., Awaitable[dict[str, Any]]]
RecordOutcome = Callable[..., Awaitable[httpx.Response]]
Upload = Callable[..., Awaitable[httpx.Response]]


@pytest.fixture
def schedule(client: httpx.AsyncClient) -> Schedule:
    """Schedule a hearing through the API, ``offset`` days from today (negative: in the past)."""

    async def factory(
        actor: Actor, case: dict[str, Any], offset: int, **overrides: Any
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"hearing_date": iso(offset), "purpose": "charge_hearing"}
        body.update(overrides)
        response = await client.post(
            f"{CASES}/{case['id']}/hearings", json=body, headers=actor.headers
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    return factory


@pytest.fixture
def record_outcome(client: httpx.AsyncClient) -> RecordOutcome:
    """POST an outcome; the version defaults to the hearing's as given."""

    async def factory(actor: Actor, hearing: dict[str, Any], **body: Any) -> httpx.Response:
        body.setdefault("version", hearing["version"])
        return await client.post(
            f"{HEARINGS}/{hearing['id']}/outcome", json=body, headers=actor.headers
        )

    return factory


@pytest.fixture
def upload(client: httpx.AsyncClient) -> Upload:
    """Upload an eCourts history file to a case through the API."""

    async def factory(
        actor: Actor,
        case: dict[str, Any] | str,
        data: bytes,
        filename: str = "history.csv",
        content_type: str = "text/csv",
    ) -> httpx.Response:
        case_id = case if isinstance(case, str) else case["id"]
        return await client.post(
            f"{CASES}/{case_id}/ecourts-import",
            files={"file": (filename, data, content_type)},
            headers=actor.headers,
        )

    return factory


async def fetch_hearing(client: httpx.AsyncClient, actor: Actor, hearing_id: str) -> dict[str, Any]:
    response = await client.get(f"{HEARINGS}/{hearing_id}", headers=actor.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def case_hearings(client: httpx.AsyncClient, actor: Actor, case_id: str) -> dict[str, Any]:
    response = await client.get(f"{CASES}/{case_id}/hearings", headers=actor.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def timeline(client: httpx.AsyncClient, actor: Actor, case_id: str) -> list[dict[str, Any]]:
    response = await client.get(
        f"{CASES}/{case_id}/timeline", params={"limit": 200}, headers=actor.headers
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])
