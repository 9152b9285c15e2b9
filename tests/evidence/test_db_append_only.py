"""The custody log, its checkpoints and the files table are append-only twice over: the app's
database role holds no UPDATE, DELETE or TRUNCATE privilege on them, and the owner role (which
runs the migrations) is stopped by the triggers of migration 0005.

Run against a database holding the seeded log, so every UPDATE and DELETE has rows to act on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from tafteesh.db import async_url
from tests.evidence.conftest import SEED_SIZE, LogDatabase

TABLES = {
    "custody_events": "body = body || '\\x20'::bytea",
    "custody_checkpoints": "note = note || ' '",
    "evidence_files": "filename = 'renamed.txt'",
}
STATEMENTS = [
    pytest.param(table, template.format(table=table, change=change), operation, id=f"{op}-{table}")
    for table, change in TABLES.items()
    for op, template, operation in [
        ("update", "UPDATE {table} SET {change}", "UPDATE"),
        (
            "update-one",
            "UPDATE {table} SET {change} WHERE ctid = (SELECT min(ctid) FROM {table})",
            "UPDATE",
        ),
        ("delete", "DELETE FROM {table}", "DELETE"),
        ("truncate", "TRUNCATE {table}", "TRUNCATE"),
    ]
]


async def _expect_refused(connection: AsyncConnection, statement: str) -> str:
    savepoint = await connection.begin_nested()
    with pytest.raises(DBAPIError) as refused:
        await connection.execute(text(statement))
    await savepoint.rollback()
    return str(refused.value.orig)


async def _row_counts(connection: AsyncConnection) -> dict[str, int]:
    return {
        table: int((await connection.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())
        for table in TABLES
    }


@pytest.fixture
async def as_app(seeded_log_db: LogDatabase) -> AsyncIterator[AsyncConnection]:
    async with seeded_log_db.engine.connect() as connection:
        await connection.begin()
        yield connection
        await connection.rollback()


@pytest.fixture
async def as_owner(seeded_log_db: LogDatabase) -> AsyncIterator[AsyncConnection]:
    engine = create_async_engine(async_url(seeded_log_db.urls.owner), poolclass=NullPool)
    async with engine.connect() as connection:
        await connection.begin()
        yield connection
        await connection.rollback()
    await engine.dispose()


@pytest.mark.parametrize(("table", "statement", "operation"), STATEMENTS)
async def test_the_app_role_is_refused(
    as_app: AsyncConnection, table: str, statement: str, operation: str
) -> None:
    before = await _row_counts(as_app)
    assert before["custody_events"] == SEED_SIZE
    message = await _expect_refused(as_app, statement)
    assert f"permission denied for table {table}" in message
    assert await _row_counts(as_app) == before


@pytest.mark.parametrize(("table", "statement", "operation"), STATEMENTS)
async def test_the_owner_is_stopped_by_the_trigger(
    as_owner: AsyncConnection, table: str, statement: str, operation: str
) -> None:
    before = await _row_counts(as_owner)
    message = await _expect_refused(as_owner, statement)
    assert f"{table} is append-only: {operation} is not allowed" in message
    assert await _row_counts(as_owner) == before


async def test_the_app_role_may_still_append(seeded_log_db: LogDatabase) -> None:
    """What the privileges leave: INSERT, which is how every custody event is written."""
    assert await seeded_log_db.append("bag") == SEED_SIZE + 1
    await seeded_log_db.checkpoint()
    assert (await seeded_log_db.verify()).ok


async def test_after_every_refusal_the_log_still_verifies(seeded_log_db: LogDatabase) -> None:
    for url in (seeded_log_db.urls.app, seeded_log_db.urls.owner):
        engine = create_async_engine(async_url(url), poolclass=NullPool)
        async with engine.connect() as connection:
            for table in TABLES:
                for statement in (f"DELETE FROM {table}", f"TRUNCATE {table}"):
                    await connection.begin()
                    with pytest.raises(DBAPIError):
                        await connection.execute(text(statement))
                    await connection.rollback()
        await engine.dispose()
    report = await seeded_log_db.verify()
    assert report.ok, report.problems
    assert report.log.total_events == SEED_SIZE
