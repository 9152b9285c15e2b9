"""Statements on the driver (tafteesh.driver) behave as ``session.execute`` would: in the
session's transaction, after its pending changes, with SQLAlchemy's exceptions."""

from __future__ import annotations

import uuid
from typing import cast

import pytest
from sqlalchemy import BigInteger, Table, bindparam, func, insert, inspect, select, text
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tafteesh.auth.models import Organisation
from tafteesh.auth.roles import OrganisationKind
from tafteesh.db import create_read_sessionmaker, create_sessionmaker
from tafteesh.driver import DriverStatement, as_loaded, columns_of
from tafteesh.hearings.models import Hearing

_TXID = DriverStatement(select(func.txid_current(type_=BigInteger).label("txid")))
_ORGANISATIONS = cast(Table, Organisation.__table__)
_ORGANISATION_NAMED = DriverStatement(
    select(_ORGANISATIONS.c.id, _ORGANISATIONS.c.kind).where(
        _ORGANISATIONS.c.name == bindparam("name")
    )
)
_ADD_ORGANISATION = DriverStatement(
    insert(_ORGANISATIONS)
    .values(id=bindparam("id"), name=bindparam("name"), kind=OrganisationKind.NGO.value)
    .returning(_ORGANISATIONS.c.id)
)


async def _same_transaction(session: AsyncSession) -> bool:
    """The driver's statement and SQLAlchemy's next one ran in one transaction."""
    first = await _TXID.fetch_one(session, {})
    assert first is not None
    return bool(first.txid == await session.scalar(text("SELECT txid_current()")))


async def test_a_first_statement_on_the_driver_begins_the_sessions_transaction(
    app_engine: AsyncEngine,
) -> None:
    async with create_sessionmaker(app_engine)() as session:
        assert await _same_transaction(session)
        await session.commit()
        # A new transaction after the commit, perhaps on another connection: still shared.
        assert await _same_transaction(session)
        await session.rollback()


async def test_a_write_on_the_driver_rolls_back_with_the_session(app_engine: AsyncEngine) -> None:
    name = f"Driver rollback {uuid.uuid4()}"
    async with create_sessionmaker(app_engine)() as session:
        await _ADD_ORGANISATION.fetch(session, {"id": uuid.uuid4(), "name": name})
        await session.rollback()
    async with create_sessionmaker(app_engine)() as session:
        assert await _ORGANISATION_NAMED.fetch(session, {"name": name}) == []


async def test_on_an_autocommit_session_each_statement_commits_as_it_runs(
    app_engine: AsyncEngine,
) -> None:
    async with create_read_sessionmaker(app_engine)() as session:
        assert not await _same_transaction(session)


async def test_it_sees_what_the_session_has_not_flushed_yet(session: AsyncSession) -> None:
    session.add(Organisation(name="Pending NGO", kind=OrganisationKind.NGO))
    found = await _ORGANISATION_NAMED.fetch_one(session, {"name": "Pending NGO"})
    assert found is not None
    # Rows read by name, by position and as attributes.
    assert found["kind"] == found[1] == found.kind == "ngo"
    with pytest.raises(AttributeError):
        _ = found.no_such_column


async def test_database_errors_are_sqlalchemys_and_the_session_recovers(
    session: AsyncSession,
) -> None:
    name = "Twice Named NGO"
    await _ADD_ORGANISATION.fetch(session, {"id": uuid.uuid4(), "name": name})
    savepoint = await session.begin_nested()
    with pytest.raises(IntegrityError):
        await _ADD_ORGANISATION.fetch(session, {"id": uuid.uuid4(), "name": name})
    await savepoint.rollback()
    savepoint = await session.begin_nested()
    with pytest.raises(DBAPIError, match="division by zero"):
        await DriverStatement(text("SELECT 1 / 0 AS n")).fetch(session, {})
    await savepoint.rollback()
    assert await _ORGANISATION_NAMED.fetch_one(session, {"name": name}) is not None


def test_statements_it_cannot_run_as_sqlalchemy_would_are_refused() -> None:
    hearings = cast(Table, Hearing.__table__)
    dialect = PGDialect_asyncpg()
    # Python-side column defaults would be left out: the server's must fill them instead.
    with pytest.raises(TypeError, match="server defaults"):
        DriverStatement(insert(hearings).values(case_id=bindparam("case_id")))._compile(dialect)
    with pytest.raises(TypeError, match="expanding"):
        DriverStatement(
            select(hearings.c.id).where(hearings.c.id.in_(bindparam("ids", expanding=True)))
        )._compile(dialect)
    # A column whose type SQLAlchemy would process after the driver decoded it.
    with pytest.raises(TypeError, match="processing"):
        DriverStatement(select(func.txid_current().label("txid")))._compile(dialect)


def test_values_fixed_in_the_statement_are_bound_from_it() -> None:
    hearings = cast(Table, Hearing.__table__)
    statement = DriverStatement(
        select(hearings.c.id).where(
            hearings.c.case_id == bindparam("case_id"), hearings.c.status == "scheduled"
        )
    )
    compiled = statement._compile(PGDialect_asyncpg())
    case_id = uuid.uuid4()
    assert compiled.arguments({"case_id": case_id}) == [case_id, "scheduled"]
    with pytest.raises(KeyError):
        compiled.arguments({})


_ORGANISATION_ROW = DriverStatement(
    select(*columns_of(Organisation)).where(_ORGANISATIONS.c.id == bindparam("id"))
)


async def test_a_row_becomes_an_orm_object_as_if_a_query_had_loaded_it(
    session: AsyncSession,
) -> None:
    added = Organisation(name="Loaded NGO", kind=OrganisationKind.NGO)
    session.add(added)
    await session.flush()
    organisation_id = added.id
    session.expunge(added)

    row = await _ORGANISATION_ROW.fetch_one(session, {"id": organisation_id})
    assert row is not None
    organisation = as_loaded(session, Organisation, row)
    assert organisation is not added
    assert inspect(organisation).persistent
    assert not session.dirty  # its values are the committed state, not changes
    # Changing it is an UPDATE of that row, as for an object the ORM loaded.
    organisation.name = "Renamed NGO"
    await session.flush()
    renamed = await _ORGANISATION_NAMED.fetch_one(session, {"name": "Renamed NGO"})
    assert renamed is not None
    assert renamed.id == organisation_id


async def test_an_object_the_session_holds_is_reused_and_its_expired_values_filled_in(
    session: AsyncSession,
) -> None:
    organisation = Organisation(name="Held NGO", kind=OrganisationKind.NGO)
    session.add(organisation)
    await session.flush()
    organisation_id = organisation.id
    session.expire(organisation)
    row = await _ORGANISATION_ROW.fetch_one(session, {"id": organisation_id})
    assert row is not None
    assert as_loaded(session, Organisation, row) is organisation
    # Filled from the row: reading it needs no SQL (which would fail here, outside a greenlet).
    assert organisation.name == "Held NGO"
