"""Account management: the access matrix, validation, optimistic locking and session revocation."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.audit.models import AuditEvent
from tafteesh.auth.models import User
from tafteesh.auth.roles import Role
from tests.conftest import MakeOrganisation, MakeUser
from tests.helpers import bearer_for, browser_sign_in

NON_ADMIN_ROLES = [r for r in Role if r is not Role.ADMIN]


def new_user_body(organisation: uuid.UUID, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "email": f"person.{uuid.uuid4().hex[:6]}@example.org",
        "display_name": "Adv. Priya Sen",
        "organisation_id": str(organisation),
        "role": "lawyer",
        "password": "a long enough password",
        "preferred_language": "bn",
    }
    body.update(overrides)
    return body


async def user_count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(User)) or 0)


# -- access matrix ---------------------------------------------------------------------------


async def _routes(target: User) -> list[tuple[str, str, dict[str, object] | None]]:
    return [
        ("GET", "/api/v1/users", None),
        ("POST", "/api/v1/users", new_user_body(target.organisation_id)),
        ("GET", f"/api/v1/users/{target.id}", None),
        ("PATCH", f"/api/v1/users/{target.id}", {"version": 1, "role": "admin"}),
        ("POST", "/api/v1/organisations", {"name": f"Org {uuid.uuid4().hex[:5]}", "kind": "ngo"}),
        ("GET", "/api/v1/audit-events", None),
    ]


async def test_anonymous_gets_401_everywhere(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    target = await make_user(Role.LAWYER)
    for method, path, body in await _routes(target) + [("GET", "/api/v1/organisations", None)]:
        response = await client.request(method, path, json=body)
        assert response.status_code == 401, (method, path)


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
async def test_other_roles_cannot_manage_accounts(
    client: httpx.AsyncClient, make_user: MakeUser, session: AsyncSession, role: Role
) -> None:
    actor = await make_user(role)
    target = await make_user(Role.LAWYER)
    headers = await bearer_for(client, actor)
    before = await user_count(session)
    expected = {
        "/api/v1/users": 403,
        f"/api/v1/users/{target.id}": 404,  # another person's account is not even visible
        "/api/v1/organisations": 403,
        "/api/v1/audit-events": 403,
    }
    for method, path, body in await _routes(target):
        response = await client.request(method, path, json=body, headers=headers)
        assert response.status_code == expected[path], (role, method, path, response.text)
    assert await user_count(session) == before
    own = await client.get(f"/api/v1/users/{actor.id}", headers=headers)
    assert own.status_code == 200
    assert (await client.get("/api/v1/organisations", headers=headers)).status_code == 200


@pytest.mark.parametrize(
    "path", ["/admin/users", "/admin/users/new", "/admin/audit", "/admin/users/{id}"]
)
@pytest.mark.parametrize("role", [Role.LAWYER, Role.CONSORTIUM_LEAD, Role.SURVIVOR])
async def test_admin_pages_refuse_other_roles(
    client: httpx.AsyncClient, make_user: MakeUser, role: Role, path: str
) -> None:
    actor = await make_user(role)
    await browser_sign_in(client, actor)
    response = await client.get(path.format(id=actor.id))
    assert response.status_code == 403
    assert "Not allowed" in response.text


async def test_admin_has_the_whole_matrix(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    admin = await make_user(Role.ADMIN)
    target = await make_user(Role.LAWYER)
    headers = await bearer_for(client, admin)
    codes = {
        "GET /api/v1/users": 200,
        "POST /api/v1/users": 201,
        f"GET /api/v1/users/{target.id}": 200,
        f"PATCH /api/v1/users/{target.id}": 200,
        "POST /api/v1/organisations": 201,
        "GET /api/v1/audit-events": 200,
    }
    for method, path, body in await _routes(target):
        response = await client.request(method, path, json=body, headers=headers)
        assert response.status_code == codes[f"{method} {path}"], response.text
    missing = await client.get(f"/api/v1/users/{uuid.uuid4()}", headers=headers)
    assert missing.status_code == 404
    assert missing.json()["message"] == "There is no such account."


# -- creating accounts -----------------------------------------------------------------------


async def test_create_user_and_sign_in_as_them(
    client: httpx.AsyncClient, make_user: MakeUser, session: AsyncSession
) -> None:
    admin = await make_user(Role.ADMIN)
    headers = await bearer_for(client, admin)
    body = new_user_body(admin.organisation_id)
    response = await client.post("/api/v1/users", json=body, headers=headers)
    assert response.status_code == 201
    created = response.json()
    assert created["role"] == "lawyer"
    assert created["preferred_language"] == "bn"
    assert "password" not in created
    assert "password_hash" not in created
    token = await client.post(
        "/api/v1/auth/token", data={"username": body["email"], "password": body["password"]}
    )
    assert token.status_code == 200
    stored = await session.get(User, uuid.UUID(created["id"]))
    assert stored is not None
    assert stored.password_hash.startswith("$argon2id$")
    audit = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "user.create", AuditEvent.object_id == created["id"]
        )
    )
    assert audit is not None
    assert audit.actor_id == admin.id


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"role": "superuser"}, "role"),
        ({"email": "not-an-email"}, "email"),
        ({"password": "short"}, "password"),
        ({"display_name": "x" * 121}, "display_name"),
        ({"email": "a" * 250 + "@example.org"}, "email"),
        ({"preferred_language": "fr"}, "preferred_language"),
        ({"organisation_id": "not-a-uuid"}, "organisation_id"),
    ],
)
async def test_bad_input_is_a_422_naming_the_field(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    session: AsyncSession,
    overrides: dict[str, object],
    field: str,
) -> None:
    admin = await make_user(Role.ADMIN)
    headers = await bearer_for(client, admin)
    before = await user_count(session)
    response = await client.post(
        "/api/v1/users", json=new_user_body(admin.organisation_id, **overrides), headers=headers
    )
    assert response.status_code == 422
    assert field in response.json()["details"]["fields"]
    assert response.json()["message"].startswith("Please correct the form")
    assert await user_count(session) == before


async def test_unknown_organisation_is_refused(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    admin = await make_user(Role.ADMIN)
    headers = await bearer_for(client, admin)
    response = await client.post("/api/v1/users", json=new_user_body(uuid.uuid4()), headers=headers)
    assert response.status_code == 422
    assert response.json()["message"] == "Choose an existing organisation."


async def test_duplicate_email_is_a_409_whatever_its_case(
    client: httpx.AsyncClient, make_user: MakeUser, session: AsyncSession
) -> None:
    admin = await make_user(Role.ADMIN)
    existing = await make_user(Role.LAWYER, email="taken@example.org")
    headers = await bearer_for(client, admin)
    before = await user_count(session)
    response = await client.post(
        "/api/v1/users",
        json=new_user_body(existing.organisation_id, email="TAKEN@example.org"),
        headers=headers,
    )
    assert response.status_code == 409
    assert response.json()["message"] == "An account with this email already exists."
    assert await user_count(session) == before


async def test_duplicate_organisation_is_a_409(
    client: httpx.AsyncClient, make_user: MakeUser, make_organisation: MakeOrganisation
) -> None:
    admin = await make_user(Role.ADMIN)
    await make_organisation(name="Jibon Alo")
    headers = await bearer_for(client, admin)
    response = await client.post(
        "/api/v1/organisations", json={"name": "jibon  alo", "kind": "ngo"}, headers=headers
    )
    assert response.status_code == 409


# -- changing accounts -----------------------------------------------------------------------


async def test_stale_version_is_a_409_with_the_current_values(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    admin = await make_user(Role.ADMIN)
    target = await make_user(Role.LAWYER)
    headers = await bearer_for(client, admin)
    first = await client.patch(
        f"/api/v1/users/{target.id}",
        json={"version": 1, "display_name": "First editor"},
        headers=headers,
    )
    assert first.status_code == 200
    assert first.json()["version"] == 2
    second = await client.patch(
        f"/api/v1/users/{target.id}",
        json={"version": 1, "display_name": "Second editor"},
        headers=headers,
    )
    assert second.status_code == 409
    body = second.json()
    assert body["error"] == "stale_version"
    assert body["details"]["current"]["display_name"] == "First editor"
    assert body["details"]["current"]["version"] == 2


async def test_deactivation_signs_the_person_out_everywhere(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    admin = await make_user(Role.ADMIN)
    target = await make_user(Role.LAWYER)
    admin_headers = await bearer_for(client, admin)
    target_headers = await bearer_for(client, target)
    response = await client.patch(
        f"/api/v1/users/{target.id}",
        json={"version": 1, "is_active": False},
        headers=admin_headers,
    )
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert (await client.get("/api/v1/me", headers=target_headers)).status_code == 401
    again = await client.post(
        "/api/v1/auth/token",
        data={"username": target.email, "password": "correct horse battery staple"},
    )
    assert again.status_code == 401


async def test_role_change_takes_effect_at_once(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    admin = await make_user(Role.ADMIN)
    target = await make_user(Role.ADMIN)
    target_headers = await bearer_for(client, target)
    assert (await client.get("/api/v1/users", headers=target_headers)).status_code == 200
    response = await client.patch(
        f"/api/v1/users/{target.id}",
        json={"version": 1, "role": "lawyer"},
        headers=await bearer_for(client, admin),
    )
    assert response.status_code == 200
    # The old token named the admin role; it no longer opens anything.
    assert (await client.get("/api/v1/users", headers=target_headers)).status_code == 401


async def test_admin_cannot_lock_themselves_out(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    admin = await make_user(Role.ADMIN)
    headers = await bearer_for(client, admin)
    for change in ({"is_active": False}, {"role": "lawyer"}):
        response = await client.patch(
            f"/api/v1/users/{admin.id}", json={"version": 1, **change}, headers=headers
        )
        assert response.status_code == 403
        assert "ask another administrator" in response.json()["message"]


async def test_list_users_filters_and_paginates(
    client: httpx.AsyncClient, make_user: MakeUser, make_organisation: MakeOrganisation
) -> None:
    admin = await make_user(Role.ADMIN)
    organisation = await make_organisation()
    for n in range(5):
        await make_user(
            Role.SOCIAL_WORKER, organisation_id=organisation.id, display_name=f"Worker {n}"
        )
    headers = await bearer_for(client, admin)
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"organisation_id": str(organisation.id), "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/api/v1/users", params=params, headers=headers)).json()
        seen += [item["display_name"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == [f"Worker {n}" for n in range(5)]
    assert len(set(seen)) == 5
    bad = await client.get("/api/v1/users", params={"cursor": "garbage"}, headers=headers)
    assert bad.status_code == 422
    lawyers = await client.get("/api/v1/users", params={"role": "survivor"}, headers=headers)
    assert all(item["role"] == "survivor" for item in lawyers.json()["items"])
