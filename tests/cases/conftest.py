"""Factories for the case API tests: signed-in people, a realistic case, a survivor whose identity
is known (so leak tests can look for it), and putting people on a case team.

Passwords are not what these tests are about, so every account shares one real argon2 hash of
the test password and checking it is memoised (tests/conftest.py); people still sign in
through ``/api/v1/auth/token``.
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

from tafteesh.audit.models import AuditEvent
from tafteesh.auth.models import Organisation, User
from tafteesh.auth.roles import OrganisationKind, Role
from tafteesh.cases.models import TimelineEvent
from tests.conftest import MakeOrganisation, MakeUser
from tests.helpers import bearer_for

API = "/api/v1"
CASES = f"{API}/cases"

# The identity every leak test looks for. Distinctive enough that a hit is never a coincidence.
SURVIVOR_LEGAL_NAME = "Rehana Khatun Secretname"
SURVIVOR_PHONE = "9830012345"
SURVIVOR_GUARDIAN = "Abdul Khatun Guardianname"
SURVIVOR_ADDRESS = "House 7, Secretpara Lane, Canning, South 24 Parganas"
SURVIVOR_PSEUDONYM = "Meghna"

DISPLAY_NAMES = {
    Role.ADMIN: "Sanjay Admin",
    Role.CONSORTIUM_LEAD: "Dr. Kavita Lead",
    Role.LAWYER: "Adv. Priya Sen",
    Role.SOCIAL_WORKER: "Mousumi Das",
    Role.SURVIVOR_LEADER: "Shabnam Leader",
    Role.SURVIVOR: "Meghna (own account)",
}


@dataclass(frozen=True)
class Actor:
    """A signed-in user and the headers that carry her bearer token."""

    user: User
    headers: dict[str, str]

    @property
    def id(self) -> str:
        return str(self.user.id)

    @property
    def role(self) -> str:
        return str(self.user.role)


MakeActor = Callable[..., Awaitable[Actor]]
MakeCase = Callable[..., Awaitable[dict[str, Any]]]
AddSurvivor = Callable[..., Awaitable[dict[str, Any]]]
AddAccused = Callable[..., Awaitable[dict[str, Any]]]
AssignToTeam = Callable[..., Awaitable[None]]


def new_codes_case(**overrides: Any) -> dict[str, Any]:
    """A trafficking case registered after 1 July 2024: BNS 143(4) with ITPA 5."""
    body: dict[str, Any] = {
        "reference": f"SV-WB-{uuid.uuid4().hex[:8].upper()}",
        "police_station": "Ghutiari Sharif PS",
        "fir_district": "South 24 Parganas",
        "fir_state": "West Bengal",
        "fir_number": "214",
        "fir_year": 2024,
        "fir_date": "2024-09-12",
        "court_establishment": "Court of the Additional District and Sessions Judge, Baruipur",
        "court_district": "South 24 Parganas",
        "source_state": "West Bengal",
        "destination_state": "Maharashtra",
        "charges": [{"act": "BNS", "section": "143(4)"}, {"act": "ITPA", "section": "5"}],
    }
    body.update(overrides)
    return body


def old_codes_case(**overrides: Any) -> dict[str, Any]:
    """A case registered before 1 July 2024: IPC 370 with ITPA 5."""
    body = new_codes_case(
        police_station="Kamathipura PS (Nagpada division)",
        fir_district="Mumbai City",
        fir_state="Maharashtra",
        fir_number="87",
        fir_year=2023,
        fir_date="2023-11-03",
        court_establishment="City Civil and Sessions Court, Greater Bombay",
        court_district="Mumbai City",
        charges=[{"act": "IPC", "section": "370"}, {"act": "ITPA", "section": "5"}],
    )
    body.update(overrides)
    return body


def survivor_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "pseudonym": SURVIVOR_PSEUDONYM,
        "legal_name": SURVIVOR_LEGAL_NAME,
        "guardian_name": SURVIVOR_GUARDIAN,
        "phone": SURVIVOR_PHONE,
        "address": SURVIVOR_ADDRESS,
        "age_at_offence": 19,
    }
    body.update(overrides)
    return body


def days_ago(days: int) -> str:
    return (date.today() - timedelta(days=days)).isoformat()


@pytest.fixture
async def organisation(make_organisation: MakeOrganisation) -> Organisation:
    """One organisation for everybody in a test (creating one per user is wasted work)."""
    return await make_organisation(
        name=f"Sanjog Kolkata {uuid.uuid4().hex[:6]}", kind=OrganisationKind.NGO
    )


@pytest.fixture
def make_actor(
    client: httpx.AsyncClient, make_user: MakeUser, organisation: Organisation
) -> MakeActor:
    async def factory(role: Role, **overrides: Any) -> Actor:
        overrides.setdefault("organisation_id", organisation.id)
        overrides.setdefault("display_name", DISPLAY_NAMES[role])
        user = await make_user(role, **overrides)
        return Actor(user=user, headers=await bearer_for(client, user))

    return factory


@pytest.fixture
def make_case(client: httpx.AsyncClient) -> MakeCase:
    """Open a case through the API as ``lawyer`` (any lawyer or social worker) and return it."""

    async def factory(
        lawyer: Actor, *, old_codes: bool = False, **overrides: Any
    ) -> dict[str, Any]:
        body = old_codes_case(**overrides) if old_codes else new_codes_case(**overrides)
        response = await client.post(CASES, json=body, headers=lawyer.headers)
        assert response.status_code == 201, response.text
        return dict(response.json())

    return factory


@pytest.fixture
def add_survivor(client: httpx.AsyncClient) -> AddSurvivor:
    """Add a survivor (with the known identity unless overridden) to a case as a team editor.

    ``account`` links her own survivor account; ``consent=True`` records her consent to a
    survivor leader supporting her.
    """

    async def factory(
        editor: Actor,
        case: dict[str, Any],
        *,
        account: Actor | None = None,
        consent: bool = False,
        **overrides: Any,
    ) -> dict[str, Any]:
        body = survivor_body(**overrides)
        if account is not None:
            body["user_id"] = account.id
        if consent:
            body["leader_consent_on"] = days_ago(3)
        response = await client.post(
            f"{CASES}/{case['id']}/survivors", json=body, headers=editor.headers
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    return factory


@pytest.fixture
def add_accused(client: httpx.AsyncClient) -> AddAccused:
    async def factory(editor: Actor, case: dict[str, Any], **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"name": "Bablu Sheikh", "alias": "Bapi", "status": "absconding"}
        body.update(overrides)
        response = await client.post(
            f"{CASES}/{case['id']}/accused", json=body, headers=editor.headers
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    return factory


@pytest.fixture
def assign_to_team(client: httpx.AsyncClient) -> AssignToTeam:
    """Put ``member`` on the case team in her account's role, as ``manager`` (a lead or admin)."""

    async def factory(manager: Actor, case: dict[str, Any], member: Actor | User) -> None:
        user = member.user if isinstance(member, Actor) else member
        response = await client.post(
            f"{CASES}/{case['id']}/team",
            json={"user_id": str(user.id), "team_role": str(user.role)},
            headers=manager.headers,
        )
        assert response.status_code == 201, response.text

    return factory


async def audit_count(session: AsyncSession, **where: Any) -> int:
    query = select(func.count()).select_from(AuditEvent)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return int(await session.scalar(query) or 0)


async def timeline_count(session: AsyncSession, case_id: str | uuid.UUID) -> int:
    query = (
        select(func.count())
        .select_from(TimelineEvent)
        .where(TimelineEvent.case_id == uuid.UUID(str(case_id)))
    )
    return int(await session.scalar(query) or 0)
