"""A session borrows one pooled connection when first needed (tafteesh.lending): its driver
statements and its ORM statements share it, in a read session each commits as it runs, in a
writing one the transaction is the session's as before, and the connection goes back to the
pool as it came, whatever the session did with it.

Every test here runs on a pool of one connection with a short timeout, so a session that asked
for a second connection would fail the test instead of passing unseen."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import cast

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from tafteesh.auth import service as accounts
from tafteesh.auth.models import Organisation
from tafteesh.auth.roles import Language, OrganisationKind, Role
from tafteesh.config import Settings
from tafteesh.db import (
    create_engine,
    create_read_sessionmaker,
    create_sessionmaker,
    release_before_waiting,
)
from tafteesh.driver import DriverStatement
from tafteesh.lending import LendingSession
from tests.cases.conftest import new_codes_case
from tests.conftest import ProvisionedDatabase
from tests.hearings.conftest import iso
from tests.helpers import (
    ADD_ORGANISATION,
    BACKEND,
    ORGANISATIONS,
    PASSWORD,
    TXID,
    bearer_for,
    committing_app,
)

Maker = async_sessionmaker[LendingSession]


@pytest.fixture
async def one_connection(test_database: ProvisionedDatabase) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(test_database.urls.app, pool_size=1, max_overflow=0, pool_timeout=2)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture(params=["read", "write"])
def maker(request: pytest.FixtureRequest, one_connection: AsyncEngine) -> Maker:
    """A read-only route's sessions, and everyone else's."""
    make = create_read_sessionmaker if request.param == "read" else create_sessionmaker
    return make(one_connection)


def _checked_out(engine: AsyncEngine) -> int:
    return cast(int, engine.pool.checkedout())  # type: ignore[attr-defined]


async def _orm_backend(session: LendingSession) -> int:
    return cast(int, await session.scalar(text("SELECT pg_backend_pid()")))


async def _orm_txid(session: LendingSession) -> int:
    return cast(int, await session.scalar(text("SELECT txid_current()")))


async def _name_count(engine: AsyncEngine, name: str) -> int:
    async with create_sessionmaker(engine)() as session:
        found = await session.scalar(select(func.count()).where(ORGANISATIONS.c.name == name))
        await session.execute(ORGANISATIONS.delete().where(ORGANISATIONS.c.name == name))
        await session.commit()
    return int(found or 0)


async def test_driver_and_orm_statements_share_the_one_lent_connection(
    maker: Maker, one_connection: AsyncEngine
) -> None:
    async with maker() as session:
        assert _checked_out(one_connection) == 0  # nothing is lent until a statement needs it
        driver_first = await BACKEND.fetch_one(session, {}, begin=False)
        assert driver_first is not None
        assert await _orm_backend(session) == driver_first.pid
        again = await BACKEND.fetch_one(session, {})
        assert again is not None
        assert again.pid == driver_first.pid
        assert _checked_out(one_connection) == 1
    assert _checked_out(one_connection) == 0
    async with maker() as session:
        orm_first = await _orm_backend(session)  # the principal on a cache miss goes this way
        after = await BACKEND.fetch_one(session, {}, begin=False)
        assert after is not None
        assert after.pid == orm_first
    assert _checked_out(one_connection) == 0


async def test_in_a_read_session_every_statement_commits_as_it_runs(
    one_connection: AsyncEngine,
) -> None:
    name = f"Lent and committed {uuid.uuid4()}"
    async with create_read_sessionmaker(one_connection)() as session:
        first = await TXID.fetch_one(session, {}, begin=True)  # a read session never begins
        second = await TXID.fetch_one(session, {})
        assert first is not None
        assert second is not None
        assert first.txid != second.txid
        await ADD_ORGANISATION.fetch(session, {"id": uuid.uuid4(), "name": name})
        assert await _orm_txid(session) != second.txid
    # Given back without a commit, the write stays: it committed when it ran.
    assert await _name_count(one_connection, name) == 1


async def test_in_a_writing_session_the_transaction_is_the_sessions(
    one_connection: AsyncEngine,
) -> None:
    maker = create_sessionmaker(one_connection)
    kept, undone = f"Committed {uuid.uuid4()}", f"Rolled back {uuid.uuid4()}"
    async with maker() as session:
        alone = await TXID.fetch_one(session, {}, begin=False)  # lent, outside a transaction
        assert alone is not None
        inside = await TXID.fetch_one(session, {})  # begins the session's transaction
        assert inside is not None
        assert inside.txid != alone.txid
        assert await _orm_txid(session) == inside.txid
        # Once the transaction holds the connection, a statement that need not begin one
        # still runs in it.
        also_inside = await TXID.fetch_one(session, {}, begin=False)
        assert also_inside is not None
        assert also_inside.txid == inside.txid
        await ADD_ORGANISATION.fetch(session, {"id": uuid.uuid4(), "name": kept})
        await session.commit()
        # After the commit the session keeps its connection, and a new transaction begins.
        after = await TXID.fetch_one(session, {})
        assert after is not None
        assert after.txid != inside.txid
        await ADD_ORGANISATION.fetch(session, {"id": uuid.uuid4(), "name": undone})
        session.add(Organisation(name=undone + " (ORM)", kind=OrganisationKind.NGO))
        await session.flush()
        await session.rollback()
    assert await _name_count(one_connection, kept) == 1
    assert await _name_count(one_connection, undone) == 0
    assert await _name_count(one_connection, undone + " (ORM)") == 0


async def test_a_commit_with_nothing_begun_writes_what_is_pending(
    one_connection: AsyncEngine,
) -> None:
    name = f"Added, then committed {uuid.uuid4()}"
    async with create_sessionmaker(one_connection)() as session:
        await BACKEND.fetch(session, {}, begin=False)  # lent, no transaction
        session.add(Organisation(name=name, kind=OrganisationKind.NGO))
        await session.commit()
    assert await _name_count(one_connection, name) == 1


async def test_the_connection_goes_back_as_it_came(one_connection: AsyncEngine) -> None:
    """The ORM's Connection made the lent connection AUTOCOMMIT; back in the pool it is not, so
    the next request that writes runs in a transaction as it should."""
    async with create_read_sessionmaker(one_connection)() as session:
        await _orm_backend(session)
    async with create_sessionmaker(one_connection)() as session:
        first = await TXID.fetch_one(session, {})
        assert first is not None
        assert first.txid == await _orm_txid(session)
        await session.rollback()


async def test_before_a_long_wait_the_connection_goes_back_to_the_pool(
    one_connection: AsyncEngine,
) -> None:
    """An upload's body can take minutes to arrive (db.release_before_waiting)."""
    name = f"Read before the upload {uuid.uuid4()}"
    async with create_sessionmaker(one_connection)() as session:
        await ADD_ORGANISATION.fetch(session, {"id": uuid.uuid4(), "name": name})
        await release_before_waiting(session)
        assert _checked_out(one_connection) == 0
        assert await _name_count(one_connection, name) == 1  # committed, on the pool's one
        after = await BACKEND.fetch_one(session, {})  # borrows again
        assert after is not None
        await session.commit()
    assert _checked_out(one_connection) == 0


async def _fails_inside(maker: Maker, statement: str) -> None:
    async with maker() as session:
        await BACKEND.fetch(session, {})
        if statement == "driver":
            await DriverStatement(text("SELECT 1 / 0 AS n")).fetch(session, {})
        else:
            await session.execute(text("SELECT 1 / 0"))


@pytest.mark.parametrize("statement", ["driver", "orm"])
async def test_a_session_that_fails_still_gives_its_connection_back(
    maker: Maker, one_connection: AsyncEngine, statement: str
) -> None:
    with pytest.raises(DBAPIError, match="division by zero"):
        await _fails_inside(maker, statement)
    assert _checked_out(one_connection) == 0
    async with maker() as session:  # and the connection still answers
        assert await BACKEND.fetch_one(session, {}) is not None


async def test_the_app_serves_its_routes_from_a_pool_of_one_connection(
    settings: Settings, one_connection: AsyncEngine
) -> None:
    """The real routes: the first request after signing in finds the principal through the ORM
    (the cache has not seen the token), then reads the case on the driver; recording an outcome
    runs its one statement outside a transaction; creating a case writes through the ORM. With
    a second connection needed anywhere, the pool's timeout would fail them."""
    async with create_sessionmaker(one_connection)() as session:
        organisation = await accounts.create_organisation(
            session, None, name=f"One connection NGO {uuid.uuid4()}", kind=OrganisationKind.NGO
        )
        lawyer = await accounts.create_user(
            session,
            None,
            email=f"lawyer.{uuid.uuid4().hex[:8]}@example.org",
            display_name="One Connection",
            role=Role.LAWYER,
            password=PASSWORD,
            preferred_language=Language.EN,
            organisation_id=organisation.id,
        )
        await session.commit()
    transport = httpx.ASGITransport(app=committing_app(settings, one_connection))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        headers = await bearer_for(client, lawyer)
        created = await client.post("/api/v1/cases", json=new_codes_case(), headers=headers)
        assert created.status_code == 201, created.text
        case_id = created.json()["id"]
        hearing = await client.post(
            f"/api/v1/cases/{case_id}/hearings",
            json={"hearing_date": iso(-1), "purpose": "charge_hearing"},
            headers=headers,
        )
        assert hearing.status_code == 201, hearing.text
        outcome = await client.post(
            f"/api/v1/hearings/{hearing.json()['id']}/outcome",
            json={
                "version": hearing.json()["version"],
                "outcome": "adjourned",
                "adjournment_reason": "court_busy",
                "next_date": iso(14),
            },
            headers=headers,
        )
        assert outcome.status_code == 200, outcome.text
        for path in (
            f"/cases/{case_id}",
            f"/api/v1/cases/{case_id}",
            f"/cases/{case_id}/timeline",
            f"/api/v1/cases/{case_id}/hearings",
            "/cases",
            "/hearings",
        ):
            response = await client.get(path, headers=headers)
            assert response.status_code == 200, (path, response.text[:300])
        assert _checked_out(one_connection) == 0
