"""The served app (lifespan on, so each worker LISTENs for principal notices) keeps a checked
sign-in, and stops accepting it as soon as PostgreSQL says the session changed."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request

import asyncpg

from tafteesh.auth.principal_cache import APPLICATION_NAME, CHANNEL
from tafteesh.db import driver_dsn
from tests.conftest import ProvisionedDatabase
from tests.e2e.conftest import SeededAccount, run_async_in_thread


def _sign_in(base: str, account: SeededAccount) -> str:
    body = urllib.parse.urlencode({"username": account.email, "password": account.password})
    request = urllib.request.Request(f"{base}/api/v1/auth/token", data=body.encode())
    with urllib.request.urlopen(request, timeout=10) as response:
        token: str = json.load(response)["access_token"]
    return token


def _status(base: str, path: str, token: str, method: str = "GET") -> int:
    request = urllib.request.Request(
        f"{base}{path}", method=method, headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def _until_refused(base: str, token: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while _status(base, "/api/v1/me", token) != 401:
        assert time.monotonic() < deadline, f"the sign-in was still accepted after {seconds} s"
        time.sleep(0.02)


def _sql(database: ProvisionedDatabase, *steps: tuple[object, ...]) -> object:
    """Run (statement, *arguments) steps in one transaction as the server's superuser, in the
    live database; returns the last one's value."""
    dsn = driver_dsn(database.admin.set(database=database.name))

    async def work() -> object:
        connection = await asyncpg.connect(dsn)
        try:
            value: object = None
            async with connection.transaction():
                for statement, *arguments in steps:
                    value = await connection.fetchval(str(statement), *arguments)
            return value
        finally:
            await connection.close()

    return run_async_in_thread(work)


def _wait_for_listener(database: ProvisionedDatabase) -> None:
    deadline = time.monotonic() + 10
    # Its LISTEN done (probes go out on another connection), in this run's database.
    query = (
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 "
        "AND datname = current_database() AND query LIKE 'LISTEN%'"
    )
    while not _sql(database, (query, APPLICATION_NAME)):
        assert time.monotonic() < deadline, "the live server never listened for notices"
        time.sleep(0.05)


def test_a_kept_sign_in_ends_when_postgres_notifies_a_change(
    live_server: str, seeded_lawyer: SeededAccount, test_database: ProvisionedDatabase
) -> None:
    _wait_for_listener(test_database)
    token = _sign_in(live_server, seeded_lawyer)
    assert _status(live_server, "/api/v1/me", token) == 200  # checked, then kept

    # Revoked behind the app's back with the notifying trigger switched off: the worker is not
    # told, so it goes on accepting the principal it kept. This shows the row is no longer read.
    _sql(
        test_database,
        ("ALTER TABLE auth_sessions DISABLE TRIGGER auth_sessions_notify_principals",),
        (
            "UPDATE auth_sessions SET revoked_at = now() "
            "WHERE user_id = (SELECT id FROM users WHERE email = $1)",
            seeded_lawyer.email,
        ),
        ("ALTER TABLE auth_sessions ENABLE TRIGGER auth_sessions_notify_principals",),
    )
    assert _status(live_server, "/api/v1/me", token) == 200

    # Any notice on the channel (what every change's trigger sends) ends it.
    _sql(test_database, ("SELECT pg_notify($1, '')", CHANNEL))
    _until_refused(live_server, token)


def test_signing_out_of_a_served_app_ends_the_session_at_once(
    live_server: str, seeded_lawyer: SeededAccount, test_database: ProvisionedDatabase
) -> None:
    _wait_for_listener(test_database)
    token = _sign_in(live_server, seeded_lawyer)
    assert _status(live_server, "/api/v1/me", token) == 200
    assert _status(live_server, "/api/v1/me", token) == 200
    assert _status(live_server, "/api/v1/auth/logout", token, method="POST") == 204
    _until_refused(live_server, token, seconds=2)
    assert _status(live_server, "/api/v1/me", token) == 401


def test_an_account_deactivated_by_hand_is_refused(
    live_server: str, seeded_lawyer: SeededAccount, test_database: ProvisionedDatabase
) -> None:
    _wait_for_listener(test_database)
    token = _sign_in(live_server, seeded_lawyer)
    assert _status(live_server, "/api/v1/me", token) == 200
    _sql(
        test_database, ("UPDATE users SET is_active = false WHERE email = $1", seeded_lawyer.email)
    )
    _until_refused(live_server, token, seconds=2)
