"""The request boundary: a commit that fails is an error response, and nothing is saved."""

from __future__ import annotations

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tafteesh.auth.models import Organisation
from tafteesh.auth.roles import OrganisationKind
from tafteesh.config import Settings
from tafteesh.db import (
    DbSession,
    TransactionalRoute,
    read_only,
)
from tests.helpers import committing_app


def app_with_deferred_conflict(settings: Settings, engine: AsyncEngine) -> FastAPI:
    """An app with one extra route whose work only fails when PostgreSQL checks it at COMMIT."""
    app = committing_app(settings, engine)
    router = APIRouter(route_class=TransactionalRoute)

    @router.get("/api/v1/test-deferred-conflict")
    async def deferred_conflict(session: DbSession) -> dict[str, str]:
        await session.execute(
            text(
                "CREATE TEMP TABLE deferred_probe (n int, CONSTRAINT one_n UNIQUE (n) "
                "DEFERRABLE INITIALLY DEFERRED) ON COMMIT DROP"
            )
        )
        await session.execute(text("INSERT INTO deferred_probe VALUES (1), (1)"))
        return {"status": "looked fine until commit"}

    # Whether the request's statements share a transaction: txid_current() gives a statement
    # that runs on its own a new transaction id each time.
    async def shares_transaction(session: AsyncSession) -> bool:
        first = await session.scalar(text("SELECT txid_current()"))
        return first == await session.scalar(text("SELECT txid_current()"))

    @router.api_route("/api/v1/test-read-only", methods=["GET", "POST"])
    @read_only
    async def marked(session: DbSession) -> dict[str, bool]:
        return {"in_transaction": await shares_transaction(session)}

    @router.get("/api/v1/test-read-only-that-writes")
    @read_only
    async def marked_but_writes(session: DbSession) -> dict[str, bool]:
        session.add(Organisation(name="Never saved", kind=OrganisationKind.NGO))
        return {"saved": False}

    @router.get("/api/v1/test-unmarked")
    async def unmarked(session: DbSession) -> dict[str, bool]:
        return {"in_transaction": await shares_transaction(session)}

    app.include_router(router)
    return app


async def test_failed_commit_is_an_error_not_a_200(
    settings: Settings, app_engine: AsyncEngine
) -> None:
    app = app_with_deferred_conflict(settings, app_engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/api/v1/test-deferred-conflict")
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "commit_failed"
    assert body["message"].startswith("Nothing was saved")


async def test_only_a_read_only_get_runs_without_a_transaction(
    settings: Settings, app_engine: AsyncEngine
) -> None:
    app = app_with_deferred_conflict(settings, app_engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        marked_get = await client.get("/api/v1/test-read-only")
        marked_post = await client.post("/api/v1/test-read-only")
        unmarked_get = await client.get("/api/v1/test-unmarked")
    assert marked_get.json() == {"in_transaction": False}
    assert marked_post.json() == {"in_transaction": True}  # the mark counts only for reads
    assert unmarked_get.json() == {"in_transaction": True}


async def test_a_read_only_route_that_changes_objects_fails_loudly(
    settings: Settings, app_engine: AsyncEngine
) -> None:
    """Its AUTOCOMMIT session would drop the object without a word; the mark must go."""
    app = app_with_deferred_conflict(settings, app_engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        with pytest.raises(RuntimeError, match="marked read_only"):
            await client.get("/api/v1/test-read-only-that-writes")


async def test_every_request_gives_its_connection_back(
    settings: Settings, app_engine: AsyncEngine
) -> None:
    """Whether the route read, wrote, failed at commit or failed in the handler, the request's
    session is closed and its connection is back in the pool when the response is out."""
    app = app_with_deferred_conflict(settings, app_engine)
    before = app_engine.pool.checkedout()  # type: ignore[attr-defined]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        for method, path in [
            ("GET", "/api/v1/test-read-only"),
            ("POST", "/api/v1/test-read-only"),
            ("GET", "/api/v1/test-unmarked"),
            ("GET", "/api/v1/test-deferred-conflict"),
        ]:
            response = await client.request(method, path)
            assert response.status_code in (200, 409)
            assert app_engine.pool.checkedout() == before, path  # type: ignore[attr-defined]
        with pytest.raises(RuntimeError, match="marked read_only"):
            await client.get("/api/v1/test-read-only-that-writes")
        assert app_engine.pool.checkedout() == before  # type: ignore[attr-defined]
