"""Factories for the compensation tests: a case with its whole team and the survivor's own
account, claims opened and moved through the API, payments, and the team-only words that must
never reach the survivor.

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
from tafteesh.cases.models import TimelineEvent
from tafteesh.compensation.clocks import add_months
from tafteesh.india import today_in_india
from tests.cases.conftest import (  # noqa: F401  (fixtures re-exported for this folder)
    SURVIVOR_LEGAL_NAME,
    SURVIVOR_PHONE,
    Actor,
    AddSurvivor,
    AssignToTeam,
    MakeActor,
    MakeCase,
    add_accused,
    add_survivor,
    assign_to_team,
    audit_count,
    make_actor,
    make_case,
    organisation,
)

API = "/api/v1"
CASES = f"{API}/cases"
CLAIMS = f"{API}/compensation-claims"
RUPEE = 100
LAKH = 100_000 * RUPEE

# Team-only words: each is distinctive, so finding one in the survivor's view is never chance.
TEAM_NOTE = "Secretnote: DLSA secretary hinted the file is stuck for a bribe"
REJECTION_WORDS = "Secretorder: claim premature until conclusion of trial, vide order 12/2025"
APPEAL_GROUNDS = "Secretgrounds: Calcutta HC held DLSAs may not wait for the trial"
PAYMENT_NOTE = "Secretpayment: cheque collected by her brother"
OUTCOME_NOTE = "Secretoutcome: SLSA member was unsympathetic"
TEAM_ONLY = (TEAM_NOTE, REJECTION_WORDS, APPEAL_GROUNDS, PAYMENT_NOTE, OUTCOME_NOTE)


def today() -> date:
    return today_in_india()


def day(offset: int) -> date:
    return today() + timedelta(days=offset)


def iso(offset: int) -> str:
    return day(offset).isoformat()


def add_months_iso(offset: int, months: int) -> str:
    """The statute's calendar months from a day relative to today (31 Dec + 2 = 28/29 Feb)."""
    return add_months(day(offset), months).isoformat()


def long_date(value: date) -> str:
    """As the survivor's lines write a date: 3 Mar 2025."""
    return f"{value.day} {value:%b %Y}"


@dataclass
class Team:
    """A case with its lawyer, a social worker and a lead, and the survivor (Meghna) with her own
    account, consenting to the survivor leader on the team."""

    lawyer: Actor
    social_worker: Actor
    lead: Actor
    survivor: Actor
    case: dict[str, Any]
    survivor_record: dict[str, Any]

    @property
    def case_id(self) -> str:
        return str(self.case["id"])

    @property
    def survivor_id(self) -> str:
        return str(self.survivor_record["id"])


MakeTeam = Callable[..., Awaitable[Team]]
OpenClaim = Callable[..., Awaitable[dict[str, Any]]]
Move = Callable[..., Awaitable[httpx.Response]]
Pay = Callable[..., Awaitable[httpx.Response]]


@pytest.fixture
def make_team(
    make_actor: MakeActor,  # noqa: F811  (the fixtures imported above)
    make_case: MakeCase,  # noqa: F811
    add_survivor: AddSurvivor,  # noqa: F811
    assign_to_team: AssignToTeam,  # noqa: F811
) -> MakeTeam:
    async def factory(**case_overrides: Any) -> Team:
        lawyer = await make_actor(Role.LAWYER)
        social_worker = await make_actor(Role.SOCIAL_WORKER)
        lead = await make_actor(Role.CONSORTIUM_LEAD)
        survivor = await make_actor(Role.SURVIVOR)
        case_overrides.setdefault("fir_date", "2024-09-12")
        case = await make_case(lawyer, **case_overrides)
        record = await add_survivor(lawyer, case, account=survivor, consent=True)
        await assign_to_team(lead, case, social_worker)
        return Team(lawyer, social_worker, lead, survivor, case, record)

    return factory


def claim_body(team: Team, **overrides: Any) -> dict[str, Any]:
    """A NALSA 2018 claim to the DLSA South 24 Parganas for rape and trafficking's mental injury."""
    body: dict[str, Any] = {
        "survivor_id": team.survivor_id,
        "scheme": "nalsa_2018_women_victims",
        "authority_kind": "dlsa",
        "authority_district": "South 24 Parganas",
        "basis": "victims_application",
        "heads": ["rape", "grievous physical injury or mental injury needing rehabilitation"],
        "claimed_paise": 7 * LAKH,
        "documents": ["fir_copy", "medical_report"],
        "notes": TEAM_NOTE,
    }
    body.update(overrides)
    return body


@pytest.fixture
def open_claim(client: httpx.AsyncClient) -> OpenClaim:
    """Open a claim through the API (as the team's lawyer unless ``actor`` is given)."""

    async def factory(
        team: Team, *, actor: Actor | None = None, **overrides: Any
    ) -> dict[str, Any]:
        response = await client.post(
            f"{CASES}/{team.case_id}/compensation-claims",
            json=claim_body(team, **overrides),
            headers=(actor or team.lawyer).headers,
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    return factory


@pytest.fixture
def move(client: httpx.AsyncClient) -> Move:
    """POST a status change, with the claim's version as given unless the body names one."""

    async def factory(
        actor: Actor, claim: dict[str, Any], status: str, **body: Any
    ) -> httpx.Response:
        body.setdefault("version", claim["version"])
        return await client.post(
            f"{CLAIMS}/{claim['id']}/status", json={"status": status, **body}, headers=actor.headers
        )

    return factory


@pytest.fixture
def pay(client: httpx.AsyncClient) -> Pay:
    async def factory(
        actor: Actor, claim: dict[str, Any], amount_paise: int, **body: Any
    ) -> httpx.Response:
        body.setdefault("version", claim["version"])
        body.setdefault("paid_on", iso(0))
        body.setdefault("mode", "bank_transfer")
        return await client.post(
            f"{CLAIMS}/{claim['id']}/disbursements",
            json={"amount_paise": amount_paise, **body},
            headers=actor.headers,
        )

    return factory


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return dict(response.json())


async def awarded_claim(
    team: Team, open_claim: OpenClaim, move: Move, *, final_paise: int = 4 * LAKH, **overrides: Any
) -> dict[str, Any]:
    """A claim filed 100 days ago and finally awarded 30 days ago."""
    claim = await open_claim(team, applied_on=iso(-100), filed=True, **overrides)
    return ok(
        await move(
            team.lawyer, claim, "final_awarded", amount_paise=final_paise, effective_on=iso(-30)
        )
    )


async def timeline_events(session: AsyncSession, case_id: str) -> list[TimelineEvent]:
    return list(
        await session.scalars(
            select(TimelineEvent)
            .where(TimelineEvent.case_id == uuid.UUID(case_id))
            .order_by(TimelineEvent.id)
        )
    )


async def count(session: AsyncSession, model: type[Any], **where: Any) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return int(await session.scalar(query) or 0)
