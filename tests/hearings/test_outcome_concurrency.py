"""Two saves of one hearing's outcome at the same moment, on committed data and the app's own
engine: the statement's guard (hearings/outcomes.py) lets exactly one through.

The other tests run every request inside a savepoint of one connection, so their requests can
only take turns; here each request has a connection of its own, as in production.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from tafteesh.audit.models import AuditEvent
from tafteesh.auth import service as accounts
from tafteesh.auth.roles import Language, OrganisationKind, Role
from tafteesh.cases.models import TimelineEvent
from tafteesh.config import Settings
from tafteesh.db import create_sessionmaker
from tafteesh.hearings.models import Hearing
from tests.cases.conftest import new_codes_case
from tests.hearings.conftest import CASES, HEARINGS, iso
from tests.helpers import PASSWORD, bearer_for, committing_app


@pytest.fixture
async def committing_client(
    settings: Settings, app_engine: AsyncEngine
) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=committing_app(settings, app_engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def _waiting_on_the_row(connection: AsyncConnection) -> int:
    """Sessions of this database waiting for a lock."""
    waiting = await connection.scalar(
        text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'"
        )
    )
    return int(waiting or 0)


async def test_two_saves_at_the_same_moment_one_wins_and_nothing_is_doubled(
    committing_client: httpx.AsyncClient, app_engine: AsyncEngine
) -> None:
    client = committing_client
    async with create_sessionmaker(app_engine)() as session:
        organisation = await accounts.create_organisation(
            session, None, name="Concurrency test NGO", kind=OrganisationKind.NGO
        )
        lawyer = await accounts.create_user(
            session,
            None,
            email="lawyer.concurrency@example.org",
            display_name="Two Phones",
            role=Role.LAWYER,
            password=PASSWORD,
            preferred_language=Language.EN,
            organisation_id=organisation.id,
        )
        await session.commit()
    # Her phone and her laptop, each signed in.
    phone, laptop = [await bearer_for(client, lawyer) for _ in range(2)]
    case = (await client.post(CASES, json=new_codes_case(), headers=phone)).json()
    hearing = (
        await client.post(
            f"{CASES}/{case['id']}/hearings",
            json={"hearing_date": iso(-1), "purpose": "charge_hearing"},
            headers=phone,
        )
    ).json()

    def save(reason: str, next_offset: int, headers: dict[str, str]) -> Any:
        body = {
            "version": hearing["version"],
            "outcome": "adjourned",
            "adjournment_reason": reason,
            "next_date": iso(next_offset),
        }
        return client.post(f"{HEARINGS}/{hearing['id']}/outcome", json=body, headers=headers)

    # A third party holds the hearing's row while both saves start, so they truly overlap:
    # each has read the hearing at version 1 and is inside its statement when the row is freed.
    async with app_engine.connect() as holder, holder.begin():
        await holder.execute(
            text("SELECT 1 FROM hearings WHERE id = :id FOR UPDATE"), {"id": hearing["id"]}
        )
        both = asyncio.gather(save("io_absent", 14, phone), save("court_busy", 21, laptop))
        await asyncio.sleep(0.5)
        assert await _waiting_on_the_row(holder) == 2
    responses = await both

    assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
    (won,) = [r.json() for r in responses if r.status_code == 200]
    (lost,) = [r.json() for r in responses if r.status_code == 409]
    assert lost["details"]["current"]["next_date"] == won["hearing"]["next_date"]
    async with create_sessionmaker(app_engine)() as session:
        hearings = await session.scalar(
            select(func.count()).select_from(Hearing).where(Hearing.case_id == case["id"])
        )
        outcomes = await session.scalar(
            select(func.count())
            .select_from(TimelineEvent)
            .where(TimelineEvent.case_id == case["id"], TimelineEvent.kind == "hearing.outcome")
        )
        audited = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "hearing.outcome", AuditEvent.object_id == hearing["id"])
        )
    assert (hearings, outcomes, audited) == (2, 1, 1)
