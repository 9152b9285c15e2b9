"""The administrators' account pages: create, validate, change role, deactivate."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth.models import User
from tafteesh.auth.roles import Role
from tests.conftest import MakeUser
from tests.helpers import browser_sign_in, csrf_token


async def test_create_account_through_the_form(
    client: httpx.AsyncClient, make_user: MakeUser, session: AsyncSession
) -> None:
    admin = await make_user(Role.ADMIN)
    await browser_sign_in(client, admin)
    form = await client.get("/admin/users/new")
    assert form.status_code == 200
    assert 'name="csrf_token"' in form.text
    response = await client.post(
        "/admin/users",
        data={
            "csrf_token": await csrf_token(client),
            "display_name": "  Adv.   Tania Roy ",
            "email": "tania@example.org",
            "organisation_id": str(admin.organisation_id),
            "role": "lawyer",
            "preferred_language": "bn",
            "password": "a long enough password",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/users"
    listing = await client.get("/admin/users")
    assert "The account was created." in listing.text
    assert "Adv. Tania Roy" in listing.text
    created = await session.scalar(select(User).where(User.email == "tania@example.org"))
    assert created is not None
    assert created.preferred_language == "bn"


async def test_form_errors_keep_the_values_and_name_the_fields(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    admin = await make_user(Role.ADMIN)
    await browser_sign_in(client, admin)
    response = await client.post(
        "/admin/users",
        data={
            "csrf_token": await csrf_token(client),
            "display_name": "Someone",
            "email": "not-an-email",
            "organisation_id": "",
            "role": "lawyer",
            "password": "short",
        },
    )
    assert response.status_code == 422
    assert 'id="email-error"' in response.text
    assert 'id="password-error"' in response.text
    assert 'value="Someone"' in response.text
    assert "short" not in response.text.split('id="password"')[1].split(">")[0]


async def test_deactivate_and_reactivate_through_the_form(
    client: httpx.AsyncClient, make_user: MakeUser, session: AsyncSession
) -> None:
    admin = await make_user(Role.ADMIN)
    target = await make_user(Role.SOCIAL_WORKER)
    await browser_sign_in(client, admin)
    page = await client.get(f"/admin/users/{target.id}")
    assert "Deactivate account" in page.text
    assert "confirm(" in page.text  # asks before a destructive action
    token = await csrf_token(client)
    response = await client.post(
        f"/admin/users/{target.id}", data={"csrf_token": token, "version": 1, "is_active": "no"}
    )
    assert response.status_code == 303
    await session.refresh(target)
    assert target.is_active is False
    page = await client.get(f"/admin/users/{target.id}")
    assert "Reactivate account" in page.text
    stale = await client.post(
        f"/admin/users/{target.id}", data={"csrf_token": token, "version": 1, "is_active": "yes"}
    )
    assert stale.status_code == 409
    assert "changed by someone else" in stale.text


async def test_user_list_filters_with_htmx_partial(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    admin = await make_user(Role.ADMIN)
    await make_user(Role.SURVIVOR_LEADER, display_name="Rupa Leader")
    await browser_sign_in(client, admin)
    partial = await client.get(
        "/admin/users", params={"role": "survivor_leader"}, headers={"HX-Request": "true"}
    )
    assert partial.text.lstrip().startswith('<div id="users-table">')
    assert "Rupa Leader" in partial.text
    assert admin.display_name not in partial.text
    empty = await client.get("/admin/users", params={"q": "nobody-matches-this"})
    assert "No accounts match these filters." in empty.text
