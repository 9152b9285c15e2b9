"""The JSON API for the people on a case: survivors (with her consent to a survivor leader),
the accused and the case team. Mounted beside ``cases.routes``; the same access rules."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from tafteesh.cases import parties, service, team, views
from tafteesh.cases.dependencies import (
    CaseForEdit,
    CaseForTeam,
    CaseForView,
    Cipher,
)
from tafteesh.cases.routes import ERRORS, WRITE_ERRORS
from tafteesh.cases.schemas import (
    AccusedCreate,
    AccusedRead,
    AccusedStatusIn,
    LeaderConsentWithdrawal,
    SurvivorCreate,
    SurvivorRead,
    SurvivorUpdate,
    SurvivorWithIdentity,
    TeamMemberIn,
    TeamMemberRead,
)
from tafteesh.db import DbSession, TransactionalRoute

router = APIRouter(prefix="/api/v1", tags=["cases"], route_class=TransactionalRoute)


# -- survivors ---------------------------------------------------------------------------------


@router.get(
    "/cases/{case_id}/survivors",
    response_model=list[SurvivorWithIdentity | SurvivorRead],
    summary="Survivors on the case: identity only for the case's lawyers and social workers",
    responses=ERRORS,
)
async def list_survivors(access: CaseForView, session: DbSession, cipher: Cipher) -> Any:
    await service.record_read(session, access.actor, access.case, "survivors")
    return await views.survivor_reads(session, access, cipher)


@router.post(
    "/cases/{case_id}/survivors",
    response_model=SurvivorWithIdentity,
    status_code=201,
    summary="Add a survivor (pseudonym and encrypted identity)",
    responses=WRITE_ERRORS,
)
async def add_survivor(
    body: SurvivorCreate, access: CaseForEdit, session: DbSession, cipher: Cipher
) -> Any:
    survivor = await parties.add_survivor(
        session, access.actor, access.case, data=body, cipher=cipher
    )
    return next(
        s for s in await views.survivor_reads(session, access, cipher) if s.id == survivor.id
    )


@router.post(
    "/cases/{case_id}/survivors/{survivor_id}/leader-consent/withdraw",
    response_model=SurvivorWithIdentity,
    summary="Withdraw her consent to a survivor leader's support (leaders then leave the team)",
    responses=WRITE_ERRORS,
)
async def withdraw_leader_consent(
    survivor_id: uuid.UUID,
    body: LeaderConsentWithdrawal,
    access: CaseForEdit,
    session: DbSession,
    cipher: Cipher,
) -> Any:
    survivor = await parties.get_survivor(session, access.case, survivor_id)
    await team.withdraw_leader_consent(
        session, access.actor, access.case, survivor, version=body.version
    )
    return next(
        s for s in await views.survivor_reads(session, access, cipher) if s.id == survivor.id
    )


@router.patch(
    "/cases/{case_id}/survivors/{survivor_id}",
    response_model=SurvivorWithIdentity,
    summary="Change a survivor's pseudonym, identity or recorded consent",
    responses=WRITE_ERRORS,
)
async def update_survivor(
    survivor_id: uuid.UUID,
    body: SurvivorUpdate,
    access: CaseForEdit,
    session: DbSession,
    cipher: Cipher,
) -> Any:
    survivor = await parties.get_survivor(session, access.case, survivor_id)
    await parties.update_survivor(
        session,
        access.actor,
        access.case,
        survivor,
        version=body.version,
        pseudonym=body.pseudonym,
        identity=body.identity,
        leader_consent_on=body.leader_consent_on,
        cipher=cipher,
    )
    return next(
        s for s in await views.survivor_reads(session, access, cipher) if s.id == survivor.id
    )


# -- accused -----------------------------------------------------------------------------------


@router.get(
    "/cases/{case_id}/accused",
    response_model=list[AccusedRead],
    summary="Accused persons, with how many other cases name them",
    responses=ERRORS,
)
async def list_accused(access: CaseForView, session: DbSession) -> Any:
    await service.record_read(session, access.actor, access.case, "accused")
    return await views.accused_reads(session, access)


@router.post(
    "/cases/{case_id}/accused",
    response_model=AccusedRead,
    status_code=201,
    summary="Add an accused person",
    responses=WRITE_ERRORS,
)
async def add_accused(
    body: AccusedCreate, access: CaseForEdit, session: DbSession, cipher: Cipher
) -> Any:
    accused = await parties.add_accused(
        session, access.actor, access.case, data=body, cipher=cipher
    )
    return next(a for a in await views.accused_reads(session, access) if a.id == accused.id)


@router.post(
    "/cases/{case_id}/accused/{accused_id}/status",
    response_model=AccusedRead,
    summary="Record an accused person's new status (arrest, custody, bail…)",
    responses=WRITE_ERRORS,
)
async def change_accused_status(
    accused_id: uuid.UUID,
    body: AccusedStatusIn,
    access: CaseForEdit,
    session: DbSession,
    cipher: Cipher,
) -> Any:
    accused = await parties.get_accused(session, access.case, accused_id)
    await parties.change_accused_status(
        session,
        access.actor,
        access.case,
        accused,
        version=body.version,
        status=body.status,
        effective_on=body.effective_on,
        first_remand_on=body.first_remand_on,
        bail_court=body.bail_court,
        note=body.note,
        cipher=cipher,
    )
    return next(a for a in await views.accused_reads(session, access) if a.id == accused.id)


# -- team --------------------------------------------------------------------------------------


@router.get(
    "/cases/{case_id}/team",
    response_model=list[TeamMemberRead],
    summary="The case team",
    responses=ERRORS,
)
async def list_team(access: CaseForView, session: DbSession) -> Any:
    await service.record_read(session, access.actor, access.case, "team")
    return await views.team_reads(session, access)


@router.post(
    "/cases/{case_id}/team",
    response_model=list[TeamMemberRead],
    status_code=201,
    summary="Assign a lawyer, social worker or survivor leader",
    responses=WRITE_ERRORS,
)
async def assign_team_member(body: TeamMemberIn, access: CaseForTeam, session: DbSession) -> Any:
    await team.assign(
        session, access.actor, access.case, user_id=body.user_id, team_role=body.team_role
    )
    return await views.team_reads(session, access)


@router.delete(
    "/cases/{case_id}/team/{user_id}",
    status_code=204,
    summary="Remove someone from the team",
    responses=WRITE_ERRORS,
)
async def remove_team_member(
    user_id: uuid.UUID, access: CaseForTeam, session: DbSession
) -> Response:
    await team.remove(session, access.actor, access.case, user_id=user_id)
    return Response(status_code=204)
