"""Errors a person can act on, raised by services and rendered once for every kind of request.

Services raise ``TafteeshError`` subclasses, never ``HTTPException``: JSON under /api, a flash
or form-error partial for htmx, a full error page otherwise.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException


class TafteeshError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code
        self.details = details or {}
        self.headers = headers or {}


class NotFound(TafteeshError):
    status_code = 404
    code = "not_found"


class Forbidden(TafteeshError):
    status_code = 403
    code = "forbidden"


class NotAuthenticated(TafteeshError):
    status_code = 401
    code = "not_authenticated"


class Conflict(TafteeshError):
    """A clash with the current state: a duplicate, a stale version, an illegal transition."""

    status_code = 409
    code = "conflict"


class InvalidInput(TafteeshError):
    status_code = 422
    code = "invalid_input"


class TooManyRequests(TafteeshError):
    status_code = 429
    code = "too_many_requests"


class PayloadTooLarge(TafteeshError):
    status_code = 413
    code = "payload_too_large"


class StaleVersion(Conflict):
    """Optimistic concurrency: someone saved the record after this writer read it."""

    code = "stale_version"

    def __init__(self, what: str, current: dict[str, Any]) -> None:
        super().__init__(
            f"This {what} was changed by someone else while you were editing. "
            "Review the current values and save again.",
            details={"current": current},
        )


def error_body(error: TafteeshError) -> dict[str, Any]:
    body: dict[str, Any] = {"error": error.code, "message": error.message}
    if error.details:
        body["details"] = error.details
    return body


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "header")]
    return ".".join(parts) or "request"


def _plain(problem: Any) -> str:
    """Pydantic's message, said the way a person filling a form needs to hear it."""
    message = str(problem.get("msg", "is not valid"))
    if problem.get("type") == "missing":
        return "This is required."
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def validation_to_error(exc: RequestValidationError) -> InvalidInput:
    """Turn pydantic's list of problems into one message plus per-field messages.

    The input values are deliberately left out: they may hold a survivor's name or phone.
    """
    fields: dict[str, str] = {}
    for problem in exc.errors():
        fields.setdefault(_field_name(tuple(problem.get("loc", ()))), _plain(problem))
    summary = "; ".join(f"{name}: {msg}" for name, msg in fields.items())
    return InvalidInput(f"Please correct the form: {summary}", details={"fields": fields})


def install_error_handlers(app: FastAPI) -> None:
    from tafteesh.web import render_error

    async def on_tafteesh_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, TafteeshError)
        return render_error(request, exc)

    async def on_validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return render_error(request, validation_to_error(exc))

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        messages = {
            404: "There is nothing at this address.",
            405: "This address does not accept that kind of request.",
        }
        error = TafteeshError(
            messages.get(exc.status_code, str(exc.detail)),
            status_code=exc.status_code,
            headers=dict(exc.headers or {}),
        )
        error.code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "error")
        return render_error(request, error)

    app.add_exception_handler(TafteeshError, on_tafteesh_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)


def json_error(error: TafteeshError) -> JSONResponse:
    return JSONResponse(error_body(error), status_code=error.status_code, headers=error.headers)
