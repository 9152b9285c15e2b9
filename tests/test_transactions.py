"""The request boundary: a commit that fails is an error response, and nothing is saved."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tafteesh.config import Settings
from tafteesh.db import DbSession, TransactionalRoute, create_sessionmaker
from tafteesh.main import create_app


def app_with_deferred_conflict(settings: Settings, engine: AsyncEngine) -> FastAPI:
    """An app with one extra route whose work only fails when PostgreSQL checks it at COMMIT."""
    app = create_app(settings)
    app.state.engine = engine
    app.state.sessionmaker = create_sessionmaker(engine)
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
