"""Migrations: the models and the migrations agree, and the chain runs down and up again."""

from __future__ import annotations

import asyncio
import secrets

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from tafteesh import migrate
from tafteesh.db import append_only_tables, async_url
from tafteesh.embedded import drop_database, provision_database
from tafteesh.models import Base
from tests.conftest import ProvisionedDatabase


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def _inspect(url: object, fn: object) -> object:
    engine = create_async_engine(async_url(url), poolclass=NullPool)  # type: ignore[arg-type]
    async with engine.connect() as connection:
        result = await connection.run_sync(fn)  # type: ignore[arg-type]
    await engine.dispose()
    return result


def test_models_and_migrations_do_not_drift(test_database: ProvisionedDatabase) -> None:
    assert asyncio.run(_inspect(test_database.urls.owner, _diff)) == []


def test_upgrade_downgrade_upgrade(test_database: ProvisionedDatabase) -> None:
    name = f"tafteesh_cycle_{secrets.token_hex(3)}"
    urls = asyncio.run(provision_database(test_database.admin, database=name))
    try:
        migrate.upgrade(urls.owner, app_role=urls.app.username)
        assert "audit_events" in asyncio.run(_inspect(urls.owner, _tables))  # type: ignore[operator]
        migrate.downgrade(urls.owner, revision="base")
        assert asyncio.run(_inspect(urls.owner, _tables)) == {"alembic_version"}
        migrate.upgrade(urls.owner, app_role=urls.app.username)
        assert asyncio.run(_inspect(urls.owner, _diff)) == []
    finally:
        asyncio.run(drop_database(test_database.admin, name))


def test_append_only_tables_are_protected_by_triggers(test_database: ProvisionedDatabase) -> None:
    def triggers(connection: Connection) -> set[str]:
        rows = connection.execute(
            text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        ).scalars()
        return set(rows)

    names = asyncio.run(_inspect(test_database.urls.owner, triggers))
    for table in append_only_tables():
        assert f"{table}_no_rewrite" in names  # type: ignore[operator]
        assert f"{table}_no_truncate" in names  # type: ignore[operator]
