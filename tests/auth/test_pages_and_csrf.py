"""Signing in through the form: the cookie, CSRF, sign-out, redirects and the home page."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth.dependencies import SESSION_COOKIE
from tafteesh.auth.models import User
from tafteesh.auth.roles import Role
from tests.conftest import MakeUser
from tests.helpers import PASSWORD, browser_sign_in, csrf_token


async def test_login_sets_a_safe_session_cookie(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user(Role.LAWYER)
    token = await csrf_token(client)
    response = await client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
    home = await client.get("/")
    assert home.status_code == 200
    assert "Welcome, Test Lawyer" in home.text


async def test_login_without_csrf_token_is_refused(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user(Role.LAWYER)
    await csrf_token(client)
    response = await client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 403
    assert "Reload the page" in response.text
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


async def test_login_with_a_wrong_csrf_token_is_refused(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user(Role.LAWYER)
    await csrf_token(client)
    response = await client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": "x" * 43}
    )
    assert response.status_code == 403


async def test_wrong_password_rerenders_the_form_with_the_generic_message(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user(Role.LAWYER)
    token = await csrf_token(client)
    response = await client.post(
        "/login", data={"email": user.email, "password": "nope", "csrf_token": token}
    )
    assert response.status_code == 401
    assert "The email or password is wrong." in response.text
    assert f'value="{user.email}"' in response.text  # the email is kept; the password is not


async def test_pages_send_anonymous_visitors_to_sign_in(client: httpx.AsyncClient) -> None:
    for path in ("/", "/admin/users", "/admin/audit"):
        response = await client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login")


async def test_sign_in_returns_to_the_page_asked_for_but_never_off_site(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    admin = await make_user(Role.ADMIN)
    token = await csrf_token(client)
    data = {"email": admin.email, "password": PASSWORD, "csrf_token": token}
    response = await client.post("/login", data={**data, "next": "/admin/users"})
    assert response.headers["location"] == "/admin/users"
    client.cookies.delete(SESSION_COOKIE)
    response = await client.post("/login", data={**data, "next": "//evil.example/phish"})
    assert response.headers["location"] == "/"


async def test_logout_revokes_the_session_server_side(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user(Role.LAWYER)
    await browser_sign_in(client, user)
    stolen_cookie = client.cookies[SESSION_COOKIE]
    response = await client.post("/logout", data={"csrf_token": await csrf_token(client)})
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    # A copy of the cookie taken before sign-out no longer works.
    client.cookies.set(SESSION_COOKIE, stolen_cookie)
    response = await client.get("/api/v1/me")
    assert response.status_code == 401


async def test_cookie_authenticated_api_writes_need_the_csrf_header(
    client: httpx.AsyncClient, make_user: MakeUser, session: AsyncSession
) -> None:
    admin = await make_user(Role.ADMIN)
    await browser_sign_in(client, admin)
    body = {
        "email": "new.person@example.org",
        "display_name": "New Person",
        "organisation_id": str(admin.organisation_id),
        "role": "lawyer",
        "password": "a long enough password",
    }
    refused = await client.post("/api/v1/users", json=body)
    assert refused.status_code == 403
    assert refused.json()["error"] == "forbidden"
    count = await session.scalar(
        select(func.count()).select_from(User).where(User.email == body["email"])
    )
    assert count == 0
    accepted = await client.post(
        "/api/v1/users", json=body, headers={"X-CSRF-Token": await csrf_token(client)}
    )
    assert accepted.status_code == 201, accepted.text


async def test_htmx_requests_send_the_token_as_a_header(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user(Role.LAWYER)
    await browser_sign_in(client, user)
    page = await client.get("/")
    token = await csrf_token(client)
    assert f'"X-CSRF-Token": "{token}"' in page.text  # hx-headers on <body>
    response = await client.post("/logout", headers={"X-CSRF-Token": token, "HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/login"


async def test_bearer_clients_need_no_csrf_token(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    from tests.helpers import bearer_for

    user = await make_user(Role.LAWYER)
    headers = await bearer_for(client, user)
    assert (await client.post("/api/v1/auth/logout", headers=headers)).status_code == 204


async def test_home_page_depends_on_the_role(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    admin = await make_user(Role.ADMIN)
    await browser_sign_in(client, admin)
    admin_home = (await client.get("/")).text
    assert "Create an account" in admin_home
    assert 'href="/admin/audit"' in admin_home
    client.cookies.clear()
    lawyer = await make_user(Role.LAWYER)
    await browser_sign_in(client, lawyer)
    lawyer_home = (await client.get("/")).text
    assert "Create an account" not in lawyer_home
    assert 'href="/admin/audit"' not in lawyer_home


async def test_pages_load_only_our_own_assets(client: httpx.AsyncClient) -> None:
    page = (await client.get("/login")).text
    assert "/static/htmx-2.0.11.min.js" in page
    assert "http://" not in page.replace("http://testserver", "")
    assert "https://" not in page
    script = await client.get("/static/htmx-2.0.11.min.js")
    assert script.status_code == 200
    assert script.text.startswith("var htmx=")


async def test_the_csrf_cookie_is_read_beside_cookies_of_other_apps(
    client: httpx.AsyncClient,
) -> None:
    # Other software on the same host may set cookies that http.cookies refuses (brackets,
    # JSON); it then dropped every cookie after them, ours included, so each page handed out a
    # new CSRF token and every form failed as "expired".
    token = "t" * 43
    for others in ("prefs[1]=x", 'consent={"a":1}', "k=v;;"):
        page = await client.get("/login", headers={"Cookie": f"{others}; tafteesh_csrf={token}"})
        assert page.status_code == 200
        assert f'value="{token}"' in page.text, others
        assert "tafteesh_csrf" not in page.headers.get("set-cookie", "")
    fresh = await client.get("/login", headers={"Cookie": 'tafteesh_csrf="; ;;=='})
    assert fresh.status_code == 200
    assert "tafteesh_csrf=" in fresh.headers["set-cookie"]
