"""JSON API for compensation claims: /api/v1/cases/{id}/compensation-claims and
/api/v1/compensation-claims/{id} with its status, disbursements, appeals and summary."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter

from tafteesh.auth.dependencies import CurrentUser
from tafteesh.cases import service as cases
from tafteesh.cases.dependencies import CaseForEdit, CaseForView
from tafteesh.compensation import appeals, disbursements, policy, service, transitions, views
from tafteesh.compensation.dependencies import (
    CaseClaimsReader,
    ClaimAccess,
    ClaimForEdit,
    ClaimForSummary,
    ClaimForView,
)
from tafteesh.compensation.schedules import heads_for
from tafteesh.compensation.schemas import (
    AppealCreate,
    AppealRead,
    AppealStatusIn,
    ClaimCreate,
    ClaimListItem,
    ClaimRead,
    ClaimSummaryRead,
    ClaimUpdate,
    DisbursementIn,
    DisbursementRead,
    ScheduleHeadRead,
    SchemeRead,
    StatusChangeIn,
)
from tafteesh.compensation.statuses import Scheme
from tafteesh.db import DbSession, TransactionalRoute
from tafteesh.india import today_in_india

router = APIRouter(prefix="/api/v1", tags=["compensation"], route_class=TransactionalRoute)

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    403: {"description": "The survivor reads only her summary, not the team's record"},
    404: {"description": "No such case or claim, or not one the user may see"},
    422: {"description": "Invalid input; `details.fields` names each problem"},
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    403: {"description": "The user may see the claim but not change it"},
    409: {
        "description": "Stale version (`details.current`), a status the claim cannot move to "
        "(`details.allowed_next`), or a payment past the award (`details.over_by_paise`)"
    },
}


async def _read(session: DbSession, access: ClaimAccess) -> ClaimRead:
    return await views.claim_read(session, access, today_in_india())


@router.get(
    "/cases/{case_id}/compensation-claims",
    response_model=list[ClaimListItem],
    summary="A case's compensation claims, with an overdue flag",
    responses=ERRORS,
)
async def list_claims(access: CaseClaimsReader, session: DbSession) -> list[ClaimListItem]:
    rows = await service.claims_of(session, access.case.id)
    await cases.record_read(session, access.actor, access.case, "compensation_claims")
    today = today_in_india()
    return [views.list_item(claim, pseudonym, today) for claim, pseudonym in rows]


@router.post(
    "/cases/{case_id}/compensation-claims",
    response_model=ClaimRead,
    status_code=201,
    summary="Open a claim for a survivor on the case (a draft, or already filed)",
    responses=WRITE_ERRORS,
)
async def open_claim(body: ClaimCreate, access: CaseForEdit, session: DbSession) -> ClaimRead:
    claim = await service.open_claim(session, access.actor, access.case, data=body)
    found = await service.claim_with_survivor(session, claim.id)
    assert found is not None
    return await _read(session, ClaimAccess(claim, access, found.pseudonym))


@router.get(
    "/cases/{case_id}/compensation-summaries",
    response_model=list[ClaimSummaryRead],
    summary="Plain-language summaries: the survivor gets those of her own claims",
    responses=ERRORS,
)
async def list_summaries(access: CaseForView, session: DbSession) -> list[ClaimSummaryRead]:
    visible = policy.visible_summaries(access.actor, access.relation)
    rows = await service.claims_of(session, access.case.id, visible=visible)
    await cases.record_read(session, access.actor, access.case, "compensation_summaries")
    today = today_in_india()
    return [await views.claim_summary(session, claim, name, today) for claim, name in rows]


@router.get(
    "/compensation-claims/{claim_id}",
    response_model=ClaimRead,
    summary="One claim: amounts, clocks, status history, disbursements and appeals",
    responses=ERRORS,
)
async def get_claim(access: ClaimForView, session: DbSession) -> ClaimRead:
    await service.record_read(session, access.case.actor, access.claim, "view")
    return await _read(session, access)


@router.patch(
    "/compensation-claims/{claim_id}",
    response_model=ClaimRead,
    summary="Change a claim's details (with its version)",
    responses=WRITE_ERRORS,
)
async def update_claim(body: ClaimUpdate, access: ClaimForEdit, session: DbSession) -> ClaimRead:
    await service.update_claim(
        session,
        access.case.actor,
        access.case.case,
        access.claim,
        data=body,
        pseudonym=access.survivor_pseudonym,
    )
    return await _read(session, access)


@router.post(
    "/compensation-claims/{claim_id}/status",
    response_model=ClaimRead,
    summary="Move the claim on: filed, under verification, awarded, rejected (with a reason)…",
    responses=WRITE_ERRORS,
)
async def change_status(
    body: StatusChangeIn, access: ClaimForEdit, session: DbSession
) -> ClaimRead:
    await transitions.change_status(
        session,
        access.case.actor,
        access.case.case,
        access.claim,
        data=body,
        pseudonym=access.survivor_pseudonym,
    )
    return await _read(session, access)


@router.get(
    "/compensation-claims/{claim_id}/summary",
    response_model=ClaimSummaryRead,
    summary="Where the claim stands, in plain words: awarded, paid, pending, next step",
    responses={**ERRORS, 403: {"description": "Never: the summary is for everyone who may see"}},
)
async def get_summary(access: ClaimForSummary, session: DbSession) -> ClaimSummaryRead:
    await service.record_read(session, access.case.actor, access.claim, "summary")
    return await views.claim_summary(
        session, access.claim, access.survivor_pseudonym, today_in_india()
    )


@router.get(
    "/compensation-claims/{claim_id}/disbursements",
    response_model=list[DisbursementRead],
    summary="Tranches paid and deposits made",
    responses=ERRORS,
)
async def list_disbursements(access: ClaimForView, session: DbSession) -> list[DisbursementRead]:
    await service.record_read(session, access.case.actor, access.claim, "disbursements")
    return [
        views.disbursement_read(d) for d in await service.disbursements_of(session, access.claim.id)
    ]


@router.post(
    "/compensation-claims/{claim_id}/disbursements",
    response_model=ClaimRead,
    status_code=201,
    summary="Record a tranche paid or a fixed deposit made (never past the award)",
    responses=WRITE_ERRORS,
)
async def record_disbursement(
    body: DisbursementIn, access: ClaimForEdit, session: DbSession
) -> ClaimRead:
    await disbursements.record_disbursement(
        session,
        access.case.actor,
        access.case.case,
        access.claim,
        data=body,
        pseudonym=access.survivor_pseudonym,
    )
    return await _read(session, access)


@router.get(
    "/compensation-claims/{claim_id}/appeals",
    response_model=list[AppealRead],
    summary="Appeals against a rejection or the amount",
    responses=ERRORS,
)
async def list_appeals(access: ClaimForView, session: DbSession) -> list[AppealRead]:
    await service.record_read(session, access.case.actor, access.claim, "appeals")
    return [views.appeal_read(a) for a in await service.appeals_of(session, access.claim.id)]


@router.post(
    "/compensation-claims/{claim_id}/appeals",
    response_model=ClaimRead,
    status_code=201,
    summary="File an appeal (to the DLSA's chairperson, the SLSA, or the High Court by writ)",
    responses=WRITE_ERRORS,
)
async def file_appeal(body: AppealCreate, access: ClaimForEdit, session: DbSession) -> ClaimRead:
    await appeals.file_appeal(
        session,
        access.case.actor,
        access.case.case,
        access.claim,
        data=body,
        pseudonym=access.survivor_pseudonym,
    )
    return await _read(session, access)


@router.post(
    "/compensation-claims/{claim_id}/appeals/{appeal_id}/status",
    response_model=ClaimRead,
    summary="Record an appeal's hearing or decision (a dismissal returns the claim to the "
    "decision appealed against)",
    responses=WRITE_ERRORS,
)
async def change_appeal_status(
    appeal_id: uuid.UUID, body: AppealStatusIn, access: ClaimForEdit, session: DbSession
) -> ClaimRead:
    appeal = await appeals.get_appeal(session, access.claim, appeal_id)
    await appeals.change_appeal_status(
        session,
        access.case.actor,
        access.case.case,
        access.claim,
        appeal,
        data=body,
        pseudonym=access.survivor_pseudonym,
    )
    return await _read(session, access)


@router.get(
    "/compensation-schemes",
    response_model=list[SchemeRead],
    summary="Schemes and the heads of their schedules, with the band of each",
    responses={401: ERRORS[401]},
)
async def list_schemes(principal: CurrentUser) -> list[SchemeRead]:
    return [
        SchemeRead(
            scheme=scheme,
            label=scheme.label,
            heads=[
                ScheduleHeadRead(
                    head=entry.head,
                    min_paise=entry.min_paise,
                    max_paise=entry.max_paise,
                    minor_uplift_percent=entry.minor_uplift_percent,
                    unconfirmed=entry.unconfirmed,
                )
                for entry in heads_for(scheme)
            ],
        )
        for scheme in Scheme
    ]
