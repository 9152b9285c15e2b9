"""Engine, sessions, the declarative base and the database roles.

Two roles touch the database: the owner runs migrations; the app connects as a role that may
read and write ordinary tables but can only INSERT into append-only ones (audit log, timeline,
custody). Privileges and triggers both enforce it, so a bug or an injected statement in the app
cannot rewrite history.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request, Response
from fastapi.routing import APIRoute
from sqlalchemy import DateTime, MetaData, Result, func, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tafteesh.errors import Conflict
from tafteesh.lending import LendingSession

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def uuid_pk() -> Mapped[uuid.UUID]:
    """A random, non-sequential primary key: ids in URLs must not be enumerable."""
    return mapped_column(primary_key=True, default=uuid.uuid4)


def created_at_column() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


def append_only(table_args: dict[str, object] | None = None) -> dict[str, object]:
    """``__table_args__`` marker for tables whose rows may be inserted but never changed."""
    args: dict[str, object] = dict(table_args or {})
    args["info"] = {"append_only": True}
    return args


def append_only_tables() -> list[str]:
    return sorted(t.name for t in Base.metadata.sorted_tables if t.info.get("append_only"))


def as_dicts(result: Result[*tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Rows as plain dicts, for lists that go straight to a template or a response model.

    The column names are read once: ``dict(row._mapping)`` looks every key up through the
    mapping protocol, which for a page of rows cost more than fetching them.
    """
    keys = tuple(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result]


def async_url(url: str | URL) -> URL:
    """Accept postgresql:// or postgresql+asyncpg:// and return the asyncpg form."""
    parsed = make_url(url) if isinstance(url, str) else url
    return parsed.set(drivername="postgresql+asyncpg")


def driver_dsn(url: URL) -> str:
    """The URL as asyncpg takes it, for connections made without SQLAlchemy."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def create_engine(url: str | URL, **kwargs: object) -> AsyncEngine:
    options: dict[str, object] = {"pool_pre_ping": False}
    options.update(kwargs)
    return create_async_engine(async_url(url), **options)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[LendingSession]:
    """Sessions that borrow one pooled connection when first needed (tafteesh.lending)."""
    return async_sessionmaker(
        engine, class_=LendingSession, expire_on_commit=False, autoflush=False
    )


def create_read_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[LendingSession]:
    """Sessions for ``read_only`` routes: every statement commits on its own (no BEGIN/COMMIT)."""
    return create_sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"))


def _autocommits(session: AsyncSession) -> bool:
    return isinstance(session, LendingSession) and session.lent.autocommits


_READ_ONLY = "__tafteesh_read_only__"
_SAFE_METHODS = frozenset({"GET", "HEAD"})

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def read_only(endpoint: Endpoint) -> Endpoint:
    """Mark a GET route whose one write is its audit row: it runs without BEGIN and COMMIT.

    At READ COMMITTED, which the app uses, every statement already reads its own snapshot, so a
    transaction around a page's reads adds no consistency; it only adds two round trips and
    their bookkeeping, a tenth of a page's cost. With a single write there is nothing to
    half-write, and the audit row is kept even if the page then fails to render, which records
    a read that was attempted. A route that writes anything else must not carry this mark.
    Apply it below the router's decorator.
    """
    setattr(endpoint, _READ_ONLY, True)
    return endpoint


async def get_session(request: Request) -> AsyncSession:
    """The request's session, which ``TransactionalRoute`` opened around the whole request."""
    session: AsyncSession | None = getattr(request.state, "db_session", None)
    if session is None:
        raise RuntimeError(f"{request.url.path} needs a router with route_class=TransactionalRoute")
    return session


DbSession = Annotated[AsyncSession, Depends(get_session)]


async def release_before_waiting(session: AsyncSession) -> None:
    """Commit what the request did so far (its reads and their audit rows) and give its
    connection back to the pool, before waiting on something slow: an upload's body from a phone
    can take minutes, and a connection held idle in a transaction that long is one fewer for
    everyone else. The request's writes then run in a transaction of their own, committed as
    usual; objects already loaded stay usable (sessions do not expire them on commit).
    """
    if session.in_transaction():
        await session.commit()
    if isinstance(session, LendingSession):
        await session.lent.give_back()  # a session keeps its lent connection across commits


def grant_app_privileges(connection: Connection, app_role: str) -> None:
    """Give the app role what it needs and nothing that could rewrite history.

    Run after every migration (migrations/env.py), so new tables are covered without each
    revision repeating the grants.
    """
    role = connection.dialect.identifier_preparer.quote(app_role)
    connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
    connection.execute(
        text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
    )
    connection.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"))
    connection.execute(text(f"REVOKE TRUNCATE ON ALL TABLES IN SCHEMA public FROM {role}"))
    connection.execute(text(f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {role}"))
    for table in append_only_tables():
        quoted = connection.dialect.identifier_preparer.quote(table)
        connection.execute(text(f"REVOKE UPDATE, DELETE, TRUNCATE ON {quoted} FROM {role}"))


class TransactionalRoute(APIRoute):
    """One session per request, committed before the response is returned, not after it is sent.

    The session is opened here, around the dependencies and the handler, rather than by a
    dependency with ``yield``: FastAPI runs such a dependency's exit after the response has gone
    out, too late to tell the client a write failed, and wraps it in cancel scopes and an exit
    stack that cost every request more than opening the session does.

    A handler that returns normally commits (a failed sign-in returns its 401 and still commits
    the attempt it counted); an exception rolls everything back. A commit that fails becomes an
    error response, so the client is never told 200 about a write that was lost. A ``read_only``
    GET gets an AUTOCOMMIT session instead, whose statements have committed as they ran: there
    is nothing left to commit. Objects such a route added or changed would never be flushed, so
    it fails loudly instead, in the tests as in production. After the commit it runs the app's
    ``after_commit`` hooks (``app.state.after_commit``), each given the committed session.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        marked_read_only = getattr(self.endpoint, _READ_ONLY, False)

        async def handle(request: Request) -> Response:
            read_only = marked_read_only and request.method in _SAFE_METHODS
            state = request.app.state
            maker = state.read_sessionmaker if read_only else state.sessionmaker
            session = maker()
            try:
                request.state.db_session = session
                response = await handler(request)
                if read_only and _has_changes(session):
                    raise RuntimeError(
                        f"{request.url.path} is marked read_only but changed objects that an "
                        "AUTOCOMMIT session would never save: remove the mark"
                    )
                if session.in_transaction() and not _autocommits(session):
                    try:
                        await session.commit()
                    except DBAPIError as exc:
                        await session.rollback()
                        raise CommitFailed() from exc
                for hook in getattr(state, "after_commit", ()):
                    hook(session)
            except BaseException:
                # A rollback may lie ahead: closed as ``async with`` closes, in a task of its
                # own that a cancellation cannot abandon halfway, the connection in limbo.
                await session.__aexit__(None, None, None)
                raise
            # Committed, or every statement committed as it ran: closing only hands the
            # connection back to the pool and waits on nothing, so it is done here and now,
            # without the task ``async with`` makes for it (a task and a turn of the event loop
            # on every request).
            await session.close()
            return response

        return handle


def _has_changes(session: AsyncSession) -> bool:
    return bool(
        session.new or session.deleted or any(session.is_modified(o) for o in session.dirty)
    )


class CommitFailed(Conflict):
    """The database refused the transaction at commit: nothing of the request was saved."""

    code = "commit_failed"

    def __init__(self) -> None:
        super().__init__(
            "Nothing was saved: the database refused the change, probably because of another "
            "change made at the same moment. Please try again."
        )
