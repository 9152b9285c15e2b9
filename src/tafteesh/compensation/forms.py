"""Reading the claim pages' HTML forms into the API's schemas, so both share one validation.

People type amounts in rupees as orders write them ("1,50,000", "Rs. 5,000/-"); they become
paise here with ``money.parse_rupees``, never through a float.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from tafteesh.cases.forms import checkbox, form_values
from tafteesh.compensation.money import InvalidAmountError, parse_rupees
from tafteesh.compensation.statuses import ClaimDocument, Scheme
from tafteesh.errors import InvalidInput

CLAIM_FIELDS = (
    "survivor_id",
    "scheme",
    "scheme_name",
    "authority_kind",
    "authority_district",
    "authority_state",
    "court_name",
    "basis",
    "application_reference",
    "applied_on",
    "recommended_on",
    "notes",
    "version",
)


def rupees(values: dict[str, Any], typed: str, field: str) -> None:
    """Replace the typed amount ``values[typed]`` by ``values[field]`` in paise."""
    text = values.pop(typed, None)
    if text is None:
        return
    try:
        values[field] = int(parse_rupees(str(text)))
    except InvalidAmountError as exc:
        raise InvalidInput(str(exc), details={"fields": {field: str(exc)}}) from exc


def claim_values(form: FormData, *, editing: bool) -> dict[str, Any]:
    """The claim form's values, as typed (for echoing back) plus what the schema needs."""
    values = form_values(form, (*CLAIM_FIELDS, "claimed"))
    values["minor"] = checkbox(form, "minor")
    values["documents"] = [
        str(d) for d in form.getlist("documents") if d in {c.value for c in ClaimDocument}
    ]
    scheme = values.get("scheme")
    # Each scheme's heads are their own checkboxes, so only the chosen scheme's count.
    listed = [str(h) for h in form.getlist(f"head_{scheme}")] if scheme in set(Scheme) else []
    typed = [line.strip() for line in str(form.get("other_heads") or "").splitlines()]
    values["heads"] = listed + [line for line in typed if line]
    values["other_heads"] = str(form.get("other_heads") or "")
    if editing:
        # Blank optional fields mean "clear it" on the edit form.
        for name in CLAIM_FIELDS:
            if name not in ("survivor_id", "scheme", "authority_kind", "basis", "version"):
                values.setdefault(name, None)
        values.setdefault("claimed_paise", None)
    else:
        values["filed"] = checkbox(form, "filed")
    return values


def schema_values(values: dict[str, Any]) -> dict[str, Any]:
    """What the schema validates: the typed amount converted, display-only keys left out."""
    data = {k: v for k, v in values.items() if k not in ("other_heads",)}
    rupees(data, "claimed", "claimed_paise")
    return data
