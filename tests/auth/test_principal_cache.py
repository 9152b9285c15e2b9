"""A worker keeps the principals it has checked only while PostgreSQL can tell it of changes:
every change to a session, an account or an organisation makes it forget them all."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth import principal_cache, sessions
from tafteesh.auth.models import AuthSession
from tafteesh.auth.principal import Principal
from tafteesh.auth.principal_cache import CHANNEL, Key, PrincipalCache
from tafteesh.auth.roles import Role
from tafteesh.auth.tokens import read_token
from tafteesh.config import Settings
from tafteesh.db import driver_dsn
from tafteesh.errors import NotAuthenticated
from tests.conftest import MakeUser, ProvisionedDatabase
from tests.helpers import PASSWORD, bearer_for


def _principal() -> Principal:
    return Principal(
        id=uuid.uuid4(),
        email="lawyer@example.org",
        display_name="A lawyer",
        role="lawyer",
        organisation_id=uuid.uuid4(),
        organisation_name="An organisation",
        preferred_language="en",
        session_id=uuid.uuid4(),
    )


def _key(principal: Principal) -> Key:
    return (principal.session_id, principal.id, principal.role)


LATER = datetime.now(UTC) + timedelta(hours=8)


async def _until(condition: Callable[[], bool], what: str, seconds: float = 10) -> None:
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"still not {what} after {seconds} s")


async def _reconnect(cache: PrincipalCache, dsn: str) -> None:
    """Kill the cache's listening connection and wait until it listens again."""
    other = await asyncpg.connect(dsn)
    try:
        await other.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
            principal_cache.APPLICATION_NAME,
        )
    finally:
        await other.close()
    await _until(lambda: not cache.listening, "disconnected")
    await _until(lambda: cache.listening, "listening again")


@pytest.fixture
def dsn(test_database: ProvisionedDatabase) -> str:
    return driver_dsn(test_database.urls.app)


@pytest.fixture
async def listening(dsn: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[PrincipalCache]:
    monkeypatch.setattr(principal_cache, "RECONNECT_SECONDS", 0.05)
    # A name of its own: a live server elsewhere in the suite listens under the usual one.
    monkeypatch.setattr(principal_cache, "APPLICATION_NAME", f"test {uuid.uuid4().hex}")
    cache = PrincipalCache()
    task = asyncio.create_task(cache.listen(dsn))
    await _until(lambda: cache.listening, "listening")
    yield cache
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def test_nothing_is_kept_while_nobody_listens() -> None:
    cache = PrincipalCache()
    principal = _principal()
    cache.keep(_key(principal), principal, LATER, cache.generation)
    assert cache.get(_key(principal)) is None


async def test_a_principal_read_before_a_notice_is_not_kept(listening: PrincipalCache) -> None:
    principal = _principal()
    generation = listening.generation
    listening.forget_all()  # what a notice arriving during the lookup does
    listening.keep(_key(principal), principal, LATER, generation)
    assert listening.get(_key(principal)) is None

    listening.keep(_key(principal), principal, LATER, listening.generation)
    assert listening.get(_key(principal)) is principal


async def test_an_expired_session_is_not_served(listening: PrincipalCache) -> None:
    principal = _principal()
    listening.keep(_key(principal), principal, datetime.now(UTC), listening.generation)
    assert listening.get(_key(principal)) is None


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE auth_sessions SET revoked_at = now() WHERE false",
        "UPDATE users SET is_active = false WHERE false",
        "UPDATE organisations SET name = name WHERE false",
        "DELETE FROM auth_sessions WHERE false",
    ],
)
async def test_any_committed_change_makes_every_worker_forget(
    listening: PrincipalCache, dsn: str, statement: str
) -> None:
    principal = _principal()
    listening.keep(_key(principal), principal, LATER, listening.generation)
    other = await asyncpg.connect(dsn)
    try:
        async with other.transaction():
            await other.execute(statement)  # no row at all: the statement itself notifies
            await asyncio.sleep(0.2)
            assert listening.get(_key(principal)) is principal  # not before it commits
    finally:
        await other.close()
    await _until(lambda: listening.get(_key(principal)) is None, "forgotten")


async def test_a_lost_connection_forgets_everything_and_listens_again(
    listening: PrincipalCache, dsn: str
) -> None:
    principal = _principal()
    listening.keep(_key(principal), principal, LATER, listening.generation)
    other = await asyncpg.connect(dsn)
    try:
        ended = await other.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = $1",
            principal_cache.APPLICATION_NAME,
        )
    finally:
        await other.close()
    assert ended == 1
    await _until(lambda: not listening.listening, "disconnected")
    assert listening.get(_key(principal)) is None
    listening.keep(_key(principal), principal, LATER, listening.generation)
    assert listening.get(_key(principal)) is None  # nothing kept until it listens again
    await _until(lambda: listening.listening, "listening again")


async def test_another_workers_probe_changes_nothing(
    listening: PrincipalCache, dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    on_notice = listening._on_notice

    def recording(connection: object, pid: int, channel: str, payload: str) -> None:
        seen.append(payload)
        on_notice(connection, pid, channel, payload)

    # The listener was given the bound method when it LISTENed; asyncpg calls what it holds,
    # so the recording wrapper goes on the connection through a fresh listen.
    monkeypatch.setattr(listening, "_on_notice", recording)
    await _reconnect(listening, dsn)
    principal = _principal()
    listening.keep(_key(principal), principal, LATER, listening.generation)
    generation = listening.generation
    other = await asyncpg.connect(dsn)
    try:
        await other.execute("SELECT pg_notify($1, 'probe:from-another-worker')", CHANNEL)
    finally:
        await other.close()
    await _until(lambda: "probe:from-another-worker" in seen, "the probe seen")
    assert listening.generation == generation
    assert listening.get(_key(principal)) is principal


async def test_a_worker_whose_notices_do_not_arrive_keeps_nothing(
    dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Behind a pooler that cannot LISTEN, notices never come: the probe finds it out."""
    probes: list[str] = []

    class Deaf(PrincipalCache):
        def _on_notice(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
            probes.append(payload)  # heard by PostgreSQL's count, never acted upon

    monkeypatch.setattr(principal_cache, "PROBE_TIMEOUT_SECONDS", 0.2)
    monkeypatch.setattr(principal_cache, "RECONNECT_SECONDS", 0.05)
    monkeypatch.setattr(principal_cache, "APPLICATION_NAME", f"test {uuid.uuid4().hex}")
    cache = Deaf()
    task = asyncio.create_task(cache.listen(dsn))
    try:
        await _until(lambda: len(probes) >= 2, "probed twice")
        assert not cache.listening
        principal = _principal()
        cache.keep(_key(principal), principal, LATER, cache.generation)
        assert cache.get(_key(principal)) is None
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def test_nothing_kept_is_served_once_the_last_probe_is_too_old(
    listening: PrincipalCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A listening connection that died without a word stops the serving within the lease."""
    principal = _principal()
    listening.keep(_key(principal), principal, LATER, listening.generation)
    assert listening.get(_key(principal)) is principal
    monkeypatch.setattr(principal_cache, "LEASE_SECONDS", 0.0)
    assert not listening.listening
    assert listening.get(_key(principal)) is None


async def test_the_generation_is_read_before_the_lookup(
    listening: PrincipalCache, session: AsyncSession, settings: Settings, make_user: MakeUser
) -> None:
    """A notice that arrives while the principal is being read: the answer is not kept."""
    user = await make_user(Role.LAWYER)
    signed_in = await sessions.sign_in(
        session, settings, email=user.email, password=PASSWORD, client_address="203.0.113.7"
    )
    assert not isinstance(signed_in, Exception), signed_in
    execute = session.execute

    async def notice_during_the_lookup(*args: Any, **kwargs: Any) -> Any:
        result = await execute(*args, **kwargs)
        listening.forget_all()
        return result

    secret = settings.resolved_secret_key()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(session, "execute", notice_during_the_lookup)
        await sessions.principal_from_token(session, secret, signed_in.token, listening)
    key = (signed_in.session_id, user.id, Role.LAWYER.value)
    assert listening.get(key) is None
    # The same lookup with no notice during it is kept under that key.
    principal = await sessions.principal_from_token(session, secret, signed_in.token, listening)
    assert listening.get(key) is principal


async def test_requests_use_the_kept_principal_until_told_of_a_change(
    listening: PrincipalCache, session: AsyncSession, settings: Settings, make_user: MakeUser
) -> None:
    user = await make_user(Role.LAWYER)
    signed_in = await sessions.sign_in(
        session,
        settings,
        email=user.email,
        password=PASSWORD,
        client_address="203.0.113.7",
    )
    assert not isinstance(signed_in, Exception), signed_in
    secret = settings.resolved_secret_key()
    first = await sessions.principal_from_token(session, secret, signed_in.token, listening)
    # Revoked in this test's transaction, which never commits and so never notifies: the
    # kept principal still answers, which shows the lookup did not run again...
    await session.execute(
        update(AuthSession)
        .where(AuthSession.id == signed_in.session_id)
        .values(revoked_at=datetime.now(UTC))
    )
    kept = await sessions.principal_from_token(session, secret, signed_in.token, listening)
    assert kept is first
    # ...and once the notice comes, the same token is checked again and refused.
    listening.forget_all()
    with pytest.raises(NotAuthenticated):
        await sessions.principal_from_token(session, secret, signed_in.token, listening)


@pytest.fixture
def app_listening(app: FastAPI, listening: PrincipalCache) -> Iterator[FastAPI]:
    """The shared app with a worker's listening cache, given back as it was afterwards."""
    own = app.state.principal_cache, app.state.after_commit
    app.state.principal_cache, app.state.after_commit = listening, (listening.after_commit,)
    yield app
    app.state.principal_cache, app.state.after_commit = own


@pytest.mark.parametrize("change", ["sign out", "deactivate"])
async def test_the_worker_that_commits_a_change_forgets_at_once(
    change: str,
    app_listening: FastAPI,
    listening: PrincipalCache,
    client: httpx.AsyncClient,
    settings: Settings,
    make_user: MakeUser,
) -> None:
    """Nothing in the tests commits for real, so no notice ever comes: only the request's own
    commit hook can make its worker forget, which is what this shows."""
    user = await make_user(Role.LAWYER)
    admin = await make_user(Role.ADMIN)

    lawyer = await bearer_for(client, user)
    assert (await client.get("/api/v1/me", headers=lawyer)).status_code == 200
    claims = read_token(settings.resolved_secret_key(), lawyer["Authorization"][7:])
    assert listening.get((claims.session_id, claims.user_id, claims.role)) is not None

    if change == "sign out":
        response = await client.post("/api/v1/auth/logout", headers=lawyer)
    else:
        headers = await bearer_for(client, admin)
        found = (await client.get(f"/api/v1/users/{user.id}", headers=headers)).json()
        response = await client.patch(
            f"/api/v1/users/{user.id}",
            headers=headers,
            json={"version": found["version"], "is_active": False},
        )
    assert response.status_code in (200, 204), response.text
    assert (await client.get("/api/v1/me", headers=lawyer)).status_code == 401
