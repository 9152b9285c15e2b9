"""Hearing pages: the case's hearings tab, the cause list, the outcome form (built for a phone
in a court corridor), a hearing's page with the deposition checklist, the eCourts import and the
calendar link."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import Response

from tafteesh.auth.dependencies import CurrentUser
from tafteesh.cases import policy
from tafteesh.cases import service as cases
from tafteesh.cases.dependencies import (
    CaseAccess,
    CaseForEdit,
    CaseForView,
    Cipher,
    reload_access,
)
from tafteesh.cases.forms import checkbox, form_values, validate
from tafteesh.cases.pages import render_case_tab
from tafteesh.cases.stages import Stage
from tafteesh.db import DbSession, TransactionalRoute, read_only
from tafteesh.errors import TafteeshError
from tafteesh.hearings import cause_list, outcomes, service
from tafteesh.hearings.dependencies import (
    HearingAccess,
    HearingForEdit,
    HearingForView,
    load_hearing_access,
)
from tafteesh.hearings.history_import import import_history, settle_difference
from tafteesh.hearings.routes import read_history_upload
from tafteesh.hearings.schemas import (
    Attendance,
    ConfirmIn,
    DepositionPreparationIn,
    HearingCreate,
    OutcomeIn,
)
from tafteesh.hearings.views import hearing_read
from tafteesh.hearings.vocabulary import AdjournmentReason, Outcome, Party, Purpose
from tafteesh.india import today_in_india
from tafteesh.web import redirect, render, templates

router = APIRouter(include_in_schema=False, route_class=TransactionalRoute)
templates.env.globals.update(
    hearing_purposes=list(Purpose),
    hearing_outcomes=list(Outcome),
    adjournment_reasons=list(AdjournmentReason),
    parties=list(Party),
)
ATTENDANCE = (
    ("pp", "Public prosecutor"),
    ("io", "Investigating officer"),
    ("accused", "Accused"),
    ("survivor", "Survivor"),
    ("defence_counsel", "Defence counsel"),
)


# -- the case's hearings tab ------------------------------------------------------------------


async def _hearings_tab(
    request: Request,
    session: DbSession,
    access: CaseAccess,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    hearings = await service.hearings_of(session, access.case.id)
    today = today_in_india()
    reads = [
        hearing_read(h, access.case.reference, survivor_view=access.survivor_view) for h in hearings
    ]
    ctx = {
        "upcoming": [h for h in reads if h.hearing_date >= today and h.status == "scheduled"][::-1],
        "past": [h for h in reads if not (h.hearing_date >= today and h.status == "scheduled")],
        "adjournments": await service.adjournment_counts(session, access.case.id),
        **(extra or {}),
    }
    return await render_case_tab(
        request,
        session,
        access,
        "hearings",
        ctx,
        status_code=status_code,
        tab_template="hearings/_partials/tab_hearings.html",
    )


@router.get("/cases/{case_id}/hearings")
@read_only
async def case_hearings(request: Request, access: CaseForView, session: DbSession) -> Response:
    return await _hearings_tab(request, session, access)


@router.post("/cases/{case_id}/hearings")
async def schedule(request: Request, access: CaseForEdit, session: DbSession) -> Response:
    form = await request.form()
    values = form_values(
        form, ("hearing_date", "hearing_time", "session", "purpose", "witness_number")
    )
    case_id = access.case.id
    try:
        data = validate(HearingCreate, values)
        await service.schedule_hearing(session, access.actor, access.case, data=data)
    except TafteeshError as error:
        await session.rollback()
        fresh = await reload_access(session, access.actor, case_id)
        return await _hearings_tab(
            request,
            session,
            fresh,
            {"schedule_error": error.message, "schedule_values": values},
            status_code=error.status_code,
        )
    return redirect(request, f"/cases/{case_id}/hearings", flash="The hearing was scheduled.")


# -- cause list -------------------------------------------------------------------------------


@router.get("/hearings")
@read_only
async def my_hearings(request: Request, session: DbSession, principal: CurrentUser) -> Response:
    # Staff on case teams see their own list; leads and admins see the consortium's.
    everyone = principal.role in policy.READ_ALL_ROLES
    today = today_in_india()
    listing = await cause_list.cause_list(session, principal, today=today, mine=not everyone)
    return render(
        request,
        "hearings/cause_list.html",
        {
            "listing": listing,
            "today": today,
            "everyone": everyone,
            "can_record": principal.role in ("lawyer", "social_worker"),
            "show_pseudonyms": everyone,
        },
    )


# -- one hearing and its outcome ---------------------------------------------------------------


def _outcome_context(access: HearingAccess, **extra: Any) -> dict[str, Any]:
    hearing = access.hearing
    case = access.case.case
    current = Stage(case.stage)
    previous = Stage(case.stage_before_suspension) if case.stage_before_suspension else None
    offers: list[Stage] = []
    for outcome in Outcome if access.case.can_change_stage else ():
        for stage in outcomes.implied_stages(Purpose(hearing.purpose), outcome, current, previous):
            if stage not in offers:
                offers.append(stage)
    return {
        "hearing": hearing_read(hearing, case.reference),
        "case": case,
        "case_stage": current,
        "stage_offers": offers,
        "attendance_fields": ATTENDANCE,
        "today": today_in_india(),
        "values": {},
        "errors": {},
        **extra,
    }


@router.get("/hearings/{hearing_id}/outcome")
async def outcome_form(request: Request, access: HearingForEdit, session: DbSession) -> Response:
    return render(request, "hearings/outcome.html", _outcome_context(access))


@router.post("/hearings/{hearing_id}/outcome")
async def record_outcome(
    request: Request, access: HearingForEdit, session: DbSession, cipher: Cipher
) -> Response:
    form = await request.form()
    values = form_values(
        form,
        (
            "version",
            "outcome",
            "adjournment_reason",
            "adjournment_sought_by",
            "next_date",
            "next_purpose",
            "business_recorded",
            "survivor_note",
            "move_case_to",
        ),
    )
    if values.get("move_case_to") == "none":
        values.pop("move_case_to")
    attendance: dict[str, bool | int] = {
        name: checkbox(form, f"present_{name}") for name, _ in ATTENDANCE
    }
    witnesses = str(form.get("witnesses_examined") or "")
    attendance["witnesses_examined"] = int(witnesses) if witnesses.isdigit() else 0
    hearing_id = access.hearing.id
    actor = access.case.actor
    try:
        data = validate(OutcomeIn, {**values, "attendance": Attendance(**attendance)})
        await outcomes.record_outcome(
            session,
            access.case.actor,
            access.case.case,
            access.hearing,
            data=data,
            cipher=cipher,
            may_change_stage=access.case.can_change_stage,
        )
    except TafteeshError as error:
        await session.rollback()
        fresh = await load_hearing_access(session, actor, hearing_id)
        ctx = _outcome_context(
            fresh,
            values=values,
            error=error.message,
            errors=error.details.get("fields", {}),
            current=error.details.get("current"),
        )
        return render(request, "hearings/outcome.html", ctx, status_code=error.status_code)
    back = form.get("next") or "/hearings"
    target = (
        back
        if isinstance(back, str) and back.startswith("/") and not back.startswith("//")
        else "/hearings"
    )
    return redirect(request, target, flash="The outcome was saved.")


@router.get("/hearings/{hearing_id}")
async def hearing_page(request: Request, access: HearingForView, session: DbSession) -> Response:
    await cases.record_read(session, access.case.actor, access.case.case, "hearing")
    prep = None
    if Purpose(access.hearing.purpose).survivor_testifies and access.case.can_edit:
        prep = await service.deposition_preparation(session, access.hearing)
    return render(
        request,
        "hearings/hearing.html",
        {
            "hearing": hearing_read(
                access.hearing, access.case.case.reference, survivor_view=access.case.survivor_view
            ),
            "access": access.case,
            "prep": prep,
            "shows_checklist": Purpose(access.hearing.purpose).survivor_testifies
            and access.case.can_edit,
        },
    )


@router.post("/hearings/{hearing_id}/preparation")
async def save_preparation(
    request: Request, access: HearingForEdit, session: DbSession
) -> Response:
    form = await request.form()
    values = form_values(form, ("version", "notes"))
    for name in (
        "support_person",
        "travel_arranged",
        "video_conference_requested",
        "threat_check_done",
    ):
        values[name] = checkbox(form, name)
    hearing_id = access.hearing.id
    data = validate(DepositionPreparationIn, values)
    await service.save_deposition_preparation(
        session, access.case.actor, access.case.case, access.hearing, data=data
    )
    return redirect(request, f"/hearings/{hearing_id}", flash="The checklist was saved.")


@router.post("/hearings/{hearing_id}/confirm")
async def confirm(request: Request, access: HearingForEdit, session: DbSession) -> Response:
    form = await request.form()
    data = validate(ConfirmIn, form_values(form, ("version", "keep")))
    hearing_id = access.hearing.id
    await settle_difference(
        session,
        access.case.actor,
        access.case.case,
        access.hearing,
        version=data.version,
        keep=data.keep,
    )
    return redirect(request, f"/hearings/{hearing_id}", flash="The hearing was confirmed.")


# -- eCourts import ---------------------------------------------------------------------------


@router.get("/cases/{case_id}/hearings/import")
async def import_page(request: Request, access: CaseForEdit) -> Response:
    return render(request, "hearings/import.html", {"case": access.case})


@router.post("/cases/{case_id}/hearings/import")
async def import_file(
    request: Request, file: UploadFile, access: CaseForEdit, session: DbSession
) -> Response:
    case = access.case
    case_id = case.id
    try:
        rows = await read_history_upload(file)
        report = await import_history(session, access.actor, case, rows)
    except TafteeshError as error:
        await session.rollback()
        fresh = await reload_access(session, access.actor, case_id)
        return render(
            request,
            "hearings/import.html",
            {
                "case": fresh.case,
                "error": error.message,
                "problems": error.details.get("problems", []),
            },
            status_code=error.status_code,
        )
    return render(request, "hearings/import.html", {"case": case, "report": report})


# -- calendar ---------------------------------------------------------------------------------


@router.get("/account/calendar")
async def calendar_page(request: Request, session: DbSession, principal: CurrentUser) -> Response:
    active = await cause_list.has_calendar_token(session, principal)
    return render(request, "hearings/calendar.html", {"active": active, "url": None})


@router.post("/account/calendar")
async def calendar_action(request: Request, session: DbSession, principal: CurrentUser) -> Response:
    form = await request.form()
    if form.get("action") == "revoke":
        await cause_list.revoke_calendar_token(session, principal)
        return redirect(request, "/account/calendar", flash="The calendar address was revoked.")
    token = await cause_list.create_calendar_token(session, principal)
    url = str(request.url_for("calendar_feed", token=f"{token}.ics"))
    # Shown once: only its hash is kept.
    return render(request, "hearings/calendar.html", {"active": True, "url": url})
