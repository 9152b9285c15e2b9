"""The embedded PostgreSQL server (the ``pgserver`` wheel) and database provisioning.

``make run`` needs no PostgreSQL installed: when ``TAFTEESH_DATABASE_URL`` is unset the app
starts a server in ``<data_dir>/pgdata`` listening on a Unix socket only. A second process
calling ``pgserver.get_server`` on the same folder reuses the running server, so
``tafteesh users create`` works while ``tafteesh serve`` runs.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import URL, make_url

OWNER_ROLE = "tafteesh_owner"
APP_ROLE = "tafteesh_app"
DATABASE = "tafteesh"
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

# Handles on embedded servers started by this process; pgserver stops a server when the last
# process holding a handle on it exits.
_servers: dict[Path, Any] = {}


@dataclass(frozen=True)
class DatabaseUrls:
    app: URL
    owner: URL


def start_embedded_server(data_dir: Path) -> URL:
    """Start (or join) the embedded server and return a superuser URL for it."""
    pgdata = (data_dir / "pgdata").resolve()
    pgdata.mkdir(parents=True, exist_ok=True)
    server = _servers.get(pgdata)
    if server is None:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (as on servers); harmless here.
            warnings.simplefilter("ignore")
            import pgserver

            server = pgserver.get_server(pgdata, cleanup_mode="stop")
        _servers[pgdata] = server
    return make_url(str(server.get_uri()))


def stop_embedded_server(data_dir: Path) -> None:
    """Release this process's handle; the server stops when no process holds one."""
    server = _servers.pop((data_dir / "pgdata").resolve(), None)
    if server is not None:
        server.cleanup()


def _with_role(admin: URL, role: str, database: str) -> URL:
    return admin.set(username=role, password=None, database=database)


def _dsn(url: URL) -> str:
    """asyncpg wants a plain postgresql:// DSN."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


async def provision_database(
    admin_url: URL,
    *,
    database: str = DATABASE,
    owner_role: str = OWNER_ROLE,
    app_role: str = APP_ROLE,
) -> DatabaseUrls:
    """Create the two roles and the database when missing. Idempotent.

    Needs a superuser (or CREATEROLE + CREATEDB) connection; used for the embedded server and
    by the tests. With an external server, an administrator does this once (see the README).
    """
    for name in (database, owner_role, app_role):
        if not _IDENTIFIER.match(name):
            raise ValueError(f"not a safe PostgreSQL identifier: {name!r}")
    conn = await asyncpg.connect(_dsn(admin_url))
    try:
        for role in (owner_role, app_role):
            exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
            if not exists:
                await conn.execute(f'CREATE ROLE "{role}" LOGIN')
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{database}" OWNER "{owner_role}"')
    finally:
        await conn.close()
    # The public schema belongs to pg_database_owner (PostgreSQL 15+); make sure nobody but the
    # owner can create objects in it, whatever version we run on.
    conn = await asyncpg.connect(_dsn(admin_url.set(database=database)))
    try:
        await conn.execute(f'ALTER SCHEMA public OWNER TO "{owner_role}"')
        await conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        await conn.execute(f'GRANT USAGE ON SCHEMA public TO "{app_role}"')
    finally:
        await conn.close()
    return DatabaseUrls(
        app=_with_role(admin_url, app_role, database),
        owner=_with_role(admin_url, owner_role, database),
    )


async def drop_database(admin_url: URL, database: str) -> None:
    if not _IDENTIFIER.match(database):
        raise ValueError(f"not a safe PostgreSQL identifier: {database!r}")
    conn = await asyncpg.connect(_dsn(admin_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        await conn.close()


async def resolve_database_urls(
    database_url: str | None, migration_database_url: str | None, data_dir: Path
) -> DatabaseUrls:
    """The configured server, or the embedded one (started and provisioned on first use)."""
    if database_url:
        app = make_url(database_url)
        owner = make_url(migration_database_url) if migration_database_url else app
        return DatabaseUrls(app=app, owner=owner)
    return await provision_database(start_embedded_server(data_dir))


def app_role_of(urls: DatabaseUrls) -> str | None:
    """The role to grant after migrations: None when the app runs as the owner itself."""
    if urls.app.username and urls.app.username != urls.owner.username:
        return urls.app.username
    return None
