"""Sessions that borrow one pooled connection when first needed, for the driver and the ORM alike.

A request's statements mostly run on the driver (tafteesh.driver), outside any transaction: the
case read with its reader's relation, a page's reads with their audit row, an outcome recorded in
one statement. Through a plain session each request still paid for SQLAlchemy's transaction
machinery around them (the session transaction, a ``Connection``, the greenlets that connect,
commit and close): 74 µs a request in one process, against 18 µs for a connection lent straight
from the pool (bench/README.md, finding 36), most of a tenth of a case page.

So a ``LendingSession`` lends its driver statements a pooled connection directly, and hands the
ORM (and any statement that must run in the session's transaction) a SQLAlchemy ``Connection``
made around the same pooled connection, on demand, in either order. A session never holds two
pooled connections: under load, requests holding one and waiting for a second could empty the
pool. The ``Connection``, once made, owns the pooled connection (invalidation, the reset of its
isolation level, its return); the session keeps it across its transactions and gives it back
when it closes, or when ``give_back`` is asked to before a long wait.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.util import greenlet_spawn


class LentConnection:
    """The pooled connection a ``LendingSession`` borrows, from its first statement to its close."""

    __slots__ = ("engine", "autocommits", "pooled", "connection")

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # A read session's engine is made AUTOCOMMIT (db.create_read_sessionmaker).
        self.autocommits = engine.get_execution_options().get("isolation_level") == "AUTOCOMMIT"
        self.pooled: PoolProxiedConnection | None = None
        self.connection: Connection | None = None

    async def dbapi_connection(self) -> Any:
        """SQLAlchemy's asyncpg adapter of the lent connection, for a statement on the driver."""
        if self.connection is not None:
            if self.connection.invalidated:  # reconnects, or raises as the ORM's next would
                await greenlet_spawn(getattr, self.connection, "connection")
            return self.connection.connection.dbapi_connection
        if self.pooled is None:
            self.pooled = await greenlet_spawn(self._checkout)
        return self.pooled.dbapi_connection

    def for_orm(self) -> Connection:
        """The lent connection as a SQLAlchemy ``Connection`` (in the session's greenlet)."""
        if self.connection is None:
            # Made by the session's engine, whose connect event sets AUTOCOMMIT on a read's.
            self.connection = Connection(self.engine, self.pooled or self._checkout())
            self.pooled = None  # the Connection owns it now, invalidation and return included
        return self.connection

    async def invalidate(self, error: BaseException) -> None:
        """Close a connection found lost, so the pool replaces it instead of lending it again."""
        if self.connection is not None:
            await greenlet_spawn(self.connection.invalidate, error)
        elif self.pooled is not None:
            pooled, self.pooled = self.pooled, None
            await greenlet_spawn(pooled.invalidate, error)  # closing it awaits the driver

    async def give_back(self) -> None:
        """Return the connection to the pool; a later statement borrows one again."""
        if self.connection is not None:
            connection, self.connection = self.connection, None
            await greenlet_spawn(connection.close)  # rolls back what is left open
        elif self.pooled is not None:
            pooled, self.pooled = self.pooled, None
            # Only statements outside a transaction ran on it (``for_orm`` takes it over before
            # one begins), so the pool's rollback on return has nothing to wait on.
            pooled.close()

    def _checkout(self) -> PoolProxiedConnection:
        dialect = self.engine.dialect
        try:
            return self.engine.raw_connection()
        except dialect.loaded_dbapi.Error as error:  # as Connection() reports it
            raise DBAPIError.instance(
                None, None, error, dialect.loaded_dbapi.Error, dialect=dialect
            ) from error


class _BorrowingSession(Session):
    """A ``LendingSession``'s ORM side: every statement's bind is the lent connection."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assert isinstance(self.bind, Engine), "a lending session is made on an engine"
        self.lent = LentConnection(self.bind)

    def get_bind(self, *args: Any, **kwargs: Any) -> Engine | Connection:
        return self.lent.for_orm()


class LendingSession(AsyncSession):
    """An ``AsyncSession`` on a ``LentConnection`` (made by ``db.create_sessionmaker``)."""

    sync_session_class = _BorrowingSession

    @property
    def lent(self) -> LentConnection:
        return cast(_BorrowingSession, self.sync_session).lent

    async def commit(self) -> None:
        # ``dirty`` holds every object an attribute was set on, changed or not: what a flush
        # would look at, and a flush asks for a connection.
        if self.lent.connection is None and not (self.new or self.dirty or self.deleted):
            # Nothing began on the database and nothing is pending: ending the session's
            # transaction writes nothing and awaits nothing, so it needs no greenlet.
            self.sync_session.commit()
        else:
            await super().commit()

    async def close(self) -> None:
        if self.lent.connection is None:
            # The ORM never connected: closing only detaches its objects, and awaits nothing.
            self.sync_session.close()
        else:
            await super().close()
        await self.lent.give_back()
