"""FastAPI walks every dependency of a route on every request, and each one costs its solver
about as much as a page's access check (bench/README.md, finding 29). So object dependencies
find the caller and the session themselves (``auth.dependencies.signed_in``, ``db.get_session``)
instead of depending on ``CurrentUser`` and ``DbSession``, which would add their chains under
every object a route loads."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from tafteesh.auth.dependencies import current_principal, optional_principal
from tafteesh.db import get_session
from tafteesh.main import create_app, routers

# What a route may ask for itself, but another dependency must not.
ROUTE_LEVEL_ONLY = {current_principal, optional_principal, get_session}


def _nested(dependant: Dependant, depth: int = 0) -> Iterator[tuple[Callable[..., Any], int]]:
    for sub in dependant.dependencies:
        assert sub.call is not None
        yield sub.call, depth
        yield from _nested(sub, depth + 1)


def _routes() -> list[APIRoute]:
    return [r for router in routers() for r in router.routes if isinstance(r, APIRoute)]


def test_object_dependencies_find_the_caller_themselves() -> None:
    routes = _routes()
    assert len(routes) > 100
    deep = sorted(
        f"{route.path}: {getattr(call, '__name__', call)} at depth {depth}"
        for route in routes
        for call, depth in _nested(route.dependant)
        if depth > 0 and call in ROUTE_LEVEL_ONLY
    )
    assert deep == []


def test_the_case_page_walks_four_dependencies() -> None:
    # The CSRF check, which every route has, the case with its access (and the bearer token it
    # reads), and the session.
    app_wide = [d.dependency for d in create_app().router.dependencies]
    assert [getattr(d, "__name__", d) for d in app_wide] == ["csrf_protect"]
    page = next(r for r in _routes() if r.path == "/cases/{case_id}" and "GET" in r.methods)
    names = sorted(
        getattr(call, "__name__", type(call).__name__) for call, _ in _nested(page.dependant)
    )
    assert names == ["OAuth2PasswordBearer", "case_for_view", "get_session"]
