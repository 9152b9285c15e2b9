"""The case team: who works on a case, assigned by administrators and consortium leads."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from tafteesh.audit.service import AuditLine
from tafteesh.auth.models import Organisation, User
from tafteesh.auth.principal import Principal
from tafteesh.auth.roles import Role
from tafteesh.cases import timeline
from tafteesh.cases.changes import record_change
from tafteesh.cases.models import Case, CaseTeamMember, Survivor
from tafteesh.db import as_dicts
from tafteesh.errors import Conflict, InvalidInput, NotFound, StaleVersion

TEAM_ROLE_LABELS = {
    "lawyer": "lawyer",
    "social_worker": "social worker",
    "survivor_leader": "survivor leader",
}


async def members(session: AsyncSession, case_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(
            CaseTeamMember.user_id,
            User.display_name,
            CaseTeamMember.team_role,
            Organisation.name.label("organisation"),
            CaseTeamMember.assigned_at,
        )
        .join(User, User.id == CaseTeamMember.user_id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(CaseTeamMember.case_id == case_id, CaseTeamMember.removed_at.is_(None))
        .order_by(CaseTeamMember.assigned_at, CaseTeamMember.id)
    )
    return as_dicts(rows)


async def find_member_candidate(session: AsyncSession, email: str) -> User:
    """The active account with this email, for the team form (which asks for an email)."""
    user = await session.scalar(
        select(User).where(func.lower(User.email) == email.strip().lower(), User.is_active)
    )
    if user is None:
        raise InvalidInput(
            "There is no active account with this email.",
            details={"fields": {"email": "no such active account"}},
        )
    if user.role not in TEAM_ROLE_LABELS:
        raise InvalidInput(
            f"{user.display_name} is a {Role(user.role).label.lower()}; only lawyers, social "
            "workers and survivor leaders join case teams.",
            details={"fields": {"email": "not a team role"}},
        )
    return user


async def assign(
    session: AsyncSession, actor: Principal, case: Case, *, user_id: uuid.UUID, team_role: str
) -> None:
    """Put a person on the case team in the role their account has.

    A survivor leader joins only when a survivor on the case has recorded her consent.
    """
    user = await session.get(User, user_id)
    if user is None or not user.is_active:
        raise InvalidInput(
            "Choose an active account.", details={"fields": {"user_id": "unknown or inactive"}}
        )
    if user.role != team_role:
        raise InvalidInput(
            f"{user.display_name} has the role {Role(user.role).label}; they can join a team "
            f"only as a {TEAM_ROLE_LABELS.get(user.role, user.role)}.",
            details={"fields": {"team_role": "does not match the account's role"}},
        )
    if team_role == "survivor_leader":
        consent = await session.scalar(
            select(Survivor.id).where(
                Survivor.case_id == case.id, Survivor.leader_consent_on.is_not(None)
            )
        )
        if consent is None:
            raise Conflict(
                "A survivor leader joins a case only with the survivor's consent. Record her "
                "consent on the survivor's record first."
            )
    already = await session.scalar(
        select(CaseTeamMember.id).where(
            CaseTeamMember.case_id == case.id,
            CaseTeamMember.user_id == user_id,
            CaseTeamMember.removed_at.is_(None),
        )
    )
    if already is not None:
        raise Conflict(f"{user.display_name} is already on this case's team.")
    session.add(
        CaseTeamMember(case_id=case.id, user_id=user_id, team_role=team_role, assigned_by=actor.id)
    )
    await session.flush()
    role_label = TEAM_ROLE_LABELS[team_role]
    await record_change(
        session,
        actor,
        case,
        events=[
            timeline.Entry(
                timeline.EventKind.TEAM_JOINED,
                f"{user.display_name} joined the team as {role_label}",
                f"{user.display_name} ({role_label}) is now part of your team.",
                {"user_id": str(user_id), "team_role": team_role, "name": user.display_name},
            )
        ],
        audit=[
            AuditLine(
                "case.team_assign",
                object_type="case",
                object_id=case.id,
                summary=f"{team_role} {user_id}",
            )
        ],
    )


async def remove(
    session: AsyncSession, actor: Principal, case: Case, *, user_id: uuid.UUID
) -> None:
    membership = await session.scalar(
        select(CaseTeamMember).where(
            CaseTeamMember.case_id == case.id,
            CaseTeamMember.user_id == user_id,
            CaseTeamMember.removed_at.is_(None),
        )
    )
    if membership is None:
        raise NotFound("This person is not on the case team.")
    name = await session.scalar(select(User.display_name).where(User.id == user_id))
    membership.removed_at = datetime.now(UTC)
    membership.removed_by = actor.id
    await session.flush()
    await record_change(
        session,
        actor,
        case,
        events=[
            timeline.Entry(
                timeline.EventKind.TEAM_LEFT,
                f"{name} left the team",
                f"{name} is no longer part of your team.",
                {"user_id": str(user_id), "name": name},
            )
        ],
        audit=[
            AuditLine(
                "case.team_remove", object_type="case", object_id=case.id, summary=str(user_id)
            )
        ],
    )


async def withdraw_leader_consent(
    session: AsyncSession, actor: Principal, case: Case, survivor: Survivor, *, version: int
) -> list[uuid.UUID]:
    """She may take back her consent to a survivor leader's support at any time.

    Consent is what lets a survivor leader onto the case (``assign``), so when no survivor on
    the case still consents, every survivor leader leaves the team in the same transaction and
    loses access at once. Returns the ids of the leaders who left.
    """
    if version != survivor.version:
        raise StaleVersion(
            "survivor record", {"pseudonym": survivor.pseudonym, "version": survivor.version}
        )
    if survivor.leader_consent_on is None:
        raise Conflict(f"No consent to a survivor leader is recorded for {survivor.pseudonym}.")
    survivor.leader_consent_on = None
    survivor.leader_consent_recorded_by = actor.id
    try:
        await session.flush()
    except StaleDataError as exc:
        raise StaleVersion("survivor record", {"version": version}) from exc
    await record_change(
        session,
        actor,
        case,
        events=[
            timeline.Entry(
                timeline.EventKind.LEADER_CONSENT_WITHDRAWN,
                f"Survivor {survivor.pseudonym}: consent to a survivor leader's support withdrawn",
                "You withdrew your agreement to a survivor leader's support.",
                {"survivor_id": str(survivor.id)},
            )
        ],
        audit=[
            AuditLine(
                "survivor.leader_consent_withdrawn", object_type="survivor", object_id=survivor.id
            )
        ],
    )
    still_consenting = await session.scalar(
        select(Survivor.id).where(
            Survivor.case_id == case.id, Survivor.leader_consent_on.is_not(None)
        )
    )
    if still_consenting is not None:
        return []
    leaders = list(
        await session.scalars(
            select(CaseTeamMember.user_id).where(
                CaseTeamMember.case_id == case.id,
                CaseTeamMember.team_role == "survivor_leader",
                CaseTeamMember.removed_at.is_(None),
            )
        )
    )
    for leader in leaders:
        await remove(session, actor, case, user_id=leader)
    return leaders
