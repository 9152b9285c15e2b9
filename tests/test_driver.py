"""Statements on the driver (tafteesh.driver) behave as ``session.execute`` would: in the
session's transaction, after its pending changes, with SQLAlchemy's exceptions."""

from __future__ import annotations

import uuid
from typing import cast

import pytest
from sqlalchemy import (
    Enum,
    Numeric,
    String,
    Table,
    Uuid,
    bindparam,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.exc import DBAPIError, IntegrityError, PendingRollbackError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from tafteesh.auth.models import Organisation
from tafteesh.auth.roles import OrganisationKind
from tafteesh.db import create_engine, create_read_sessionmaker, create_sessionmaker
from tafteesh.driver import DriverStatement, as_loaded, columns_of
from tafteesh.hearings.models import Hearing
from tests.conftest import ProvisionedDatabase
from tests.helpers import ADD_ORGANISATION, BACKEND, ORGANISATIONS, TXID

_ORGANISATION_NAMED = DriverStatement(
    select(ORGANISATIONS.c.id, ORGANISATIONS.c.kind).where(
        ORGANISATIONS.c.name == bindparam("name")
    )
)


async def _same_transaction(session: AsyncSession) -> bool:
    """The driver's statement and SQLAlchemy's next one ran in one transaction."""
    first = await TXID.fetch_one(session, {})
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
        await ADD_ORGANISATION.fetch(session, {"id": uuid.uuid4(), "name": name})
        await session.rollback()
    async with create_sessionmaker(app_engine)() as session:
        assert await _ORGANISATION_NAMED.fetch(session, {"name": name}) == []


async def test_with_begin_false_a_statement_runs_before_the_transaction_it_does_not_begin(
    app_engine: AsyncEngine,
) -> None:
    async with create_sessionmaker(app_engine)() as session:
        alone = await TXID.fetch_one(session, {}, begin=False)
        assert alone is not None
        # The next statement begins the transaction, as it would have without the first.
        assert await _same_transaction(session)
        inside = await TXID.fetch_one(session, {}, begin=False)
        assert inside is not None
        assert inside.txid != alone.txid
        assert inside.txid == await session.scalar(text("SELECT txid_current()"))
        await session.rollback()


async def test_a_write_with_begin_false_commits_as_it_runs(app_engine: AsyncEngine) -> None:
    name = f"Driver alone {uuid.uuid4()}"
    async with create_sessionmaker(app_engine)() as session:
        await ADD_ORGANISATION.fetch(session, {"id": uuid.uuid4(), "name": name}, begin=False)
        await session.rollback()  # nothing to undo: the statement committed by itself
    async with create_sessionmaker(app_engine)() as session:
        assert len(await _ORGANISATION_NAMED.fetch(session, {"name": name})) == 1
        await session.execute(text("DELETE FROM organisations WHERE name = :name"), {"name": name})
        await session.commit()


async def test_on_an_autocommit_session_each_statement_commits_as_it_runs(
    app_engine: AsyncEngine,
) -> None:
    async with create_read_sessionmaker(app_engine)() as session:
        assert not await _same_transaction(session)


async def test_it_flushes_pending_changes_only_when_the_session_autoflushes(
    connection: AsyncConnection, session: AsyncSession
) -> None:
    # The app's sessions do not autoflush: a pending change stays pending, as it would for
    # session.execute (a read_only route's guard still sees it; services flush themselves).
    session.add(Organisation(name="Pending NGO", kind=OrganisationKind.NGO))
    assert await _ORGANISATION_NAMED.fetch_one(session, {"name": "Pending NGO"}) is None
    assert session.new
    async with AsyncSession(
        bind=connection, autoflush=True, join_transaction_mode="create_savepoint"
    ) as flushing:
        flushing.add(Organisation(name="Flushed NGO", kind=OrganisationKind.NGO))
        found = await _ORGANISATION_NAMED.fetch_one(flushing, {"name": "Flushed NGO"})
        assert found is not None
        # Rows read by name, by position and as attributes.
        assert found["kind"] == found[1] == found.kind == "ngo"
        with pytest.raises(AttributeError):
            _ = found.no_such_column


async def test_after_a_failed_flush_it_refuses_as_the_session_does(
    app_engine: AsyncEngine,
) -> None:
    async with create_sessionmaker(app_engine)() as session:
        await TXID.fetch(session, {})  # the connection is now looked up and kept
        session.add(Organisation(name="Twin NGO", kind=OrganisationKind.NGO))
        session.add(Organisation(name="Twin NGO", kind=OrganisationKind.NGO))
        with pytest.raises(IntegrityError):
            await session.flush()
        # Not a transaction of its own behind the session's back.
        with pytest.raises(PendingRollbackError):
            await TXID.fetch(session, {})
        await session.rollback()
        assert await _same_transaction(session)
        await session.rollback()


@pytest.mark.parametrize(
    ("read_session", "orm_first"), [(False, False), (True, False), (True, True)]
)
async def test_a_lost_connection_is_invalidated_and_the_pool_replaces_it(
    test_database: ProvisionedDatabase, app_engine: AsyncEngine, read_session: bool, orm_first: bool
) -> None:
    """A writing session's transaction, and a read session's lent connection
    (tafteesh.lending.LentConnection), whether the ORM had made its Connection around it or not."""
    engine = create_engine(test_database.urls.app, pool_size=1, max_overflow=0)
    maker = (create_read_sessionmaker if read_session else create_sessionmaker)(engine)
    try:
        async with maker() as session:
            if orm_first:
                await session.execute(text("SELECT 1"))
            backend = await BACKEND.fetch_one(session, {})
            assert backend is not None
            async with app_engine.connect() as other:
                await other.execute(text(f"SELECT pg_terminate_backend({backend.pid})"))
            with pytest.raises(DBAPIError) as lost:
                await BACKEND.fetch(session, {})
            assert lost.value.connection_invalidated
            await session.rollback()
        assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        # The pool's only connection was the lost one: a new one answers now.
        async with maker() as session:
            again = await BACKEND.fetch_one(session, {})
            assert again is not None
            assert again.pid != backend.pid
    finally:
        await engine.dispose()


async def test_a_json_none_is_bound_as_json_null_as_sqlalchemy_binds_it(
    session: AsyncSession,
) -> None:
    kind = DriverStatement(
        select(func.jsonb_typeof(bindparam("value", type_=JSONB), type_=String).label("kind"))
    )
    row = await kind.fetch_one(session, {"value": None})
    assert row is not None
    assert row.kind == "null"


async def test_database_errors_are_sqlalchemys_and_the_session_recovers(
    session: AsyncSession,
) -> None:
    name = "Twice Named NGO"
    await ADD_ORGANISATION.fetch(session, {"id": uuid.uuid4(), "name": name})
    savepoint = await session.begin_nested()
    with pytest.raises(IntegrityError):
        await ADD_ORGANISATION.fetch(session, {"id": uuid.uuid4(), "name": name})
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
    # Columns whose type SQLAlchemy would process after the driver decoded them.
    for column in (
        func.txid_current().label("txid"),
        sql_cast(bindparam("n"), Numeric(asdecimal=False)).label("n"),
        sql_cast(bindparam("s"), Enum("a", "b", name="letters")).label("s"),
        sql_cast(bindparam("u"), Uuid(as_uuid=False)).label("u"),
    ):
        with pytest.raises(TypeError, match="processing"):
            DriverStatement(select(column))._compile(dialect)


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
    select(*columns_of(Organisation)).where(ORGANISATIONS.c.id == bindparam("id"))
)


async def _flushed_organisation(session: AsyncSession, name: str) -> Organisation:
    organisation = Organisation(name=name, kind=OrganisationKind.NGO)
    session.add(organisation)
    await session.flush()
    return organisation


async def test_a_row_becomes_an_orm_object_as_if_a_query_had_loaded_it(
    session: AsyncSession,
) -> None:
    added = await _flushed_organisation(session, "Loaded NGO")
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
    organisation = await _flushed_organisation(session, "Held NGO")
    organisation_id = organisation.id
    session.expire(organisation)
    row = await _ORGANISATION_ROW.fetch_one(session, {"id": organisation_id})
    assert row is not None
    assert as_loaded(session, Organisation, row) is organisation
    # Filled from the row: reading it needs no SQL (which would fail here, outside a greenlet).
    assert organisation.name == "Held NGO"
