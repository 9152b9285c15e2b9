"""JSON API for cases and their parts under /api/v1/cases."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from tafteesh.auth.dependencies import Bearer, CurrentUser, signed_in
from tafteesh.auth.principal import Principal
from tafteesh.cases import listing, policy, service, timeline, views
from tafteesh.cases.dependencies import (
    CaseForEdit,
    CaseForStage,
    CaseForView,
    Cipher,
    reload_access,
)
from tafteesh.cases.schemas import (
    CaseCreate,
    CasePage,
    CaseRead,
    CaseSummary,
    CaseUpdate,
    ClockRead,
    StageChangeIn,
    StageChangeRead,
    TimelineEventRead,
    TimelinePage,
)
from tafteesh.cases.stages import Stage
from tafteesh.db import DbSession, TransactionalRoute, read_only
from tafteesh.errors import Forbidden
from tafteesh.india import today_in_india

router = APIRouter(prefix="/api/v1", tags=["cases"], route_class=TransactionalRoute)

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    404: {"description": "No such case, or not one the user may see"},
    422: {"description": "Invalid input; `details.fields` names each problem"},
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    403: {"description": "The user may see the case but not change it"},
    409: {"description": "Stale version (`details.current`) or a clash with the current state"},
}


async def _case_creator(request: Request, bearer: Bearer) -> Principal:
    # A dependency, so a refused role hears 403 before any complaint about the body.
    principal = await signed_in(request, bearer)
    if not policy.can_create_case(principal):
        raise Forbidden("Only lawyers and social workers open cases.")
    return principal


CaseCreator = Annotated[Principal, Depends(_case_creator)]


@router.get("/cases", response_model=CasePage, summary="Cases the user may see", responses=ERRORS)
@read_only
async def list_cases(
    session: DbSession,
    principal: CurrentUser,
    stage: Stage | None = None,
    district: Annotated[str | None, Query(max_length=80)] = None,
    court: Annotated[str | None, Query(max_length=160)] = None,
    organisation_id: uuid.UUID | None = None,
    overdue: bool = False,
    q: Annotated[str | None, Query(max_length=80)] = None,
    cursor: Annotated[str | None, Query(max_length=120)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
) -> CasePage:
    rows, next_cursor = await listing.list_cases(
        session,
        principal,
        listing.CaseFilters(
            stage=stage,
            district=district,
            court=court,
            organisation_id=organisation_id,
            overdue=overdue,
            search=q,
        ),
        cursor=listing.CaseCursor.decode(cursor) if cursor else None,
        limit=limit,
    )
    return CasePage(
        items=[CaseSummary(**row) for row in rows],
        next_cursor=next_cursor.encode() if next_cursor else None,
    )


@router.post(
    "/cases",
    response_model=CaseRead,
    status_code=201,
    summary="Open a case",
    responses={**WRITE_ERRORS, 403: {"description": "Only lawyers and social workers open cases"}},
)
async def open_case(
    body: CaseCreate, session: DbSession, principal: CaseCreator, cipher: Cipher
) -> CaseRead:
    case = await service.open_case(session, principal, data=body, cipher=cipher)
    return await views.case_read(session, await reload_access(session, principal, case.id))


@router.get("/cases/{case_id}", response_model=CaseRead, summary="One case", responses=ERRORS)
@read_only
async def get_case(access: CaseForView, session: DbSession) -> CaseRead:
    return await views.case_read(session, access, read_as="view")


@router.patch(
    "/cases/{case_id}",
    response_model=CaseRead,
    summary="Change a case's record",
    responses=WRITE_ERRORS,
)
async def update_case(
    body: CaseUpdate, access: CaseForEdit, session: DbSession, cipher: Cipher
) -> CaseRead:
    await service.update_case(session, access.actor, access.case, data=body, cipher=cipher)
    return await views.case_read(session, access)


@router.post(
    "/cases/{case_id}/stage",
    response_model=CaseRead,
    summary="Move the case to another stage",
    responses={
        **WRITE_ERRORS,
        409: {
            "description": "Illegal stage change: `details.allowed_next` lists the stages "
            "allowed next; or a stale version"
        },
    },
)
async def change_stage(
    body: StageChangeIn, access: CaseForStage, session: DbSession, cipher: Cipher
) -> CaseRead:
    await service.change_stage(
        session,
        access.actor,
        access.case,
        version=body.version,
        target=body.stage,
        effective_on=body.effective_on,
        note=body.note,
        victim_heard=body.victim_heard,
        cipher=cipher,
    )
    return await views.case_read(session, access)


@router.get(
    "/cases/{case_id}/stage-history",
    response_model=list[StageChangeRead],
    summary="Every stage the case has been at, with dates",
    responses=ERRORS,
)
async def stage_history(access: CaseForView, session: DbSession) -> Any:
    await service.record_read(session, access.actor, access.case, "stage_history")
    history = await service.stage_history(session, access.case.id)
    if access.survivor_view:
        # Notes are the team's; the survivor's own view has the dates and stages only.
        return [StageChangeRead.model_validate(h).model_copy(update={"note": ""}) for h in history]
    return history


# -- timeline and clocks -------------------------------------------------------------------------


@router.get(
    "/cases/{case_id}/timeline",
    response_model=TimelinePage,
    summary="What happened, newest first (the survivor sees the events marked for her)",
    responses=ERRORS,
)
async def get_timeline(
    access: CaseForView,
    session: DbSession,
    before: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> TimelinePage:
    events, cursor = await timeline.page(
        session, access.case.id, survivor_view=access.survivor_view, before_id=before, limit=limit
    )
    await service.record_read(session, access.actor, access.case, "timeline")
    return TimelinePage(
        items=[
            TimelineEventRead(
                id=e.id,
                occurred_at=e.occurred_at,
                kind=e.kind,
                survivor_visible=e.survivor_visible,
                summary=e.survivor_summary
                if access.survivor_view and e.survivor_summary
                else e.summary,
                survivor_summary=e.survivor_summary,
            )
            for e in events
        ],
        next_cursor=cursor,
    )


@router.get(
    "/cases/{case_id}/clocks",
    response_model=list[ClockRead],
    summary="Statutory clocks: due dates and status (running, due soon, overdue, met)",
    responses=ERRORS,
)
async def get_clocks(access: CaseForView, session: DbSession, cipher: Cipher) -> Any:
    await service.record_read(session, access.actor, access.case, "clocks")
    return await views.clock_reads(session, access, cipher, today_in_india())
