"""Templates and the one way pages respond: the full page, or only the partial for htmx."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from tafteesh.auth.permissions import Permission
from tafteesh.auth.roles import Role
from tafteesh.config import get_settings
from tafteesh.errors import TafteeshError, json_error
from tafteesh.india import INDIA

FLASH_COOKIE = "tafteesh_flash"
STATIC_PREFIX = "/static"
_ROLES = {r.value for r in Role}


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# What a plain dict answers as attributes; any other ``row.name`` in a template means its key.
_DICT_ATTRIBUTES = frozenset(dir(dict))


def _format_date(value: date | datetime | None) -> str:
    """ "05 Mar 2025", with ", 14:30" in India's time for a moment. Not ``strftime``: its month
    names follow the process's locale, and a list page formats dozens of dates."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = value.astimezone(INDIA)
        return (
            f"{local.day:02d} {_MONTHS[local.month - 1]} {local.year}, "
            f"{local.hour:02d}:{local.minute:02d}"
        )
    return f"{value.day:02d} {_MONTHS[value.month - 1]} {value.year}"


class _Environment(jinja2.Environment):
    """Jinja with ``row.field`` on a dict looking up the key without a failed attribute first.

    Jinja tries ``getattr`` and falls back to the item after an ``AttributeError``. Rows reach
    templates as dicts (``db.as_dicts``, or ``dict(row)`` of a driver row), and raising and
    catching that error for every field of every row took a tenth of a list page's time. The
    answer is the same: a name a dict has as an attribute (``items``, ``get``…) still goes the
    usual way.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        # Jinja's own ``getattr``, written out: a page looks up about a hundred attributes, and
        # calling up to it cost each of them a second Python call.
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)


def static_url(path: str) -> str:
    """The address of a file in the static folder, mounted at /static by ``main.create_app``.

    Not ``url_for``: that searches every route on each call, which cost a page about a twentieth
    of its time.
    """
    return f"{STATIC_PREFIX}/{quote(path)}"


def _make_templates() -> Jinja2Templates:
    loader = jinja2.FileSystemLoader(get_settings().templates_dir)
    templates = Jinja2Templates(
        env=_Environment(loader=loader, autoescape=jinja2.select_autoescape())
    )
    # Templates are read once per process: checking every file's modification time on each
    # render is work for a developer's convenience, paid on every request. Restart to reload.
    templates.env.auto_reload = False
    templates.env.globals["static_url"] = static_url
    templates.env.filters["fdate"] = _format_date
    templates.env.filters["role_label"] = lambda role: Role(role).label if role in _ROLES else role
    templates.env.globals["Permission"] = Permission
    return templates


templates = _make_templates()


def is_htmx(request: Request) -> bool:
    """A partial is enough for an htmx request, unless it is boosted (a whole-page swap)."""
    return request.headers.get("HX-Request") == "true" and "HX-Boosted" not in request.headers


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def render(
    request: Request,
    page: str,
    context: dict[str, Any] | None = None,
    *,
    partial: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    ctx: dict[str, Any] = {
        "user": getattr(request.state, "user", None),
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "flash": request.cookies.get(FLASH_COOKIE),
    }
    ctx.update(context or {})
    name = partial if partial and is_htmx(request) else page
    response = templates.TemplateResponse(
        request, name, ctx, status_code=status_code, headers=headers
    )
    if ctx["flash"] and name == page:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def redirect(request: Request, url: str, *, flash: str | None = None) -> Response:
    """Redirect after a successful form post; htmx follows HX-Redirect instead of a 303."""
    if request.headers.get("HX-Request") == "true":
        response: Response = Response(status_code=204, headers={"HX-Redirect": url})
    else:
        response = RedirectResponse(url, status_code=303)
    if flash:
        # Flash messages are generic on purpose ("The account was created."): they sit in a
        # cookie, and must never carry a survivor's identity.
        response.set_cookie(
            FLASH_COOKIE,
            flash,
            max_age=60,
            path="/",
            httponly=True,
            samesite="lax",
            secure=request.app.state.settings.cookie_secure,
        )
    return response


def render_error(request: Request, error: TafteeshError) -> Response:
    if is_api(request):
        return json_error(error)
    if error.status_code == 401:
        # Pages send a signed-out visitor to the sign-in form, and back here afterwards.
        target = request.url.path if request.method == "GET" else "/"
        return redirect(request, f"/login?next={quote(target)}")
    headers = dict(error.headers)
    if request.headers.get("HX-Request") == "true":
        headers.update({"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"})
        return render(
            request,
            "_partials/flash.html",
            {"error": error},
            status_code=error.status_code,
            headers=headers,
        )
    return render(
        request,
        "error.html",
        {"error": error},
        status_code=error.status_code,
        headers=headers,
    )
