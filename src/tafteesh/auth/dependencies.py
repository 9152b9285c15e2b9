"""Authentication, CSRF and authorisation as FastAPI dependencies, written once.

Object dependencies load, then answer 404 when the user may not see the object and 403 when
they may see it but not act on it.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, cast

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from tafteesh.auth import service, sessions
from tafteesh.auth.models import User
from tafteesh.auth.permissions import Permission
from tafteesh.auth.policy import can_view_user
from tafteesh.auth.principal import Principal
from tafteesh.config import Settings
from tafteesh.db import get_session
from tafteesh.errors import Forbidden, NotAuthenticated, NotFound

SESSION_COOKIE = "tafteesh_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Documents bearer auth in OpenAPI; auto_error=False because the cookie is the other way in.
bearer_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(get_app_settings)]


async def csrf_protect(request: Request) -> None:
    """Double-submit check on unsafe requests that a browser could be tricked into sending.

    Bearer-token clients are exempt (no ambient credentials). Pages always need the token, so
    even the sign-in form cannot be forged; API calls need it when they ride on the cookie.
    htmx sends it as a header (set on <body>); plain forms carry a hidden field.
    """
    if request.method not in UNSAFE_METHODS or "authorization" in request.headers:
        return
    if request.url.path.startswith("/api/") and SESSION_COOKIE not in request.cookies:
        return
    expected: str = getattr(request.state, "csrf_token", "")
    sent = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if sent is None and content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not expected or not secrets.compare_digest(sent, expected):
        raise Forbidden(
            "This form has expired or did not come from Tafteesh. Reload the page and try again."
        )


# Dependencies that need the caller take ``request`` and ``Bearer`` and call ``signed_in``,
# rather than depending on ``CurrentUser`` and ``DbSession``: FastAPI's solver spends about as
# much on each dependency in the graph (its cache key, scope checks and a recursive solve) as a
# page spends on its access check, so every level it need not walk is taken out of every request
# (bench/README.md, findings 26 and 29).
Bearer = Annotated[str | None, Depends(bearer_scheme)]
_UNRESOLVED = object()


async def principal_of(request: Request, bearer: str | None) -> Principal | None:
    """Who sent the request (bearer token or session cookie), or None; resolved once per
    request, however many dependencies ask."""
    known = getattr(request.state, "user", _UNRESOLVED)
    if known is not _UNRESOLVED:
        return cast(Principal | None, known)
    token = bearer or request.cookies.get(SESSION_COOKIE)
    principal = None
    if token:
        settings: Settings = request.app.state.settings
        principal = await sessions.principal_from_token(
            await get_session(request),
            settings.resolved_secret_key(),
            token,
            request.app.state.principal_cache,
        )
    request.state.user = principal
    return principal


async def signed_in(request: Request, bearer: str | None) -> Principal:
    """Who sent the request; 401 when nobody is signed in."""
    principal = await principal_of(request, bearer)
    if principal is None:
        raise NotAuthenticated(
            "Please sign in to continue.", headers={"WWW-Authenticate": "Bearer"}
        )
    return principal


async def optional_principal(request: Request, bearer: Bearer) -> Principal | None:
    return await principal_of(request, bearer)


async def current_principal(request: Request, bearer: Bearer) -> Principal:
    return await signed_in(request, bearer)


CurrentUser = Annotated[Principal, Depends(current_principal)]
MaybeUser = Annotated[Principal | None, Depends(optional_principal)]


def require(permission: Permission) -> Callable[..., Awaitable[Principal]]:
    async def dependency(request: Request, bearer: Bearer) -> Principal:
        principal = await signed_in(request, bearer)
        if not principal.has(permission):
            raise Forbidden("Your role does not allow this.")
        return principal

    return dependency


async def user_for_view(user_id: uuid.UUID, request: Request, bearer: Bearer) -> User:
    if not can_view_user(await signed_in(request, bearer), user_id):
        raise NotFound("There is no such account.")
    return await service.get_user(await get_session(request), user_id)


async def user_for_admin(
    user: Annotated[User, Depends(user_for_view)], request: Request, bearer: Bearer
) -> User:
    if not (await signed_in(request, bearer)).has(Permission.MANAGE_USERS):
        raise Forbidden("Only an administrator can change accounts.")
    return user


UserForView = Annotated[User, Depends(user_for_view)]
UserForAdmin = Annotated[User, Depends(user_for_admin)]
Admin = Annotated[Principal, Depends(require(Permission.MANAGE_USERS))]
AuditReader = Annotated[Principal, Depends(require(Permission.VIEW_AUDIT_LOG))]
