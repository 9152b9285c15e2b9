"""Helpers shared by tests: sign-in over the API and through the form, the CSRF token, and
the app on its own engine."""

from __future__ import annotations

from typing import cast

import httpx
from fastapi import FastAPI
from sqlalchemy import BigInteger, Integer, Table, bindparam, func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tafteesh.auth.models import Organisation, User
from tafteesh.auth.roles import OrganisationKind
from tafteesh.config import Settings
from tafteesh.db import create_read_sessionmaker, create_sessionmaker
from tafteesh.driver import DriverStatement
from tafteesh.main import create_app
from tafteesh.requestctx import CSRF_COOKIE

PASSWORD = "correct horse battery staple"


async def bearer_for(
    client: httpx.AsyncClient, user: User, password: str = PASSWORD
) -> dict[str, str]:
    response = await client.post(
        "/api/v1/auth/token", data={"username": user.email, "password": password}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def csrf_token(client: httpx.AsyncClient) -> str:
    """Visit a page so the client holds the CSRF cookie, and return its value."""
    if CSRF_COOKIE not in client.cookies:
        await client.get("/login")
    return str(client.cookies[CSRF_COOKIE])


async def browser_sign_in(client: httpx.AsyncClient, user: User, password: str = PASSWORD) -> None:
    """Sign in through the form, leaving the session cookie in the client's jar."""
    token = await csrf_token(client)
    response = await client.post(
        "/login", data={"email": user.email, "password": password, "csrf_token": token}
    )
    assert response.status_code == 303, response.text


def committing_app(settings: Settings, engine: AsyncEngine) -> FastAPI:
    """The app with sessions of its own on ``engine``, as in production: each request commits
    for itself (the ``app`` fixture's requests share the test's rolled-back transaction), and
    requests running at once hold connections of their own."""
    app = create_app(settings)
    app.state.engine = engine
    app.state.sessionmaker = create_sessionmaker(engine)
    app.state.read_sessionmaker = create_read_sessionmaker(engine)
    return app


# Statements on the driver for the tests of connections and transactions: which backend and
# which transaction a statement ran in, and a write to see whether it was kept.
BACKEND = DriverStatement(select(func.pg_backend_pid(type_=Integer).label("pid")))
TXID = DriverStatement(select(func.txid_current(type_=BigInteger).label("txid")))
ORGANISATIONS = cast(Table, Organisation.__table__)
ADD_ORGANISATION = DriverStatement(
    insert(ORGANISATIONS)
    .values(id=bindparam("id"), name=bindparam("name"), kind=OrganisationKind.NGO.value)
    .returning(ORGANISATIONS.c.id)
)
