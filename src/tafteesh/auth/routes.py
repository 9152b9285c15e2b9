"""JSON API for sign-in, the current user, organisations and accounts."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from fastapi.security import OAuth2PasswordRequestForm

from tafteesh.audit import service as audit
from tafteesh.auth import service, sessions
from tafteesh.auth.dependencies import Admin, AppSettings, CurrentUser, UserForAdmin, UserForView
from tafteesh.auth.permissions import ROLE_PERMISSIONS
from tafteesh.auth.roles import Language, Role
from tafteesh.auth.schemas import (
    Me,
    OrganisationCreate,
    OrganisationRead,
    TokenResponse,
    UserCreate,
    UserPage,
    UserRead,
    UserUpdate,
)
from tafteesh.db import DbSession, TransactionalRoute
from tafteesh.errors import json_error

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in, or the sign-in has ended"},
    403: {"description": "Signed in, but the role does not allow this"},
    422: {"description": "The input is not valid; `details.fields` names each problem"},
}

router = APIRouter(prefix="/api/v1", tags=["accounts"], route_class=TransactionalRoute)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post(
    "/auth/token",
    response_model=TokenResponse,
    summary="Sign in and get a bearer token",
    responses={
        401: {"description": "The email or password is wrong"},
        429: {"description": "Too many failed sign-ins; `Retry-After` says when to try again"},
    },
)
async def issue_token(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: DbSession,
    settings: AppSettings,
) -> Any:
    outcome = await sessions.sign_in(
        session,
        settings,
        email=form.username,
        password=form.password,
        client_address=client_address(request),
    )
    if isinstance(outcome, sessions.SignedIn):
        return TokenResponse(access_token=outcome.token, expires_at=outcome.expires_at)
    return json_error(outcome)


@router.post("/auth/logout", status_code=204, summary="End this session", responses=ERRORS)
async def logout(session: DbSession, principal: CurrentUser) -> Response:
    await sessions.sign_out(session, principal)
    return Response(status_code=204)


@router.get("/me", response_model=Me, summary="The signed-in user", responses=ERRORS)
async def me(principal: CurrentUser) -> Me:
    return Me(
        id=principal.id,
        email=principal.email,
        display_name=principal.display_name,
        role=Role(principal.role),
        organisation_id=principal.organisation_id,
        organisation_name=principal.organisation_name,
        preferred_language=Language(principal.preferred_language),
        permissions=sorted(p.value for p in ROLE_PERMISSIONS[Role(principal.role)]),
    )


@router.get(
    "/organisations",
    response_model=list[OrganisationRead],
    summary="All member organisations",
    responses=ERRORS,
)
async def list_organisations(session: DbSession, principal: CurrentUser) -> Any:
    return await service.list_organisations(session)


@router.post(
    "/organisations",
    response_model=OrganisationRead,
    status_code=201,
    summary="Add a member organisation",
    responses={**ERRORS, 409: {"description": "An organisation with this name exists"}},
)
async def create_organisation(body: OrganisationCreate, session: DbSession, admin: Admin) -> Any:
    return await service.create_organisation(session, admin, name=body.name, kind=body.kind)


@router.get("/users", response_model=UserPage, summary="List accounts", responses=ERRORS)
async def list_users(
    session: DbSession,
    admin: Admin,
    role: Role | None = None,
    organisation_id: uuid.UUID | None = None,
    active: bool | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    cursor: Annotated[str | None, Query(max_length=120)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> UserPage:
    users, next_cursor = await service.list_users(
        session,
        admin,
        role=role,
        organisation_id=organisation_id,
        active=active,
        search=q,
        cursor=service.UserCursor.decode(cursor) if cursor else None,
        limit=limit,
    )
    return UserPage(
        items=[UserRead.model_validate(u) for u in users],
        next_cursor=next_cursor.encode() if next_cursor else None,
    )


@router.post(
    "/users",
    response_model=UserRead,
    status_code=201,
    summary="Create an account",
    responses={**ERRORS, 409: {"description": "An account with this email exists"}},
)
async def create_user(body: UserCreate, session: DbSession, admin: Admin) -> Any:
    return await service.create_user(
        session,
        admin,
        email=str(body.email),
        display_name=body.display_name,
        organisation_id=body.organisation_id,
        role=body.role,
        password=body.password,
        preferred_language=body.preferred_language,
    )


@router.get(
    "/users/{user_id}",
    response_model=UserRead,
    summary="One account",
    responses={**ERRORS, 404: {"description": "No such account, or not yours to see"}},
)
async def get_user(user: UserForView, session: DbSession, principal: CurrentUser) -> Any:
    await audit.record(
        session, principal, action="user.view", object_type="user", object_id=user.id
    )
    return user


@router.patch(
    "/users/{user_id}",
    response_model=UserRead,
    summary="Change an account's name, role, language or active flag",
    responses={
        **ERRORS,
        404: {"description": "No such account"},
        409: {"description": "Stale version: `details.current` holds the saved values"},
    },
)
async def update_user(
    body: UserUpdate, user: UserForAdmin, session: DbSession, admin: Admin
) -> Any:
    return await service.update_user(
        session,
        admin,
        user,
        version=body.version,
        display_name=body.display_name,
        role=body.role,
        is_active=body.is_active,
        preferred_language=body.preferred_language,
    )
