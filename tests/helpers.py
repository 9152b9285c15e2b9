"""Helpers shared by tests: sign-in over the API and through the form, the CSRF token."""

from __future__ import annotations

import httpx

from tafteesh.auth.models import User
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
