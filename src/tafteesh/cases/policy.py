"""Who may do what to which case, written once (DESIGN.md "Access model").

Access to a case comes from being on its team or being the survivor on it. Administrators and
consortium leads read every case but never a survivor's identity. The pure functions below decide
for one case; ``visible_cases_condition`` is the same rule as SQL, so lists never show a case its
reader could not open.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, bindparam, exists, select, true

from tafteesh.auth.principal import Principal
from tafteesh.auth.roles import Role
from tafteesh.cases.models import Case, CaseTeamMember, Survivor

READ_ALL_ROLES = frozenset({Role.ADMIN, Role.CONSORTIUM_LEAD})
TEAM_MANAGERS = frozenset({Role.ADMIN, Role.CONSORTIUM_LEAD})
CASE_CREATORS = frozenset({Role.LAWYER, Role.SOCIAL_WORKER})
# Identity is for the people who must reach her: her lawyers and social workers.
IDENTITY_TEAM_ROLES = frozenset({"lawyer", "social_worker"})
EDITING_TEAM_ROLES = frozenset({"lawyer", "social_worker"})


@dataclass(frozen=True)
class CaseRelation:
    """What the acting user is to one case."""

    team_role: str | None = None  # lawyer, social_worker or survivor_leader when on the team
    is_own_survivor: bool = False


def can_view_case(actor: Principal, relation: CaseRelation) -> bool:
    return (
        actor.role in READ_ALL_ROLES or relation.team_role is not None or relation.is_own_survivor
    )


def can_edit_case(actor: Principal, relation: CaseRelation) -> bool:
    """Change the case record, its charges, survivors and accused."""
    return relation.team_role in EDITING_TEAM_ROLES and actor.role in (
        Role.LAWYER,
        Role.SOCIAL_WORKER,
    )


def can_change_stage(actor: Principal, relation: CaseRelation) -> bool:
    """A stage is a legal fact: the case's lawyers record it."""
    return relation.team_role == "lawyer" and actor.role == Role.LAWYER


def can_see_identity(actor: Principal, relation: CaseRelation) -> bool:
    return relation.team_role in IDENTITY_TEAM_ROLES and actor.role in (
        Role.LAWYER,
        Role.SOCIAL_WORKER,
    )


def can_manage_team(actor: Principal) -> bool:
    return actor.role in TEAM_MANAGERS


def can_create_case(actor: Principal) -> bool:
    return actor.role in CASE_CREATORS


def sees_only_survivor_events(actor: Principal, relation: CaseRelation) -> bool:
    """The survivor herself sees the timeline events marked for her, in plain language."""
    return relation.team_role is None and actor.role == Role.SURVIVOR


class Visibility(StrEnum):
    """Which cases a reader's list may show, by the rule ``can_view_case`` applies to one case."""

    ALL = "all"
    OWN_SURVIVOR = "own_survivor"
    TEAM = "team"


def visibility(actor: Principal) -> Visibility:
    if actor.role in READ_ALL_ROLES:
        return Visibility.ALL
    if actor.role == Role.SURVIVOR:
        return Visibility.OWN_SURVIVOR
    return Visibility.TEAM


def visible_cases_condition(
    kind: Visibility, *, membership_narrowed_by: Sequence[ColumnElement[bool]] = ()
) -> ColumnElement[bool]:
    """SQL condition on ``Case`` matching exactly the cases ``can_view_case`` allows, with the
    reader's id as the bound parameter ``viewer_id`` (``viewer_values`` gives it). Hot lists build
    their statement once per shape around it and bind the reader on each request.

    ``membership_narrowed_by``: conditions on ``CaseTeamMember``'s copies of the case's columns,
    added to a team member's test so PostgreSQL can start from her matching memberships. They
    only ever narrow; the caller still tests the case's own columns."""
    if kind is Visibility.ALL:
        return true()
    if kind is Visibility.OWN_SURVIVOR:
        return exists(
            select(Survivor.id).where(
                Survivor.case_id == Case.id, Survivor.user_id == bindparam("viewer_id")
            )
        )
    return exists(
        select(CaseTeamMember.id).where(
            CaseTeamMember.case_id == Case.id,
            CaseTeamMember.user_id == bindparam("viewer_id"),
            CaseTeamMember.removed_at.is_(None),
            *membership_narrowed_by,
        )
    )


def viewer_values(actor: Principal) -> dict[str, object]:
    """The bound values ``visible_cases_condition`` (and any test on the reader's own cases)
    needs; a statement that does not use them ignores them."""
    return {"viewer_id": actor.id}
