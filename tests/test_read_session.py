"""A read-only request's session (db.ReadSession) holds one pooled connection, lent when first
needed: its driver statements and its ORM statements share it, each commits as it runs, and it
goes back to the pool as it came, whatever the request did with it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import cast

import pytest
from sqlalchemy import BigInteger, Integer, Table, bindparam, func, insert, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from tafteesh.auth.models import Organisation
from tafteesh.auth.roles import OrganisationKind
from tafteesh.db import ReadSession, create_engine, create_read_sessionmaker, create_sessionmaker
from tafteesh.driver import DriverStatement
from tests.conftest import ProvisionedDatabase

_BACKEND = DriverStatement(select(func.pg_backend_pid(type_=Integer).label("pid")))
_TXID = DriverStatement(select(func.txid_current(type_=BigInteger).label("txid")))
_ORGANISATIONS = cast(Table, Organisation.__table__)
_ADD_ORGANISATION = DriverStatement(
    insert(_ORGANISATIONS)
    .values(id=bindparam("id"), name=bindparam("name"), kind=OrganisationKind.NGO.value)
    .returning(_ORGANISATIONS.c.id)
)


@pytest.fixture
async def one_connection(test_database: ProvisionedDatabase) -> AsyncIterator[AsyncEngine]:
    """An engine whose pool lends a single connection: a session that asked for a second one
    would wait out the pool's timeout and fail, instead of passing unnoticed."""
    engine = create_engine(test_database.urls.app, pool_size=1, max_overflow=0, pool_timeout=2)
    try:
        yield engine
    finally:
        await engine.dispose()


def _checked_out(engine: AsyncEngine) -> int:
    return cast(int, engine.pool.checkedout())  # type: ignore[attr-defined]


async def _orm_backend(session: ReadSession) -> int:
    return cast(int, await session.scalar(text("SELECT pg_backend_pid()")))


async def test_driver_and_orm_statements_share_the_one_lent_connection(
    one_connection: AsyncEngine,
) -> None:
    maker = create_read_sessionmaker(one_connection)
    async with maker() as session:
        assert _checked_out(one_connection) == 0  # nothing is lent until a statement needs it
        driver_first = await _BACKEND.fetch_one(session, {})
        assert driver_first is not None
        assert await _orm_backend(session) == driver_first.pid
        again = await _BACKEND.fetch_one(session, {})
        assert again is not None
        assert again.pid == driver_first.pid
        assert _checked_out(one_connection) == 1
    assert _checked_out(one_connection) == 0
    async with maker() as session:
        orm_first = await _orm_backend(session)  # the principal on a cache miss goes this way
        after = await _BACKEND.fetch_one(session, {})
        assert after is not None
        assert after.pid == orm_first
    assert _checked_out(one_connection) == 0


async def test_every_statement_commits_as_it_runs(one_connection: AsyncEngine) -> None:
    name = f"Lent and committed {uuid.uuid4()}"
    async with create_read_sessionmaker(one_connection)() as session:
        first = await _TXID.fetch_one(session, {}, begin=True)  # a read session never begins
        second = await _TXID.fetch_one(session, {})
        assert first is not None
        assert second is not None
        assert first.txid != second.txid
        await _ADD_ORGANISATION.fetch(session, {"id": uuid.uuid4(), "name": name})
        assert await session.scalar(text("SELECT txid_current()")) != second.txid
    # Given back without a commit, the write stays: it committed when it ran.
    async with create_sessionmaker(one_connection)() as session:
        found = await session.scalar(select(func.count()).where(_ORGANISATIONS.c.name == name))
        assert found == 1
        await session.execute(_ORGANISATIONS.delete().where(_ORGANISATIONS.c.name == name))
        await session.commit()


async def test_the_connection_goes_back_as_it_came(one_connection: AsyncEngine) -> None:
    """The ORM's Connection made the lent connection AUTOCOMMIT; back in the pool it is not, so
    the next request that writes runs in a transaction as it should."""
    async with create_read_sessionmaker(one_connection)() as session:
        await _orm_backend(session)
    async with create_sessionmaker(one_connection)() as session:
        first = await _TXID.fetch_one(session, {})
        assert first is not None
        assert first.txid == await session.scalar(text("SELECT txid_current()"))
        await session.rollback()


async def _fails_inside(maker: async_sessionmaker[ReadSession], statement: str) -> None:
    async with maker() as session:
        await _BACKEND.fetch(session, {})
        if statement.startswith("driver"):
            await DriverStatement(text("SELECT 1 / 0 AS n")).fetch(session, {})
        else:
            await session.execute(text("SELECT 1 / 0"))


@pytest.mark.parametrize("statement", ["driver", "orm"])
async def test_a_session_that_fails_still_gives_its_connection_back(
    one_connection: AsyncEngine, statement: str
) -> None:
    maker = create_read_sessionmaker(one_connection)
    with pytest.raises(DBAPIError, match="division by zero"):
        await _fails_inside(maker, statement)
    assert _checked_out(one_connection) == 0
    async with maker() as session:  # and the connection still answers
        assert await _BACKEND.fetch_one(session, {}) is not None
