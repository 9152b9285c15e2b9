"""The forms on a claim's page: change its status (with a reason for a rejection), record a
payment, file an appeal, record an appeal's decision.

Each parses the form, calls one verb and redirects; on a refusal it rolls back and shows the
claim page again with the message beside the form that failed and what was typed kept in it.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tafteesh.cases.dependencies import reload_access
from tafteesh.cases.forms import form_values, validate
from tafteesh.compensation import appeals, disbursements, service, transitions, views
from tafteesh.compensation.dependencies import ClaimAccess, ClaimForEdit
from tafteesh.compensation.forms import rupees
from tafteesh.compensation.schemas import (
    AppealCreate,
    AppealStatusIn,
    DisbursementIn,
    StatusChangeIn,
)
from tafteesh.db import DbSession, TransactionalRoute
from tafteesh.errors import TafteeshError
from tafteesh.india import today_in_india
from tafteesh.web import redirect, render

router = APIRouter(include_in_schema=False, route_class=TransactionalRoute)


async def fresh_claim(session: DbSession, access: ClaimAccess, claim_id: uuid.UUID) -> ClaimAccess:
    """The claim and its case reloaded after a rollback (which expires every loaded object)."""
    found = await service.claim_with_survivor(session, claim_id)
    assert found is not None
    case = await reload_access(session, access.case.actor, found.claim.case_id)
    return ClaimAccess(claim=found.claim, case=case, survivor_pseudonym=found.pseudonym)


async def _refused(
    request: Request,
    session: DbSession,
    access: ClaimAccess,
    error: TafteeshError,
    form_name: str,
    values: dict[str, Any],
) -> Response:
    claim_id = access.claim.id
    await session.rollback()
    fresh = await fresh_claim(session, access, claim_id)
    return await render_claim(
        request,
        session,
        fresh,
        {
            "form_error": {
                "form": form_name,
                "message": error.message,
                "fields": error.details.get("fields", {}),
                "input": values,
                "current": error.details.get("current"),
            }
        },
        status_code=error.status_code,
    )


async def render_claim(
    request: Request,
    session: DbSession,
    access: ClaimAccess,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    today = today_in_india()
    ctx: dict[str, Any] = {
        "claim": await views.claim_read(session, access, today),
        "summary": await views.claim_summary(
            session, access.claim, access.survivor_pseudonym, today
        ),
        "access": access,
        "today": today,
        "form_error": None,
        **(extra or {}),
    }
    await service.record_read(session, access.case.actor, access.claim, "page")
    return render(
        request,
        "compensation/claim.html",
        ctx,
        partial="compensation/_partials/claim_detail.html",
        status_code=status_code,
    )


def _back(claim_id: uuid.UUID) -> str:
    return f"/compensation-claims/{claim_id}"


@router.post("/compensation-claims/{claim_id}/status")
async def change_status(request: Request, access: ClaimForEdit, session: DbSession) -> Response:
    form = await request.form()
    values = form_values(
        form,
        (
            "version",
            "status",
            "effective_on",
            "amount",
            "rejection_reason",
            "rejection_details",
            "note",
        ),
    )
    claim_id = access.claim.id
    try:
        data = dict(values)
        rupees(data, "amount", "amount_paise")
        await transitions.change_status(
            session,
            access.case.actor,
            access.case.case,
            access.claim,
            data=validate(StatusChangeIn, data),
            pseudonym=access.survivor_pseudonym,
        )
    except TafteeshError as error:
        return await _refused(request, session, access, error, "status", values)
    return redirect(request, _back(claim_id), flash="The claim's status was changed.")


@router.post("/compensation-claims/{claim_id}/disbursements")
async def record_disbursement(
    request: Request, access: ClaimForEdit, session: DbSession
) -> Response:
    form = await request.form()
    values = form_values(
        form, ("version", "amount", "paid_on", "mode", "reference", "matures_on", "note")
    )
    claim_id = access.claim.id
    try:
        data = dict(values)
        rupees(data, "amount", "amount_paise")
        await disbursements.record_disbursement(
            session,
            access.case.actor,
            access.case.case,
            access.claim,
            data=validate(DisbursementIn, data),
            pseudonym=access.survivor_pseudonym,
        )
    except TafteeshError as error:
        return await _refused(request, session, access, error, "disbursement", values)
    return redirect(request, _back(claim_id), flash="The payment was recorded.")


@router.post("/compensation-claims/{claim_id}/appeals")
async def file_appeal(request: Request, access: ClaimForEdit, session: DbSession) -> Response:
    form = await request.form()
    values = form_values(form, ("version", "forum", "filed_on", "reference", "grounds"))
    claim_id = access.claim.id
    try:
        await appeals.file_appeal(
            session,
            access.case.actor,
            access.case.case,
            access.claim,
            data=validate(AppealCreate, values),
            pseudonym=access.survivor_pseudonym,
        )
    except TafteeshError as error:
        return await _refused(request, session, access, error, "appeal", values)
    return redirect(request, _back(claim_id), flash="The appeal was recorded.")


@router.post("/compensation-claims/{claim_id}/appeals/{appeal_id}/status")
async def change_appeal_status(
    appeal_id: uuid.UUID, request: Request, access: ClaimForEdit, session: DbSession
) -> Response:
    form = await request.form()
    values = form_values(form, ("version", "status", "effective_on", "outcome_note"))
    claim_id = access.claim.id
    try:
        appeal = await appeals.get_appeal(session, access.claim, appeal_id)
        await appeals.change_appeal_status(
            session,
            access.case.actor,
            access.case.case,
            access.claim,
            appeal,
            data=validate(AppealStatusIn, values),
            pseudonym=access.survivor_pseudonym,
        )
    except TafteeshError as error:
        values["appeal_id"] = str(appeal_id)
        return await _refused(request, session, access, error, "appeal_status", values)
    return redirect(request, _back(claim_id), flash="The appeal was updated.")
