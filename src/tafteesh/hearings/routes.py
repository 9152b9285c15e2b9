"""JSON API for hearings, cause lists, the calendar feed and the eCourts import."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, UploadFile
from fastapi.responses import Response

from tafteesh.auth.dependencies import CurrentUser
from tafteesh.cases import service as cases
from tafteesh.cases.dependencies import CaseForEdit, CaseForView, Cipher
from tafteesh.db import DbSession, TransactionalRoute, read_only
from tafteesh.errors import InvalidInput, NotFound, PayloadTooLarge
from tafteesh.hearings import cause_list, outcomes, service
from tafteesh.hearings.dependencies import HearingForEdit, HearingForView
from tafteesh.hearings.ecourts import MAX_BYTES, HistoryFileError, parse_history
from tafteesh.hearings.history_import import import_history, settle_difference
from tafteesh.hearings.ics import CalendarHearing, render_calendar
from tafteesh.hearings.schemas import (
    CalendarLink,
    CaseHearings,
    CauseListEntry,
    ConfirmIn,
    DepositionPreparationIn,
    DepositionPreparationRead,
    HearingCreate,
    HearingRead,
    HearingUpdate,
    ImportReport,
    OutcomeIn,
    OutcomeResult,
)
from tafteesh.hearings.views import hearing_read
from tafteesh.hearings.vocabulary import Purpose
from tafteesh.india import today_in_india

router = APIRouter(prefix="/api/v1", tags=["hearings"], route_class=TransactionalRoute)
feed_router = APIRouter(tags=["calendar"], route_class=TransactionalRoute)

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    404: {"description": "No such case or hearing, or not one the user may see"},
    422: {"description": "Invalid input; `details.fields` names each problem"},
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    403: {"description": "The user may see the case but not record its hearings"},
    409: {"description": "Stale version: `details.current` holds what was saved first"},
}


@router.get(
    "/cases/{case_id}/hearings",
    response_model=CaseHearings,
    summary="A case's hearings, newest first, with adjournments per party (BNSS 346)",
    responses=ERRORS,
)
@read_only
async def list_case_hearings(access: CaseForView, session: DbSession) -> CaseHearings:
    hearings = await service.hearings_of(session, access.case.id)
    await cases.record_read(session, access.actor, access.case, "hearings")
    return CaseHearings(
        items=[
            hearing_read(h, access.case.reference, survivor_view=access.survivor_view)
            for h in hearings
        ],
        adjournments=await service.adjournment_counts(session, access.case.id),
    )


@router.post(
    "/cases/{case_id}/hearings",
    response_model=HearingRead,
    status_code=201,
    summary="Schedule a hearing (court and judge default from the case)",
    responses=WRITE_ERRORS,
)
async def schedule(body: HearingCreate, access: CaseForEdit, session: DbSession) -> HearingRead:
    hearing = await service.schedule_hearing(session, access.actor, access.case, data=body)
    return hearing_read(hearing, access.case.reference)


@router.get(
    "/hearings/{hearing_id}", response_model=HearingRead, summary="One hearing", responses=ERRORS
)
@read_only
async def get_hearing(access: HearingForView, session: DbSession) -> HearingRead:
    await cases.record_read(session, access.case.actor, access.case.case, "hearing")
    return hearing_read(
        access.hearing, access.case.case.reference, survivor_view=access.case.survivor_view
    )


@router.patch(
    "/hearings/{hearing_id}",
    response_model=HearingRead,
    summary="Change a hearing's date, time, purpose or court, or cancel it",
    responses=WRITE_ERRORS,
)
async def update(body: HearingUpdate, access: HearingForEdit, session: DbSession) -> HearingRead:
    hearing = await service.update_hearing(
        session, access.case.actor, access.case.case, access.hearing, data=body
    )
    return hearing_read(hearing, access.case.case.reference)


@router.post(
    "/hearings/{hearing_id}/outcome",
    response_model=OutcomeResult,
    summary="Record what happened: outcome, adjournment reason, next date",
    responses=WRITE_ERRORS,
)
async def record_outcome(
    body: OutcomeIn, access: HearingForEdit, session: DbSession, cipher: Cipher
) -> OutcomeResult:
    case = access.case.case
    result = await outcomes.record_outcome(
        session,
        access.case.actor,
        case,
        access.hearing,
        data=body,
        cipher=cipher,
        may_change_stage=access.case.can_change_stage,
    )
    return OutcomeResult(
        hearing=hearing_read(result.hearing, case.reference),
        next_hearing=hearing_read(result.next_hearing, case.reference)
        if result.next_hearing
        else None,
        case_stage=case.stage,
    )


@router.post(
    "/hearings/{hearing_id}/confirm",
    response_model=HearingRead,
    summary="Settle a difference with eCourts",
    responses=WRITE_ERRORS,
)
async def confirm(body: ConfirmIn, access: HearingForEdit, session: DbSession) -> HearingRead:
    hearing = await settle_difference(
        session,
        access.case.actor,
        access.case.case,
        access.hearing,
        version=body.version,
        keep=body.keep,
    )
    return hearing_read(hearing, access.case.case.reference)


@router.get(
    "/hearings/{hearing_id}/deposition-preparation",
    response_model=DepositionPreparationRead,
    responses=ERRORS,
    summary="The social worker's checklist before a survivor testifies",
)
async def get_preparation(access: HearingForEdit, session: DbSession) -> DepositionPreparationRead:
    prep = await service.deposition_preparation(session, access.hearing)
    if prep is None:
        return DepositionPreparationRead(hearing_id=access.hearing.id, updated_at=None)
    return DepositionPreparationRead.model_validate(prep, from_attributes=True)


@router.put(
    "/hearings/{hearing_id}/deposition-preparation",
    response_model=DepositionPreparationRead,
    responses=WRITE_ERRORS,
    summary="Record the checklist's state",
)
async def save_preparation(
    body: DepositionPreparationIn, access: HearingForEdit, session: DbSession
) -> DepositionPreparationRead:
    prep = await service.save_deposition_preparation(
        session, access.case.actor, access.case.case, access.hearing, data=body
    )
    return DepositionPreparationRead.model_validate(prep, from_attributes=True)


@router.get(
    "/hearings",
    response_model=list[CauseListEntry],
    responses=ERRORS,
    summary="Hearings between two dates: the user's own cases (mine=true) or all they see",
)
@read_only
async def list_hearings(
    session: DbSession,
    principal: CurrentUser,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    mine: bool = False,
) -> Any:
    first = start or today_in_india()
    last = end or first + timedelta(days=6)
    if last < first:
        raise InvalidInput("'to' must not be before 'from'.")
    if (last - first).days > 366:
        raise InvalidInput("Ask for at most a year of hearings at a time.")
    return await cause_list.hearings_between(session, principal, start=first, end=last, mine=mine)


@router.post(
    "/cases/{case_id}/ecourts-import",
    response_model=ImportReport,
    summary="Import an eCourts case history (CSV or JSON); all or nothing",
    responses={**WRITE_ERRORS, 413: {"description": "The file is too large"}},
)
async def ecourts_import(file: UploadFile, access: CaseForEdit, session: DbSession) -> ImportReport:
    rows = await read_history_upload(file)
    return await import_history(session, access.actor, access.case, rows)


async def read_history_upload(file: UploadFile) -> list[Any]:
    data = await file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PayloadTooLarge(f"The file is larger than {MAX_BYTES // 1024 // 1024} MB.")
    try:
        return parse_history(data, filename=file.filename or "")
    except HistoryFileError as exc:
        raise InvalidInput(
            "The file could not be imported; nothing was changed. " + "; ".join(exc.problems[:20]),
            details={"problems": exc.problems},
        ) from exc


# -- calendar ----------------------------------------------------------------------------------


@router.post(
    "/me/calendar",
    response_model=CalendarLink,
    status_code=201,
    responses=ERRORS,
    summary="Create a secret calendar-feed address (the old one stops working)",
)
async def create_calendar(
    request: Request, session: DbSession, principal: CurrentUser
) -> CalendarLink:
    token = await cause_list.create_calendar_token(session, principal)
    return CalendarLink(url=str(request.url_for("calendar_feed", token=f"{token}.ics")))


@router.delete(
    "/me/calendar", status_code=204, responses=ERRORS, summary="Revoke the calendar-feed address"
)
async def revoke_calendar(session: DbSession, principal: CurrentUser) -> Response:
    await cause_list.revoke_calendar_token(session, principal)
    return Response(status_code=204)


@feed_router.get(
    "/calendar/{token}",
    name="calendar_feed",
    summary="The user's hearings as an iCalendar feed (no survivor data)",
    responses={404: {"description": "Unknown or revoked address"}},
)
async def calendar_feed(token: str, session: DbSession) -> Response:
    if not token.endswith(".ics") or len(token) > 80:
        raise NotFound("There is no calendar at this address.")
    rows = await cause_list.calendar_feed_rows(
        session, token.removesuffix(".ics"), today=today_in_india()
    )
    if rows is None:
        raise NotFound("There is no calendar at this address.")
    body = render_calendar(
        (
            CalendarHearing(
                uid=str(row["id"]),
                case_reference=row["reference"],
                court=row["court_establishment"],
                court_number=row["court_number"],
                purpose_label=Purpose(row["purpose"]).label,
                day=row["hearing_date"],
                time=row["hearing_time"],
                session=row["session"],
                updated_at=row["outcome_recorded_at"] or row["created_at"],
                status=row["status"],
            )
            for row in rows
        ),
        calendar_name="Tafteesh hearings",
        now=datetime.now(UTC),
    )
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300", "X-Robots-Tag": "noindex"},
    )
