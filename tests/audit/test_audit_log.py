"""The audit log: append-only for the app role and the owner alike, and written with the work."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from tafteesh.audit.models import AuditEvent
from tafteesh.auth.roles import Role
from tafteesh.db import async_url
from tests.conftest import MakeUser, ProvisionedDatabase
from tests.helpers import bearer_for, browser_sign_in


async def _expect_refused(connection: AsyncConnection, statement: str) -> str:
    savepoint = await connection.begin_nested()
    with pytest.raises(DBAPIError) as refused:
        await connection.execute(text(statement))
    await savepoint.rollback()
    return str(refused.value.orig)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET summary = 'rewritten'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
    ],
)
async def test_app_role_cannot_rewrite_the_audit_log(
    connection: AsyncConnection, make_user: MakeUser, statement: str
) -> None:
    await make_user(Role.ADMIN)  # creating an account writes an audit row
    message = await _expect_refused(connection, statement)
    assert "permission denied" in message


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_events SET summary = 'rewritten'", "DELETE FROM audit_events"],
)
async def test_even_the_owner_is_stopped_by_the_trigger(
    test_database: ProvisionedDatabase, statement: str
) -> None:
    engine = create_async_engine(async_url(test_database.urls.owner), poolclass=NullPool)
    async with engine.connect() as owner:
        await owner.execute(
            text("INSERT INTO audit_events (action, summary) VALUES ('test.row', 'x')")
        )
        message = await _expect_refused(owner, statement)
        await owner.rollback()
    await engine.dispose()
    assert "audit_events is append-only" in message


async def test_app_role_can_append(session: AsyncSession, make_user: MakeUser) -> None:
    user = await make_user(Role.LAWYER)
    rows = await session.scalars(select(AuditEvent).where(AuditEvent.object_id == str(user.id)))
    assert [row.action for row in rows] == ["user.create"]


async def test_reads_of_protected_objects_are_audited_with_request_context(
    client: httpx.AsyncClient, make_user: MakeUser, session: AsyncSession
) -> None:
    admin = await make_user(Role.ADMIN)
    target = await make_user(Role.SOCIAL_WORKER)
    headers = await bearer_for(client, admin)
    response = await client.get(f"/api/v1/users/{target.id}", headers=headers)
    assert response.status_code == 200
    row = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "user.view", AuditEvent.object_id == str(target.id)
        )
    )
    assert row is not None
    assert row.actor_id == admin.id
    assert row.actor_role == "admin"
    assert row.request_id == response.headers["X-Request-ID"]
    assert row.client_address == "203.0.113.7"


async def test_sign_ins_and_failures_are_audited(
    client: httpx.AsyncClient, make_user: MakeUser, session: AsyncSession
) -> None:
    user = await make_user(Role.LAWYER)
    await client.post("/api/v1/auth/token", data={"username": user.email, "password": "bad"})
    await bearer_for(client, user)
    actions = list(
        await session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.action.like("auth.%"), AuditEvent.object_id == str(user.id)
            )
        )
    )
    assert actions == ["auth.sign_in_failed"]
    signed_in = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "auth.sign_in", AuditEvent.actor_id == user.id
        )
    )
    assert signed_in is not None


async def test_refused_writes_leave_no_audit_row(
    client: httpx.AsyncClient, make_user: MakeUser, session: AsyncSession
) -> None:
    admin = await make_user(Role.ADMIN)
    existing = await make_user(Role.LAWYER, email="dup@example.org")
    headers = await bearer_for(client, admin)
    response = await client.post(
        "/api/v1/users",
        json={
            "email": "dup@example.org",
            "display_name": "X",
            "role": "lawyer",
            "organisation_id": str(existing.organisation_id),
            "password": "long enough pass",
        },
        headers=headers,
    )
    assert response.status_code == 409
    creates = list(
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "user.create"))
    )
    assert all(row.actor_id != admin.id for row in creates)


async def test_audit_page_filters_by_action(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    admin = await make_user(Role.ADMIN)
    target = await make_user(Role.LAWYER)
    await browser_sign_in(client, admin)
    await client.get(f"/api/v1/users/{target.id}")
    page = await client.get("/admin/audit", params={"action": "user.view"})
    assert page.status_code == 200
    assert "<code>user.view</code>" in page.text
    assert "<code>auth.sign_in</code>" not in page.text
    partial = await client.get(
        "/admin/audit", params={"action": "user.view"}, headers={"HX-Request": "true"}
    )
    assert partial.text.lstrip().startswith('<div id="audit-table">')
    bad = await client.get("/admin/audit", params={"since": "yesterday"})
    assert bad.status_code == 200
    assert "From must be a date like 2026-03-12." in bad.text


async def test_audit_api_paginates_newest_first(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    admin = await make_user(Role.ADMIN)
    for _ in range(3):
        await make_user(Role.LAWYER)
    headers = await bearer_for(client, admin)
    first = (await client.get("/api/v1/audit-events", params={"limit": 2}, headers=headers)).json()
    assert len(first["items"]) == 2
    ids = [item["id"] for item in first["items"]]
    assert ids == sorted(ids, reverse=True)
    second = (
        await client.get(
            "/api/v1/audit-events",
            params={"limit": 2, "before": first["next_cursor"]},
            headers=headers,
        )
    ).json()
    assert all(item["id"] < min(ids) for item in second["items"])
