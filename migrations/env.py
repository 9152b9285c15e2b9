"""Alembic environment: async engine, run as the owner role, then grant the app role.

The URL and the app role come from ``config.attributes`` (set by ``tafteesh.migrate``), so the
same code serves the CLI, the embedded server and the tests.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from tafteesh.db import async_url, grant_app_privileges
from tafteesh.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        app_role = config.attributes.get("app_role")
        if app_role and not context.is_offline_mode():
            grant_app_privileges(connection, app_role)


async def _run_async(url: str) -> None:
    engine = create_async_engine(async_url(make_url(url)), poolclass=NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL: run migrations with `tafteesh db upgrade`")
    asyncio.run(_run_async(url))


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
run_migrations_online()
