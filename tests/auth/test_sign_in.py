"""Signing in over the API: tokens, generic failures, throttling and refused tokens."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta, tzinfo

import httpx
import pytest
from fastapi import FastAPI
from jose import jwt
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth import tokens
from tafteesh.auth.models import User
from tafteesh.auth.roles import Role
from tafteesh.auth.tokens import InvalidToken, issue_token, read_token
from tafteesh.config import Settings
from tests.conftest import MakeUser
from tests.helpers import PASSWORD, bearer_for


async def test_token_and_me(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    user = await make_user(Role.SOCIAL_WORKER, display_name="Nasreen")
    headers = await bearer_for(client, user)
    response = await client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == user.email
    assert body["role"] == "social_worker"
    assert body["display_name"] == "Nasreen"


async def test_token_carries_subject_role_session_and_short_expiry(
    client: httpx.AsyncClient, make_user: MakeUser, settings: Settings
) -> None:
    user = await make_user(Role.LAWYER)
    token = (await bearer_for(client, user))["Authorization"].split()[1]
    claims = jwt.get_unverified_claims(token)
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    assert claims["sub"] == str(user.id)
    assert claims["role"] == "lawyer"
    uuid.UUID(claims["sid"])
    assert claims["exp"] - claims["iat"] <= 12 * 3600


async def test_sign_in_is_case_insensitive_on_email(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user(Role.LAWYER, email="Meera.K@Example.org")
    response = await client.post(
        "/api/v1/auth/token", data={"username": "meera.k@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200, user


@pytest.mark.parametrize("case", ["wrong password", "unknown email", "deactivated"])
async def test_every_failure_gets_the_same_message(
    client: httpx.AsyncClient, make_user: MakeUser, session: AsyncSession, case: str
) -> None:
    user = await make_user(Role.LAWYER)
    email, password = user.email, PASSWORD
    if case == "wrong password":
        password = "not the password"
    elif case == "unknown email":
        email = "nobody@example.org"
    else:
        await session.execute(update(User).where(User.id == user.id).values(is_active=False))
        await session.commit()
    response = await client.post(
        "/api/v1/auth/token", data={"username": email, "password": password}
    )
    assert response.status_code == 401
    assert response.json() == {
        "error": "not_authenticated",
        "message": "The email or password is wrong.",
    }


async def test_missing_fields_are_a_clear_422(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/auth/token", data={"username": "a@example.org"})
    assert response.status_code == 422
    assert "password" in response.json()["details"]["fields"]


async def test_account_is_throttled_after_repeated_failures(
    client: httpx.AsyncClient, make_user: MakeUser, settings: Settings
) -> None:
    user = await make_user(Role.LAWYER)
    for _ in range(settings.sign_in_max_failures_per_account):
        response = await client.post(
            "/api/v1/auth/token", data={"username": user.email, "password": "wrong guess"}
        )
        assert response.status_code == 401
    # Even the right password is refused while the account is paused.
    response = await client.post(
        "/api/v1/auth/token", data={"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "try again in 15 minutes" in response.json()["message"]
    assert 60 <= int(response.headers["Retry-After"]) <= 15 * 60
    # Another account from the same address is not affected by this account's pause.
    other = await make_user(Role.LAWYER)
    assert (await bearer_for(client, other))["Authorization"].startswith("Bearer ")


async def test_unknown_emails_are_throttled_like_real_ones(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    for _ in range(settings.sign_in_max_failures_per_account):
        await client.post(
            "/api/v1/auth/token", data={"username": "ghost@example.org", "password": "x"}
        )
    response = await client.post(
        "/api/v1/auth/token", data={"username": "ghost@example.org", "password": "x"}
    )
    assert response.status_code == 429


async def test_client_address_is_throttled_across_accounts(
    app: FastAPI, client: httpx.AsyncClient, make_user: MakeUser, settings: Settings
) -> None:
    app.state.settings = settings.model_copy(update={"sign_in_max_failures_per_address": 3})
    for n in range(3):
        await client.post(
            "/api/v1/auth/token", data={"username": f"guess{n}@example.org", "password": "x"}
        )
    user = await make_user(Role.LAWYER)
    response = await client.post(
        "/api/v1/auth/token", data={"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 429


async def test_success_restarts_the_account_count(
    client: httpx.AsyncClient, make_user: MakeUser, settings: Settings
) -> None:
    user = await make_user(Role.LAWYER)
    for _ in range(settings.sign_in_max_failures_per_account - 1):
        await client.post("/api/v1/auth/token", data={"username": user.email, "password": "no"})
    await bearer_for(client, user)
    for _ in range(settings.sign_in_max_failures_per_account - 1):
        await client.post("/api/v1/auth/token", data={"username": user.email, "password": "no"})
    assert (await bearer_for(client, user))["Authorization"]


# -- refused tokens --------------------------------------------------------------------------


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def _token_parts(client: httpx.AsyncClient, user: User) -> list[str]:
    return (await bearer_for(client, user))["Authorization"].split()[1].split(".")


async def _me(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


async def test_tampered_token_is_refused(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    user = await make_user(Role.LAWYER)
    header, payload, signature = await _token_parts(client, user)
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["role"] = "admin"
    forged = f"{header}.{_b64(claims)}.{signature}"
    response = await _me(client, forged)
    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"


async def test_alg_none_token_is_refused(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    user = await make_user(Role.LAWYER)
    _, payload, _ = await _token_parts(client, user)
    for alg in ("none", "None", "NONE"):
        unsigned = f"{_b64({'alg': alg, 'typ': 'JWT'})}.{payload}."
        assert (await _me(client, unsigned)).status_code == 401


async def test_other_algorithm_with_the_same_secret_is_refused(
    client: httpx.AsyncClient, make_user: MakeUser, settings: Settings
) -> None:
    user = await make_user(Role.LAWYER)
    _, payload, _ = await _token_parts(client, user)
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    token = jwt.encode(claims, settings.resolved_secret_key(), algorithm="HS512")
    assert (await _me(client, token)).status_code == 401


async def test_expired_token_is_refused(
    client: httpx.AsyncClient, make_user: MakeUser, settings: Settings
) -> None:
    user = await make_user(Role.LAWYER)
    _, payload, _ = await _token_parts(client, user)
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    token = issue_token(
        settings.resolved_secret_key(),
        user_id=user.id,
        role=user.role,
        session_id=uuid.UUID(claims["sid"]),
        expires_at=datetime.now(UTC) - timedelta(seconds=5),
    )
    assert (await _me(client, token)).status_code == 401


async def test_token_signed_with_another_secret_is_refused(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user(Role.LAWYER)
    token = issue_token(
        "another secret that is long enough to sign with!!",
        user_id=user.id,
        role=user.role,
        session_id=uuid.uuid4(),
        expires_at=datetime.now(UTC) + timedelta(hours=1),
    )
    assert (await _me(client, token)).status_code == 401


async def test_logout_revokes_the_token_at_once(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user(Role.LAWYER)
    headers = await bearer_for(client, user)
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    assert (await client.post("/api/v1/auth/logout", headers=headers)).status_code == 204
    response = await client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert "sign in again" in response.json()["message"]


async def test_garbage_token_is_a_401_not_a_500(client: httpx.AsyncClient) -> None:
    for token in (b"abc", b"a.b.c", b"", "é.é.é".encode()):
        response = await client.get("/api/v1/me", headers={"Authorization": b"Bearer " + token})
        assert response.status_code == 401


async def test_anonymous_me_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["message"] == "Please sign in to continue."


async def test_a_token_checked_once_still_expires_on_time(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Verified tokens are cached by their text; the cache must not outlive the token."""
    user = await make_user(Role.LAWYER)
    headers = await bearer_for(client, user)
    token = headers["Authorization"].split()[1]
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    read_token(settings.resolved_secret_key(), token)  # now certainly in the cache

    class Later(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> Later:
            moment = datetime.now(tz) + timedelta(days=2)
            return cls.fromtimestamp(moment.timestamp(), tz)

    monkeypatch.setattr(tokens, "datetime", Later)
    with pytest.raises(InvalidToken, match="expired"):
        read_token(settings.resolved_secret_key(), token)
