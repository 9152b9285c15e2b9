"""Reading the case pages' HTML forms into the API's schemas, so both share one validation."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from tafteesh.cases.schemas import ChargeIn
from tafteesh.errors import TafteeshError, validation_to_error

_CITATION = re.compile(r"^\s*([A-Za-z]+)\s+(\S+)\s*$")
M = TypeVar("M", bound=BaseModel)


def parse_charges(form: FormData) -> list[ChargeIn]:
    """Ticked catalogue sections plus typed citations ("BNS 143(4), ITPA 5")."""
    citations = [str(v) for v in form.getlist("charge")]
    typed = str(form.get("other_charges") or "")
    citations += [part for part in re.split(r"[,;\n]", typed) if part.strip()]
    charges: list[ChargeIn] = []
    for citation in citations:
        match = _CITATION.match(citation)
        if not match:
            raise TafteeshError(
                f"“{citation.strip()}” is not a section. Write the act and the section, like "
                "BNS 143(4).",
                status_code=422,
                details={"fields": {"charges": "not a section"}},
            )
        charges.append(ChargeIn(act=match.group(1), section=match.group(2)))
    return charges


def form_values(form: FormData, names: tuple[str, ...]) -> dict[str, Any]:
    """The named fields, with empty strings dropped so optional fields stay unset."""
    values: dict[str, Any] = {}
    for name in names:
        value = form.get(name)
        if isinstance(value, str) and value.strip() != "":
            values[name] = value.strip()
    return values


def checkbox(form: FormData, name: str) -> bool:
    return form.get(name) in ("on", "yes", "true", "1")


def validate(model: type[M], values: dict[str, Any]) -> M:
    """Validate like the API does; a failure becomes the API's 422 with per-field messages."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise validation_to_error(RequestValidationError(exc.errors())) from exc
