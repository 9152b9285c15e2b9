"""The people tab's forms: survivors, accused and the case team."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tafteesh.cases import parties, team
from tafteesh.cases.dependencies import CaseAccess, CaseForEdit, CaseForTeam, Cipher, reload_access
from tafteesh.cases.forms import checkbox, form_values, validate
from tafteesh.cases.pages import render_case_tab
from tafteesh.cases.schemas import (
    AccusedCreate,
    AccusedStatusIn,
    LeaderConsentIn,
    LeaderConsentWithdrawal,
    SurvivorCreate,
    TeamMemberIn,
)
from tafteesh.db import DbSession, TransactionalRoute
from tafteesh.errors import TafteeshError
from tafteesh.web import redirect

router = APIRouter(include_in_schema=False, route_class=TransactionalRoute)

SURVIVOR_FIELDS = (
    "pseudonym",
    "legal_name",
    "guardian_name",
    "phone",
    "address",
    "age_at_offence",
    "leader_consent_on",
)


async def _people_with_error(
    request: Request,
    session: DbSession,
    access: CaseAccess,
    case_id: uuid.UUID,
    error: TafteeshError,
    form_name: str,
    values: dict[str, Any],
) -> Response:
    """Re-render the people tab with the failed form's message beside it.

    The values are echoed back only into the form the user typed them in (a survivor's details
    go back only to the person entering them, who is on her team).
    """
    await session.rollback()
    fresh = await reload_access(session, access.actor, case_id)
    return await render_case_tab(
        request,
        session,
        fresh,
        "people",
        {
            "form_error": {
                "form": form_name,
                "message": error.message,
                "fields": error.details.get("fields", {}),
                "input": values,
            }
        },
        status_code=error.status_code,
    )


def _people(case_id: uuid.UUID) -> str:
    return f"/cases/{case_id}/people"


@router.post("/cases/{case_id}/survivors")
async def add_survivor(
    request: Request, access: CaseForEdit, session: DbSession, cipher: Cipher
) -> Response:
    form = await request.form()
    values = form_values(form, SURVIVOR_FIELDS)
    values["is_minor"] = checkbox(form, "is_minor")
    case_id = access.case.id
    try:
        data = validate(SurvivorCreate, values)
        await parties.add_survivor(session, access.actor, access.case, data=data, cipher=cipher)
    except TafteeshError as error:
        return await _people_with_error(
            request, session, access, case_id, error, "survivor", values
        )
    return redirect(request, _people(case_id), flash="The survivor was added.")


@router.post("/cases/{case_id}/survivors/{survivor_id}/consent")
async def record_leader_consent(
    survivor_id: uuid.UUID,
    request: Request,
    access: CaseForEdit,
    session: DbSession,
    cipher: Cipher,
) -> Response:
    form = await request.form()
    values = form_values(form, ("version", "leader_consent_on"))
    case_id = access.case.id
    try:
        survivor = await parties.get_survivor(session, access.case, survivor_id)
        if "leader_consent_on" not in values:
            raise TafteeshError("Enter the date she gave her consent.", status_code=422)
        await parties.update_survivor(
            session,
            access.actor,
            access.case,
            survivor,
            version=int(values.get("version", 0)),
            pseudonym=None,
            identity=None,
            leader_consent_on=validate(LeaderConsentIn, values).leader_consent_on,
            cipher=cipher,
        )
    except TafteeshError as error:
        return await _people_with_error(
            request, session, access, case_id, error, f"consent-{survivor_id}", {}
        )
    return redirect(request, _people(case_id), flash="Her consent was recorded.")


@router.post("/cases/{case_id}/survivors/{survivor_id}/consent/withdraw")
async def withdraw_leader_consent(
    survivor_id: uuid.UUID,
    request: Request,
    access: CaseForEdit,
    session: DbSession,
) -> Response:
    form = await request.form()
    values = form_values(form, ("version",))
    case_id = access.case.id
    try:
        survivor = await parties.get_survivor(session, access.case, survivor_id)
        version = validate(LeaderConsentWithdrawal, values).version
        left = await team.withdraw_leader_consent(
            session, access.actor, access.case, survivor, version=version
        )
    except TafteeshError as error:
        return await _people_with_error(
            request, session, access, case_id, error, f"consent-{survivor_id}", {}
        )
    flash = "Her consent was withdrawn."
    if left:
        flash += " The survivor leader no longer has access to this case."
    return redirect(request, _people(case_id), flash=flash)


@router.post("/cases/{case_id}/accused")
async def add_accused(
    request: Request, access: CaseForEdit, session: DbSession, cipher: Cipher
) -> Response:
    form = await request.form()
    values = form_values(
        form, ("name", "alias", "status", "status_since", "first_remand_on", "bail_court")
    )
    case_id = access.case.id
    try:
        data = validate(AccusedCreate, values)
        await parties.add_accused(session, access.actor, access.case, data=data, cipher=cipher)
    except TafteeshError as error:
        return await _people_with_error(request, session, access, case_id, error, "accused", values)
    return redirect(request, _people(case_id), flash="The accused person was added.")


@router.post("/cases/{case_id}/accused/{accused_id}/status")
async def change_accused_status(
    accused_id: uuid.UUID,
    request: Request,
    access: CaseForEdit,
    session: DbSession,
    cipher: Cipher,
) -> Response:
    form = await request.form()
    values = form_values(
        form, ("version", "status", "effective_on", "first_remand_on", "bail_court", "note")
    )
    case_id = access.case.id
    try:
        data = validate(AccusedStatusIn, values)
        accused = await parties.get_accused(session, access.case, accused_id)
        await parties.change_accused_status(
            session,
            access.actor,
            access.case,
            accused,
            version=data.version,
            status=data.status,
            effective_on=data.effective_on,
            first_remand_on=data.first_remand_on,
            bail_court=data.bail_court,
            note=data.note,
            cipher=cipher,
        )
    except TafteeshError as error:
        return await _people_with_error(
            request, session, access, case_id, error, f"accused-{accused_id}", values
        )
    return redirect(request, _people(case_id), flash="The status was recorded.")


@router.post("/cases/{case_id}/team")
async def assign_team_member(request: Request, access: CaseForTeam, session: DbSession) -> Response:
    form = await request.form()
    values = form_values(form, ("email",))
    case_id = access.case.id
    try:
        user = await team.find_member_candidate(session, values.get("email", ""))
        data = validate(TeamMemberIn, {"user_id": user.id, "team_role": user.role})
        await team.assign(
            session, access.actor, access.case, user_id=data.user_id, team_role=data.team_role
        )
    except TafteeshError as error:
        return await _people_with_error(request, session, access, case_id, error, "team", values)
    return redirect(request, _people(case_id), flash="The team was updated.")


@router.post("/cases/{case_id}/team/{user_id}/remove")
async def remove_team_member(
    user_id: uuid.UUID, request: Request, access: CaseForTeam, session: DbSession
) -> Response:
    case_id = access.case.id
    try:
        await team.remove(session, access.actor, access.case, user_id=user_id)
    except TafteeshError as error:
        return await _people_with_error(request, session, access, case_id, error, "team", {})
    return redirect(request, _people(case_id), flash="The team was updated.")
