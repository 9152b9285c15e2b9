"""Test harness: a throwaway PostgreSQL database migrated with Alembic, one transaction per test.

The database is a fresh one on the embedded server (pgserver), or on the server named by
``TAFTEESH_TEST_DATABASE_URL`` (a superuser URL) when that is set. Each test runs inside a
transaction on the app's own database role, rolled back at the end; requests commit to
savepoints inside it.
"""

from __future__ import annotations

import asyncio
import functools
import os
import secrets
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from tafteesh import migrate
from tafteesh.auth import passwords, sessions
from tafteesh.auth import service as accounts
from tafteesh.auth.models import Organisation, User
from tafteesh.auth.roles import Language, OrganisationKind, Role
from tafteesh.config import Settings
from tafteesh.db import create_engine
from tafteesh.embedded import (
    DatabaseUrls,
    drop_database,
    provision_database,
    start_embedded_server,
    stop_embedded_server,
)
from tafteesh.main import create_app
from tests.helpers import PASSWORD


@dataclass(frozen=True)
class ProvisionedDatabase:
    admin: URL
    urls: DatabaseUrls
    name: str


@pytest.fixture(scope="session")
def test_database() -> Iterator[ProvisionedDatabase]:
    configured = os.environ.get("TAFTEESH_TEST_DATABASE_URL")
    # Its own folder, not pytest's tmp_path: pytest prunes old base folders, which would pull
    # the data directory from under a server that a concurrent run still uses.
    folder = None if configured else Path(tempfile.mkdtemp(prefix="tafteesh-test-pg-"))
    admin = make_url(configured) if configured else start_embedded_server(folder)  # type: ignore[arg-type]
    name = f"tafteesh_test_{secrets.token_hex(4)}"
    urls = asyncio.run(provision_database(admin, database=name))
    migrate.upgrade(urls.owner, app_role=urls.app.username)
    yield ProvisionedDatabase(admin=admin, urls=urls, name=name)
    asyncio.run(drop_database(admin, name))
    if folder is not None:
        stop_embedded_server(folder)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def settings(
    test_database: ProvisionedDatabase, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    return Settings(
        database_url=test_database.urls.app.render_as_string(hide_password=False),
        migration_database_url=test_database.urls.owner.render_as_string(hide_password=False),
        data_dir=tmp_path_factory.mktemp("data"),
        secret_key=secrets.token_urlsafe(48),
    )


@pytest.fixture(scope="session")
async def app_engine(test_database: ProvisionedDatabase) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(test_database.urls.app, pool_size=5)
    yield engine
    await engine.dispose()


@pytest.fixture
async def connection(app_engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """The test's connection, as the app role, inside a transaction rolled back afterwards."""
    async with app_engine.connect() as conn:
        transaction = await conn.begin()
        yield conn
        if transaction.is_active:
            await transaction.rollback()


@pytest.fixture
def sessionmaker(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(
        bind=connection,
        expire_on_commit=False,
        autoflush=False,
        join_transaction_mode="create_savepoint",
    )


@pytest.fixture
async def session(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    async with sessionmaker() as s:
        yield s


@pytest.fixture(scope="session")
def shared_app(settings: Settings) -> FastAPI:
    """One app for the tests that need no settings of their own: FastAPI prepares every route
    of a new app on its first request (a quarter of a second), which for each of the suite's
    tests made a third of its running time."""
    return create_app(settings)


@pytest.fixture
def app(
    shared_app: FastAPI,
    settings: Settings,
    app_engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> FastAPI:
    """The shared app bound to this test's transaction, with the session's settings (a test
    may change them on ``app.state``; the next test gets them back)."""
    application = shared_app
    application.state.settings = settings
    application.state.engine = app_engine
    application.state.sessionmaker = sessionmaker
    # Read-only routes too: every test's work rolls back with its transaction.
    application.state.read_sessionmaker = sessionmaker
    return application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


# -- factories -------------------------------------------------------------------------------


MakeOrganisation = Callable[..., Awaitable[Organisation]]
MakeUser = Callable[..., Awaitable[User]]


@pytest.fixture
def make_organisation(session: AsyncSession) -> MakeOrganisation:
    async def factory(**overrides: Any) -> Organisation:
        fields: dict[str, Any] = {
            "name": f"Organisation {uuid.uuid4().hex[:8]}",
            "kind": OrganisationKind.NGO,
        }
        fields.update(overrides)
        organisation = await accounts.create_organisation(session, None, **fields)
        await session.commit()
        return organisation

    return factory


@pytest.fixture
def make_user(session: AsyncSession, make_organisation: MakeOrganisation) -> MakeUser:
    async def factory(role: Role = Role.LAWYER, **overrides: Any) -> User:
        fields: dict[str, Any] = {
            "email": f"{role.value}.{uuid.uuid4().hex[:8]}@example.org",
            "display_name": f"Test {role.label}",
            "role": role,
            "password": PASSWORD,
            "preferred_language": Language.EN,
        }
        fields.update(overrides)
        if "organisation_id" not in fields:
            fields["organisation_id"] = (await make_organisation()).id
        user = await accounts.create_user(session, None, **fields)
        await session.commit()
        return user

    return factory


# -- speed -----------------------------------------------------------------------------------


@functools.cache
def _shared_hash() -> str:
    return passwords.hash_password(PASSWORD)


@functools.lru_cache(maxsize=64)
def _memoised_verify(password_hash: str | None, password: str) -> bool:
    return passwords.verify_password(password_hash, password)


@pytest.fixture(autouse=True)
def _one_password_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 costs ~60 ms per hash and as much per check, twice per person in every test.

    Hashing the test password returns one real argon2 hash made once; checking a (hash,
    password) pair is memoised. Sign-in still goes through the real code and a real hash.
    """

    def hash_password(password: str) -> str:
        return _shared_hash() if password == PASSWORD else passwords.hash_password(password)

    monkeypatch.setattr(accounts, "hash_password", hash_password)
    monkeypatch.setattr(sessions, "hash_password", hash_password)
    monkeypatch.setattr(sessions, "verify_password", _memoised_verify)
