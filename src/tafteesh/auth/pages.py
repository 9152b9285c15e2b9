"""HTML pages: sign-in, sign-out, the home page and the administrators' account management."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError

from tafteesh.auth import service, sessions
from tafteesh.auth.dependencies import (
    SESSION_COOKIE,
    Admin,
    AppSettings,
    MaybeUser,
    UserForAdmin,
)
from tafteesh.auth.permissions import Permission
from tafteesh.auth.roles import Language, Role
from tafteesh.auth.routes import client_address
from tafteesh.auth.schemas import UserCreate
from tafteesh.db import DbSession, TransactionalRoute
from tafteesh.errors import TafteeshError, validation_to_error
from tafteesh.web import redirect, render

router = APIRouter(include_in_schema=False, route_class=TransactionalRoute)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would let a phishing link borrow our sign-in."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@router.get("/login")
async def login_page(request: Request, principal: MaybeUser, next: str | None = None) -> Response:
    if principal is not None:
        return redirect(request, _safe_next(next))
    return render(request, "auth/login.html", {"next": _safe_next(next), "email": ""})


@router.post("/login")
async def login(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    outcome = await sessions.sign_in(
        session, settings, email=email, password=password, client_address=client_address(request)
    )
    if isinstance(outcome, TafteeshError):
        return render(
            request,
            "auth/login.html",
            {"error": outcome.message, "email": email, "next": _safe_next(next)},
            status_code=outcome.status_code,
            headers=outcome.headers,
        )
    response = redirect(request, _safe_next(next))
    response.set_cookie(
        SESSION_COOKIE,
        outcome.token,
        max_age=int(settings.session_hours * 3600),
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )
    return response


@router.post("/logout")
async def logout(request: Request, session: DbSession, principal: MaybeUser) -> Response:
    if principal is not None:
        await sessions.sign_out(session, principal)
    response = redirect(request, "/login", flash="You have signed out.")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
async def home(request: Request, principal: MaybeUser) -> Response:
    if principal is None:
        return redirect(request, "/login")
    return render(request, "home.html", {"Permission": Permission})


# -- administrators' account management -----------------------------------------------------


@router.get("/admin/users")
async def users_page(
    request: Request,
    session: DbSession,
    admin: Admin,
    role: Annotated[str | None, Query(max_length=40)] = None,
    active: Annotated[str | None, Query(max_length=5)] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    cursor: Annotated[str | None, Query(max_length=120)] = None,
) -> Response:
    role_filter = Role(role) if role in set(Role) else None
    active_filter = {"yes": True, "no": False}.get(active or "")
    users, next_cursor = await service.list_users(
        session,
        admin,
        role=role_filter,
        active=active_filter,
        search=q or None,
        cursor=service.UserCursor.decode(cursor) if cursor else None,
        limit=25,
    )
    organisations = {o.id: o.name for o in await service.list_organisations(session)}
    return render(
        request,
        "auth/users.html",
        {
            "users": users,
            "organisations": organisations,
            "next_cursor": next_cursor.encode() if next_cursor else None,
            "filters": {"role": role or "", "active": active or "", "q": q or ""},
            "roles": list(Role),
        },
        partial="auth/_partials/users_table.html",
    )


async def _user_form_context(session: DbSession) -> dict[str, Any]:
    return {
        "organisations": await service.list_organisations(session),
        "roles": list(Role),
        "languages": list(Language),
    }


@router.get("/admin/users/new")
async def new_user_page(request: Request, session: DbSession, admin: Admin) -> Response:
    ctx = await _user_form_context(session)
    ctx.update({"values": {"preferred_language": "en"}, "errors": {}})
    return render(request, "auth/user_new.html", ctx)


@router.post("/admin/users")
async def create_user(
    request: Request,
    session: DbSession,
    admin: Admin,
    email: Annotated[str, Form(max_length=1000)] = "",
    display_name: Annotated[str, Form(max_length=1000)] = "",
    organisation_id: Annotated[str, Form(max_length=100)] = "",
    role: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    preferred_language: Annotated[str, Form(max_length=10)] = "en",
) -> Response:
    values = {
        "email": email,
        "display_name": display_name,
        "organisation_id": organisation_id,
        "role": role,
        "preferred_language": preferred_language,
    }
    try:
        body = UserCreate.model_validate({**values, "password": password})
        await service.create_user(
            session,
            admin,
            email=str(body.email),
            display_name=body.display_name,
            organisation_id=body.organisation_id,
            role=body.role,
            password=body.password,
            preferred_language=body.preferred_language,
        )
    except (ValidationError, TafteeshError) as exc:
        await session.rollback()
        error = _as_form_error(exc)
        ctx = await _user_form_context(session)
        ctx.update(
            {"values": values, "errors": error.details.get("fields", {}), "error": error.message}
        )
        return render(request, "auth/user_new.html", ctx, status_code=error.status_code)
    return redirect(request, "/admin/users", flash="The account was created.")


def _as_form_error(exc: ValidationError | TafteeshError) -> TafteeshError:
    if isinstance(exc, TafteeshError):
        return exc
    from fastapi.exceptions import RequestValidationError

    return validation_to_error(RequestValidationError(exc.errors()))


@router.get("/admin/users/{user_id}")
async def edit_user_page(
    request: Request, user: UserForAdmin, session: DbSession, admin: Admin
) -> Response:
    ctx = await _user_form_context(session)
    ctx.update({"account": user, "errors": {}})
    return render(request, "auth/user_edit.html", ctx)


@router.post("/admin/users/{user_id}")
async def update_user(
    request: Request,
    user: UserForAdmin,
    session: DbSession,
    admin: Admin,
    version: Annotated[int, Form()],
    display_name: Annotated[str | None, Form(max_length=120)] = None,
    role: Annotated[str | None, Form(max_length=40)] = None,
    preferred_language: Annotated[str | None, Form(max_length=5)] = None,
    is_active: Annotated[str | None, Form(max_length=5)] = None,
) -> Response:
    user_id = user.id
    try:
        await service.update_user(
            session,
            admin,
            user,
            version=version,
            display_name=" ".join(display_name.split()) if display_name else None,
            role=_parse(Role, role, "role"),
            preferred_language=_parse(Language, preferred_language, "language"),
            is_active={"yes": True, "no": False}.get(is_active or ""),
        )
    except TafteeshError as exc:
        await session.rollback()
        fresh = await service.get_user(session, user_id)
        ctx = await _user_form_context(session)
        ctx.update({"account": fresh, "errors": {}, "error": exc.message})
        return render(request, "auth/user_edit.html", ctx, status_code=exc.status_code)
    return redirect(request, f"/admin/users/{user_id}", flash="The account was saved.")


def _parse(enum: type[Role] | type[Language], value: str | None, what: str) -> Any:
    if not value:
        return None
    try:
        return enum(value)
    except ValueError as exc:
        raise TafteeshError(f"Choose a {what} from the list.", status_code=422) from exc
