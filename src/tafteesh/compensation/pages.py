"""Compensation pages: the case's compensation tab, a claim's page (clocks, history, payments,
appeals, and what the survivor sees) and the claim form. The status, payment and appeal forms
post to ``action_pages``, included here so the app mounts one router.

The survivor's own view of the tab holds only the plain-language summaries of her claims.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from tafteesh.cases.dependencies import CaseAccess, CaseForEdit, CaseForView, reload_access
from tafteesh.cases.forms import validate
from tafteesh.cases.models import Survivor
from tafteesh.cases.pages import render_case_tab
from tafteesh.compensation import action_pages, forms, policy, service, views
from tafteesh.compensation.action_pages import render_claim
from tafteesh.compensation.dependencies import ClaimForEdit, ClaimForSummary
from tafteesh.compensation.money import format_inr
from tafteesh.compensation.schedules import heads_for
from tafteesh.compensation.schemas import ClaimCreate, ClaimUpdate
from tafteesh.compensation.statuses import (
    AppealForum,
    AppealStatus,
    AuthorityKind,
    ClaimBasis,
    ClaimDocument,
    DisbursementMode,
    RejectionReason,
    Scheme,
)
from tafteesh.db import DbSession, TransactionalRoute
from tafteesh.errors import TafteeshError
from tafteesh.india import today_in_india
from tafteesh.web import redirect, render, templates

router = APIRouter(include_in_schema=False, route_class=TransactionalRoute)
router.include_router(action_pages.router)
templates.env.filters["inr"] = lambda paise: "" if paise is None else format_inr(paise)
templates.env.globals.update(
    claim_schemes=list(Scheme),
    authority_kinds=list(AuthorityKind),
    claim_bases=list(ClaimBasis),
    claim_documents=list(ClaimDocument),
    rejection_reasons=list(RejectionReason),
    appeal_forums=list(AppealForum),
    appeal_statuses=list(AppealStatus),
    disbursement_modes=list(DisbursementMode),
    schedule_heads={scheme: heads_for(scheme) for scheme in Scheme},
)


def tab_url(case_id: uuid.UUID) -> str:
    return f"/cases/{case_id}/compensation"


def claim_url(claim_id: uuid.UUID) -> str:
    return f"/compensation-claims/{claim_id}"


# -- the case's compensation tab ---------------------------------------------------------------


@router.get("/cases/{case_id}/compensation")
async def compensation_tab(request: Request, access: CaseForView, session: DbSession) -> Response:
    today = today_in_india()
    visible = policy.visible_summaries(access.actor, access.relation)
    shown = await service.claims_of(session, access.case.id, visible=visible)
    ctx: dict[str, Any] = {
        "summaries": [await views.claim_summary(session, c, name, today) for c, name in shown],
        "claims": [],
    }
    if policy.can_read_claims(access.actor, access.relation):
        ctx["claims"] = [views.list_item(c, name, today) for c, name in shown]
    return await render_case_tab(
        request,
        session,
        access,
        "compensation",
        ctx,
        tab_template="compensation/_partials/tab_compensation.html",
    )


# -- a claim's page ------------------------------------------------------------------------------


@router.get("/compensation-claims/{claim_id}")
async def claim_page(request: Request, access: ClaimForSummary, session: DbSession) -> Response:
    if not access.can_read:
        # Her own claim: her summary is on the case's compensation tab.
        return redirect(request, tab_url(access.claim.case_id))
    return await render_claim(request, session, access)


# -- the claim form ------------------------------------------------------------------------------


async def _survivor_choices(session: DbSession, case_id: uuid.UUID) -> list[tuple[str, str]]:
    rows = await session.execute(
        select(Survivor.id, Survivor.pseudonym)
        .where(Survivor.case_id == case_id)
        .order_by(Survivor.created_at)
    )
    return [(str(sid), name) for sid, name in rows]


async def _form_page(
    request: Request,
    session: DbSession,
    case: CaseAccess,
    values: dict[str, Any],
    *,
    claim: Any = None,
    error: TafteeshError | None = None,
) -> Response:
    return render(
        request,
        "compensation/claim_form.html",
        {
            "case": case.case,
            "claim": claim,
            "values": values,
            "survivors": await _survivor_choices(session, case.case.id),
            "error": error.message if error else None,
            "errors": error.details.get("fields", {}) if error else {},
            "current": error.details.get("current") if error else None,
        },
        partial="compensation/_partials/claim_form.html",
        status_code=error.status_code if error else 200,
    )


@router.get("/cases/{case_id}/compensation/new")
async def new_claim_page(request: Request, access: CaseForEdit, session: DbSession) -> Response:
    values: dict[str, Any] = {
        "scheme": Scheme.NALSA_2018_WOMEN_VICTIMS.value,
        "authority_kind": AuthorityKind.DLSA.value,
        "authority_district": access.case.fir_district,
        "authority_state": access.case.fir_state,
        "basis": ClaimBasis.VICTIMS_APPLICATION.value,
        "documents": [],
        "heads": [],
    }
    return await _form_page(request, session, access, values)


@router.post("/cases/{case_id}/compensation/new")
async def open_claim(request: Request, access: CaseForEdit, session: DbSession) -> Response:
    form = await request.form()
    values = forms.claim_values(form, editing=False)
    case_id = access.case.id
    try:
        data = validate(ClaimCreate, forms.schema_values(values))
        claim = await service.open_claim(session, access.actor, access.case, data=data)
    except TafteeshError as error:
        await session.rollback()
        fresh = await reload_access(session, access.actor, case_id)
        return await _form_page(request, session, fresh, values, error=error)
    return redirect(request, claim_url(claim.id), flash="The claim was saved.")


@router.get("/compensation-claims/{claim_id}/edit")
async def edit_claim_page(request: Request, access: ClaimForEdit, session: DbSession) -> Response:
    claim = await views.claim_read(session, access, today_in_india())
    values = claim.model_dump(mode="json")
    values["documents"] = [d["document"] for d in values["documents"] if d["submitted"]]
    values["heads"] = [h["head"] for h in values["heads"]]
    if not heads_for(claim.scheme):
        values["other_heads"] = "\n".join(values["heads"])
    values["claimed"] = format_inr(claim.claimed_paise).lstrip("₹") if claim.claimed_paise else ""
    return await _form_page(request, session, access.case, values, claim=claim)


@router.post("/compensation-claims/{claim_id}/edit")
async def edit_claim(request: Request, access: ClaimForEdit, session: DbSession) -> Response:
    form = await request.form()
    values = forms.claim_values(form, editing=True)
    claim_id = access.claim.id
    try:
        data = validate(ClaimUpdate, forms.schema_values(values))
        await service.update_claim(
            session,
            access.case.actor,
            access.case.case,
            access.claim,
            data=data,
            pseudonym=access.survivor_pseudonym,
        )
    except TafteeshError as error:
        await session.rollback()
        fresh = await action_pages.fresh_claim(session, access, claim_id)
        claim = await views.claim_read(session, fresh, today_in_india())
        return await _form_page(request, session, fresh.case, values, claim=claim, error=error)
    return redirect(request, claim_url(claim_id), flash="The claim was saved.")
