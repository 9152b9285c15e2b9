"""HTML pages for cases: the list with live filters, the detail tabs, the forms and the stage
dialog. Each handler parses input, calls one service verb and renders; the rules live in the
services and in ``policy``."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from tafteesh.auth.dependencies import CurrentUser
from tafteesh.auth.service import list_organisations
from tafteesh.cases import listing, policy, service, timeline, views
from tafteesh.cases.catalogue import Act, load_catalogue
from tafteesh.cases.dependencies import (
    CaseAccess,
    CaseForEdit,
    CaseForStage,
    CaseForView,
    Cipher,
    identity_cipher,
    reload_access,
)
from tafteesh.cases.forms import checkbox, form_values, parse_charges, validate
from tafteesh.cases.parties import ACCUSED_STATUS_LABELS
from tafteesh.cases.schemas import CaseCreate, CaseUpdate, StageChangeIn
from tafteesh.cases.stages import STAGE_LABELS, Regime, Stage
from tafteesh.db import DbSession, TransactionalRoute, read_only
from tafteesh.errors import Forbidden, TafteeshError
from tafteesh.india import today_in_india
from tafteesh.web import redirect, render, templates

router = APIRouter(include_in_schema=False, route_class=TransactionalRoute)
templates.env.globals["accused_statuses"] = list(ACCUSED_STATUS_LABELS.items())
templates.env.filters["stage_label"] = STAGE_LABELS.__getitem__  # a Stage, or its value

DISTRICTS = ("Kolkata", "North 24 Parganas", "South 24 Parganas", "Mumbai", "Pune")
CASE_FIELDS = (
    "reference",
    "regime",
    "police_station",
    "fir_district",
    "fir_state",
    "fir_number",
    "fir_year",
    "fir_date",
    "court_establishment",
    "court_number",
    "judge",
    "court_district",
    "cnr",
    "case_type",
    "case_number",
    "source_state",
    "destination_state",
    "stage",
    "stage_since",
    "victim_informed_on",
)
TABS = ("overview", "people", "timeline", "clocks")


def _catalogue_groups() -> list[tuple[Act, list[Any]]]:
    catalogue = load_catalogue()
    return [(act, [s for s in catalogue if s.act is act]) for act in Act]


# -- list ------------------------------------------------------------------------------------


@router.get("/cases")
@read_only
async def case_list(
    request: Request,
    session: DbSession,
    principal: CurrentUser,
    stage: Annotated[str | None, Query(max_length=40)] = None,
    district: Annotated[str | None, Query(max_length=80)] = None,
    court: Annotated[str | None, Query(max_length=160)] = None,
    overdue: Annotated[str | None, Query(max_length=5)] = None,
    q: Annotated[str | None, Query(max_length=80)] = None,
    cursor: Annotated[str | None, Query(max_length=120)] = None,
) -> Response:
    stage_filter = Stage(stage) if stage in set(Stage) else None
    filters = listing.CaseFilters(
        stage=stage_filter,
        district=district or None,
        court=court or None,
        overdue=overdue in ("on", "yes", "true", "1"),
        search=q or None,
    )
    rows, next_cursor = await listing.list_cases(
        session,
        principal,
        filters,
        cursor=listing.CaseCursor.decode(cursor) if cursor else None,
        limit=25,
    )
    return render(
        request,
        "cases/list.html",
        {
            "cases": rows,
            "next_cursor": next_cursor.encode() if next_cursor else None,
            "filters": {
                "stage": stage or "",
                "district": district or "",
                "court": court or "",
                "overdue": filters.overdue,
                "q": q or "",
            },
            "stages": list(Stage),
            "districts": DISTRICTS,
            "can_create": policy.can_create_case(principal),
        },
        partial="cases/_partials/case_table.html",
    )


# -- opening a case --------------------------------------------------------------------------


async def _form_context(session: DbSession, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "values": values,
        "errors": {},
        "stages": [s for s in Stage if s not in (Stage.TRANSFERRED, Stage.STAYED_BY_HIGHER_COURT)],
        "regimes": list(Regime),
        "catalogue": _catalogue_groups(),
        "organisations": await list_organisations(session),
        "districts": DISTRICTS,
    }


@router.get("/cases/new")
async def new_case_page(request: Request, session: DbSession, principal: CurrentUser) -> Response:
    if not policy.can_create_case(principal):
        raise Forbidden("Only lawyers and social workers open cases.")
    values = {"fir_year": today_in_india().year, "stage": Stage.FIR_REGISTERED.value, "charges": []}
    return render(request, "cases/new.html", await _form_context(session, values))


@router.post("/cases/new")
async def open_case(
    request: Request, session: DbSession, principal: CurrentUser, cipher: Cipher
) -> Response:
    if not policy.can_create_case(principal):
        raise Forbidden("Only lawyers and social workers open cases.")
    form = await request.form()
    values = form_values(form, CASE_FIELDS)
    values["zero_fir"] = checkbox(form, "zero_fir")
    values["charges_text"] = ", ".join(
        [str(v) for v in form.getlist("charge")] + [str(form.get("other_charges") or "")]
    ).strip(", ")
    try:
        charges = parse_charges(form)
        data = validate(CaseCreate, {**values, "charges": [c.model_dump() for c in charges]})
        case = await service.open_case(session, principal, data=data, cipher=cipher)
    except TafteeshError as error:
        await session.rollback()
        ctx = await _form_context(session, values)
        ctx.update(
            {
                "errors": error.details.get("fields", {}),
                "error": error.message,
                "checked": {str(v) for v in form.getlist("charge")},
                "other_charges": form.get("other_charges") or "",
            }
        )
        return render(
            request,
            "cases/new.html",
            ctx,
            partial="cases/_partials/case_form.html",
            status_code=error.status_code,
        )
    return redirect(request, f"/cases/{case.id}", flash="The case was opened.")


# -- the case and its tabs -------------------------------------------------------------------


async def render_case_tab(
    request: Request,
    session: DbSession,
    access: CaseAccess,
    tab: str,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
    tab_template: str | None = None,
) -> Response:
    """The case page with one tab open. Other packages add tabs (hearings, evidence…) by passing
    their own ``tab_template`` and context."""
    tab_template = tab_template or f"cases/_partials/tab_{tab}.html"
    ctx: dict[str, Any] = {
        "access": access,
        "tab": tab,
        "today": today_in_india(),
        "tab_template": tab_template,
    }
    if tab == "overview":
        case, ctx["stage_history"] = await views.case_overview(
            session, access, read_as="page_overview"
        )
        allowed = set(case.allowed_next_stages)
        ctx["allowed_next"] = [s for s in Stage if s in allowed]  # in the order of the process
    else:
        case = await views.case_read(session, access, read_as=f"page_{tab}")
    ctx["case"] = case
    if tab == "people":
        ctx["survivors"] = await views.survivor_reads(session, access, identity_cipher(request))
        ctx["accused"] = await views.accused_reads(session, access)
        ctx["team"] = await views.team_reads(session, access)
    elif tab == "timeline":
        before = request.query_params.get("before")
        events, cursor = await timeline.page(
            session,
            access.case.id,
            survivor_view=access.survivor_view,
            before_id=int(before) if before and before.isdigit() else None,
            limit=30,
        )
        ctx.update({"events": events, "next_cursor": cursor})
    elif tab == "clocks":
        ctx["clocks"] = await views.clock_reads(
            session, access, identity_cipher(request), today_in_india()
        )
    ctx.update(extra or {})
    return render(
        request,
        "cases/detail.html",
        ctx,
        partial=tab_template,
        status_code=status_code,
    )


@router.get("/cases/{case_id}")
@read_only
async def case_overview(request: Request, access: CaseForView, session: DbSession) -> Response:
    return await render_case_tab(request, session, access, "overview")


@router.get("/cases/{case_id}/people")
async def case_people(request: Request, access: CaseForView, session: DbSession) -> Response:
    return await render_case_tab(request, session, access, "people")


@router.get("/cases/{case_id}/timeline")
@read_only
async def case_timeline(request: Request, access: CaseForView, session: DbSession) -> Response:
    return await render_case_tab(request, session, access, "timeline")


@router.get("/cases/{case_id}/clocks")
async def case_clocks(request: Request, access: CaseForView, session: DbSession) -> Response:
    return await render_case_tab(request, session, access, "clocks")


# -- editing and the stage dialog ------------------------------------------------------------


@router.get("/cases/{case_id}/edit")
async def edit_case_page(request: Request, access: CaseForEdit, session: DbSession) -> Response:
    case = await views.case_read(session, access)
    values = case.model_dump(mode="json")
    ctx = await _form_context(session, values)
    ctx.update({"case": case, "checked": {c.citation for c in case.charges}})
    return render(request, "cases/edit.html", ctx)


@router.post("/cases/{case_id}/edit")
async def edit_case(
    request: Request, access: CaseForEdit, session: DbSession, cipher: Cipher
) -> Response:
    form = await request.form()
    names = tuple(n for n in CASE_FIELDS if n not in ("stage", "stage_since")) + ("version",)
    values = form_values(form, names)
    for optional in service.CASE_OPTIONAL:
        values.setdefault(optional, None)
    values["zero_fir"] = checkbox(form, "zero_fir")
    case_id = access.case.id
    try:
        charges = parse_charges(form)
        data = validate(CaseUpdate, {**values, "charges": [c.model_dump() for c in charges]})
        await service.update_case(session, access.actor, access.case, data=data, cipher=cipher)
    except TafteeshError as error:
        await session.rollback()
        fresh = await reload_access(session, access.actor, case_id)
        case = await views.case_read(session, fresh)
        ctx = await _form_context(session, {**case.model_dump(mode="json"), **values})
        ctx.update(
            {
                "case": case,
                "errors": error.details.get("fields", {}),
                "error": error.message,
                "checked": {str(v) for v in form.getlist("charge")},
                "other_charges": form.get("other_charges") or "",
            }
        )
        if error.code == "stale_version":
            ctx["values"] = case.model_dump(mode="json")
        return render(
            request,
            "cases/edit.html",
            ctx,
            partial="cases/_partials/case_form.html",
            status_code=error.status_code,
        )
    return redirect(request, f"/cases/{case_id}", flash="The case was saved.")


@router.post("/cases/{case_id}/stage")
async def change_stage(
    request: Request, access: CaseForStage, session: DbSession, cipher: Cipher
) -> Response:
    form = await request.form()
    values = form_values(form, ("version", "stage", "effective_on", "note"))
    values["victim_heard"] = checkbox(form, "victim_heard")
    case_id = access.case.id
    try:
        data = validate(StageChangeIn, values)
        await service.change_stage(
            session,
            access.actor,
            access.case,
            version=data.version,
            target=data.stage,
            effective_on=data.effective_on,
            note=data.note,
            victim_heard=data.victim_heard,
            cipher=cipher,
        )
    except TafteeshError as error:
        await session.rollback()
        fresh = await reload_access(session, access.actor, case_id)
        return await render_case_tab(
            request,
            session,
            fresh,
            "overview",
            {"stage_error": error.message, "stage_values": values},
            status_code=error.status_code,
        )
    return redirect(request, f"/cases/{case_id}", flash="The stage was changed.")


def case_url(case_id: uuid.UUID, tab: str = "overview") -> str:
    return f"/cases/{case_id}" + ("" if tab == "overview" else f"/{tab}")
